import { readDiagnosisMix, readServiceCatalogue } from '@claimtrail/claims/infra/reference-data';
import { seededRandom } from '../../apps/cli/src/seeded-random';

/**
 * The scenario the benchmark and the fault suite run: one payer with a full plan (every catalogue
 * code priced with its restrictions, limits, co-payment, waiting periods, review), a few hundred
 * clinics (one of them uncontracted), many members, and a deterministic mix of claims that
 * approves most and trips every family of rules now and then.
 */
export interface Workload {
  tag: string;
  payer: { id: string; key: string };
  /** Contracted clinics; the last entry of `clinics` is the uncontracted one. */
  clinics: { id: string; key: string }[];
  planId: string;
  members: number;
  /** Day the claims' service dates count back from (the plan and members are dated around it). */
  today: string;
}

/** Sizes of a seeded workload. */
export interface WorkloadSize {
  members: number;
  clinics: number;
}

/** A claim body of the workload and the clinic that sends it. */
export interface WorkloadClaim {
  clinic: number;
  body: ClaimBody;
  /** Which part of the mix the claim belongs to (for reports only). */
  kind: string;
}

/** Body of POST /v1/claims as the workload sends it. */
export interface ClaimBody {
  externalRef: string;
  payerId: string;
  memberNumber: string;
  serviceDate: string;
  careType: 'outpatient' | 'inpatient';
  currency: 'KES';
  diagnoses: string[];
  lines: { serviceCode: string; quantity: number; unitPrice: number; preauthRef?: string }[];
}

/** An HTTP call as one organization; the seeding reads a few fields of the answers. */
type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: Record<string, unknown> }>;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const VISIT_KIND: Record<string, string> = {
  'CONS-GP': 'consultation',
  'CONS-SPEC': 'consultation',
  'CONS-FU': 'consultation',
  'ANC-VISIT': 'antenatal',
  'DEL-NVD': 'delivery',
  'DEL-CS': 'delivery',
  'PROC-CIRC': 'surgery',
};
/** Members enrolled per request (well inside the default 1 MiB body limit). */
const ENROL_CHUNK = 2_000;

/** Member number of the i-th member of a workload. */
export const memberNumber = (tag: string, i: number) => `${tag}-${String(i).padStart(6, '0')}`;
/** Deterministic traits of the i-th member: most are women of child-bearing age or children. */
const memberSex = (i: number): 'F' | 'M' => (i % 5 < 3 ? 'F' : 'M');
const memberBirthYear = (i: number, year: number) => year - 1 - ((i * 7919) % 70);
/** One member in fifty has lapsed; one in fifty joined a month ago (inside the maternity waiting period). */
const memberCohort = (i: number) => (i % 50 === 7 ? 'lapsed' : i % 50 === 11 ? 'new' : 'active');

/** The plan's rule set: the whole catalogue of data/services.csv and every optional section. */
export function workloadRuleSet(clinicIds: string[], today: string): Record<string, unknown> {
  const t = Date.parse(today);
  const tariff: Record<string, Record<string, unknown>> = {};
  for (const s of readServiceCatalogue()) {
    tariff[s.code] = {
      unitPrice: s.unitPriceMinor,
      category: s.category,
      careTypes: s.careType === 'inpatient' ? ['inpatient'] : ['outpatient', 'emergency'],
      ...(s.sex ? { sex: s.sex } : {}),
      ...(s.minAge !== null ? { minAge: s.minAge } : {}),
      ...(s.maxAge !== null ? { maxAge: s.maxAge } : {}),
      ...(s.preauth ? { preauthRequired: true } : {}),
      ...(s.maxPerYear !== null ? { frequency: { max: s.maxPerYear, period: { calendar: 'year' } } } : {}),
      ...(VISIT_KIND[s.code] ? { visitKind: VISIT_KIND[s.code] } : {}),
      maxQuantityPerLine: s.careType === 'inpatient' ? 30 : 10,
    };
  }
  return {
    currency: 'KES',
    coverage: { start: iso(t - 400 * DAY), end: iso(t + 365 * DAY) },
    contractedProviders: clinicIds,
    tariff,
    excludedDiagnoses: ['Z41'],
    waitingPeriods: { categories: { maternity: 90 } },
    visitLimits: {
      consultations: { max: 24, period: { calendar: 'year' } },
      deliveries: { max: 1, period: { rollingDays: 280 } },
    },
    limits: { perVisit: 8_000_000, annual: 20_000_000, categories: { pharmacy: 1_000_000 } },
    coPayment: { percent: 5, cap: 20_000 },
    review: { threshold: 5_000_000, samplingPercent: 0.5 },
    submissionDeadlineDays: 90,
    maxResubmissions: 3,
  };
}

/**
 * Creates the payer, the clinics, the plan and the members over the API with an operator's key.
 * `onProgress` is told how many members are enrolled so far.
 */
export async function seedWorkload(
  asOperator: Call,
  clientFor: (key: string) => Call,
  size: WorkloadSize,
  tag: string,
  onProgress: (enrolled: number) => void = () => undefined,
): Promise<Workload> {
  const today = new Date().toISOString().slice(0, 10);
  const org = async (kind: string, name: string) => {
    const r = await asOperator('POST', '/v1/organizations', { kind, name });
    if (r.status !== 201) throw new Error(`creating ${kind} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return { id: r.body.id as string, key: r.body.apiKey as string };
  };
  const payer = await org('payer', `Benchmark Health Scheme ${tag}`);
  const clinics: Workload['clinics'] = [];
  for (let i = 0; i < size.clinics; i++) clinics.push(await org('provider', `Clinic ${i + 1} ${tag}`));
  const asPayer = clientFor(payer.key);
  const contracted = clinics.slice(0, -1).map((c) => c.id);
  const plan = await asPayer('POST', '/v1/plans', {
    name: `Benchmark plan ${tag}`,
    ruleSet: workloadRuleSet(contracted, today),
  });
  if (plan.status !== 201) throw new Error(`plan failed: ${plan.status} ${JSON.stringify(plan.body)}`);
  const planId = plan.body.id as string;
  // The last clinic holds a contract with the payer under another plan, not this one: its claims
  // for this plan's members are refused by the rules (PROVIDER_NOT_CONTRACTED), not at the door as
  // a stranger's are.
  const elsewhere = await asPayer('POST', '/v1/plans', {
    name: `Benchmark outreach plan ${tag}`,
    ruleSet: workloadRuleSet([clinics[clinics.length - 1].id], today),
  });
  if (elsewhere.status !== 201)
    throw new Error(`plan failed: ${elsewhere.status} ${JSON.stringify(elsewhere.body)}`);
  const t = Date.parse(today);
  const year = new Date(t).getUTCFullYear();
  for (let from = 0; from < size.members; from += ENROL_CHUNK) {
    const members = [];
    for (let i = from; i < Math.min(size.members, from + ENROL_CHUNK); i++) {
      const cohort = memberCohort(i);
      const birthYear = memberBirthYear(i, year);
      members.push({
        memberNumber: memberNumber(tag, i),
        planId,
        fullName: `Member ${i} ${tag}`,
        birthDate: `${birthYear}-${String((i % 12) + 1).padStart(2, '0')}-15`,
        sex: memberSex(i),
        coverageStart: iso(t - (cohort === 'new' ? 30 : 400) * DAY),
        coverageEnd: iso(t + (cohort === 'lapsed' ? -120 : 365) * DAY),
      });
    }
    const r = await asPayer('POST', '/v1/members', { members });
    if (r.status !== 201) throw new Error(`enrolment failed: ${r.status} ${JSON.stringify(r.body)}`);
    onProgress(from + members.length);
  }
  return { tag, payer, clinics, planId, members: size.members, today };
}

/**
 * The i-th claim of the workload: the same index always yields the same claim. About four in five
 * are ordinary visits that are approved; the rest exercise the rules (price above tariff, missing
 * pre-authorisation, excluded diagnosis, restrictions by sex and age, lapsed and waiting members,
 * uncontracted clinic, duplicates, limits, review).
 *
 * `sender`, when given, is the contracted clinic whose end-of-day file the claim is part of: every
 * claim of the file is that clinic's, except the uncontracted clinic's (which still sends its own),
 * and a duplicate repeats the file's previous visit at the same clinic.
 */
export function workloadClaim(w: Workload, i: number, sender?: number): WorkloadClaim {
  const rand = seededRandom(i * 2654435761);
  const contracted = w.clinics.length - 1;
  // One claim in ten goes to a small group of frequent visitors, who reach limits and frequencies.
  const hot = Math.max(1, Math.floor(w.members / 100));
  let m = rand() < 0.1 ? Math.floor(rand() * hot) : Math.floor(rand() * w.members);
  const drawn = Math.floor(rand() * contracted);
  let clinic = sender ?? drawn;
  const t = Date.parse(w.today);
  const serviceDate = iso(t - Math.floor(rand() * 60) * DAY);
  const age = new Date(t).getUTCFullYear() - memberBirthYear(m, new Date(t).getUTCFullYear());
  const price = (code: string) => CATALOGUE.get(code)!.unitPriceMinor;
  const ln = (code: string, quantity = 1, unitPrice = price(code)) => ({
    serviceCode: code,
    quantity,
    unitPrice,
  });
  const r = rand();
  let kind: string;
  let careType: ClaimBody['careType'] = 'outpatient';
  let diagnoses: string[];
  let lines: ClaimBody['lines'];
  if (r < 0.4) {
    kind = 'malaria';
    diagnoses = ['B54'];
    lines = [ln('CONS-GP'), ln('LAB-MRDT'), ln('DRUG-AL')];
  } else if (r < 0.55) {
    kind = 'respiratory';
    diagnoses = ['J06.9'];
    lines = [ln('CONS-GP'), ln('DRUG-AMOX'), ln('DRUG-PCM')];
  } else if (r < 0.66) {
    kind = 'other-outpatient';
    diagnoses = [pickDiagnosis(rand())];
    lines = [ln('CONS-FU'), ln('LAB-FBC')];
  } else if (r < 0.74) {
    kind = 'antenatal';
    m = womanOfChildBearingAge(m, w);
    diagnoses = ['Z34.0'];
    lines = [ln('ANC-VISIT'), ln('DRUG-IFAS')];
  } else if (r < 0.79) {
    kind = 'chronic';
    diagnoses = ['E11.9'];
    lines = [ln('CONS-GP'), ln('LAB-HBA1C'), ln('DRUG-MET')];
  } else if (r < 0.81) {
    kind = 'delivery';
    m = womanOfChildBearingAge(m, w);
    careType = 'inpatient';
    diagnoses = ['O80'];
    lines = [ln('DEL-NVD'), ln('ADM-DAY', 2)];
  } else if (r < 0.83) {
    kind = 'above-tariff';
    diagnoses = ['B54'];
    lines = [ln('CONS-GP', 1, price('CONS-GP') + 30_000), ln('LAB-MRDT')];
  } else if (r < 0.85) {
    kind = 'no-preauth';
    diagnoses = ['J18.9'];
    lines = [ln('CONS-GP'), ln('IMG-XRAY-CH')];
  } else if (r < 0.87) {
    kind = 'excluded-diagnosis';
    diagnoses = ['Z41.1'];
    lines = [ln('CONS-SPEC')];
  } else if (r < 0.89) {
    kind = 'wrong-sex-or-age';
    lines = age > 5 ? [ln('IMM-MR')] : [ln('FP-IMPLANT')];
    diagnoses = ['Z30.0'];
  } else if (r < 0.91) {
    kind = 'uncontracted';
    clinic = contracted;
    diagnoses = ['B54'];
    lines = [ln('CONS-GP'), ln('LAB-MRDT')];
  } else if (r < 0.93) {
    kind = 'duplicate';
    // The same visit as claim i-1, billed again by another clinic (or, in a file, by the same one).
    const earlier = workloadClaim(w, Math.max(0, i - 1), sender);
    return {
      clinic: sender ?? (earlier.clinic + 1) % contracted,
      kind,
      body: { ...earlier.body, externalRef: `${w.tag}-${i}` },
    };
  } else if (r < 0.95) {
    kind = 'over-limit';
    careType = 'inpatient';
    diagnoses = ['J18.9'];
    lines = [ln('ADM-DAY', 25), ln('LAB-FBC')];
  } else if (r < 0.97) {
    kind = 'quantity';
    diagnoses = ['A09'];
    lines = [ln('CONS-GP'), ln('DRUG-ORS', 12)];
  } else {
    kind = 'high-value';
    careType = 'inpatient';
    diagnoses = ['J18.9'];
    lines = [ln('ADM-DAY', 12), ln('LAB-FBC', 2), ln('IMG-CT-HEAD', 1, price('IMG-CT-HEAD'))];
    lines[2].preauthRef = `PA-${i}`;
  }
  return {
    clinic,
    kind,
    body: {
      externalRef: `${w.tag}-${i}`,
      payerId: w.payer.id,
      memberNumber: memberNumber(w.tag, m),
      serviceDate,
      careType,
      currency: 'KES',
      diagnoses,
      lines,
    },
  };
}

const CATALOGUE = new Map(readServiceCatalogue().map((s) => [s.code, s]));
const DIAGNOSES = readDiagnosisMix().filter((d) => d.category === 'outpatient');
const DIAGNOSIS_WEIGHT = DIAGNOSES.reduce((sum, d) => sum + d.outpatientSharePct, 0);

/** A diagnosis drawn by its share of outpatient visits in data/diagnoses.csv. */
function pickDiagnosis(u: number): string {
  let left = u * DIAGNOSIS_WEIGHT;
  for (const d of DIAGNOSES) {
    left -= d.outpatientSharePct;
    if (left < 0) return d.icd10;
  }
  return DIAGNOSES[DIAGNOSES.length - 1].icd10;
}

/** The nearest member at or after `m` who is a woman aged 18-45 (the mix's maternity claims). */
function womanOfChildBearingAge(m: number, w: Workload): number {
  const year = new Date(Date.parse(w.today)).getUTCFullYear();
  for (let k = 0; k < 70; k++) {
    const c = (m + k) % w.members;
    const age = year - memberBirthYear(c, year);
    if (memberSex(c) === 'F' && age >= 18 && age <= 45) return c;
  }
  return m;
}
