import { SingleBar, Presets } from 'cli-progress';
import type { DataSource } from 'typeorm';
import { organizationsServiceOn } from '@claimtrail/claims';
import { EmbeddedLedger } from '@claimtrail/ledger';
import { auditFund } from '../audit.action';
import { seededRandom } from '../seeded-random';

/** Prices in KES minor units, from data/services.csv. */
const TARIFF = {
  'CONS-GP': { unitPrice: 150000, category: 'outpatient', visitKind: 'consultation' },
  'LAB-MRDT': { unitPrice: 30000, category: 'laboratory' },
  'DRUG-AL': { unitPrice: 45000, category: 'pharmacy' },
  'ANC-VISIT': {
    unitPrice: 100000,
    category: 'maternity',
    careTypes: ['outpatient'],
    sex: 'F',
    minAge: 12,
    maxAge: 55,
    visitKind: 'antenatal',
  },
  'DEL-NVD': {
    unitPrice: 1500000,
    category: 'maternity',
    careTypes: ['inpatient'],
    sex: 'F',
    minAge: 12,
    maxAge: 55,
    visitKind: 'delivery',
  },
  'IMG-US-OBS': { unitPrice: 250000, category: 'maternity', sex: 'F', minAge: 12, maxAge: 55 },
} as const;

type Line = { serviceCode: keyof typeof TARIFF; quantity: number; unitPrice: number };
interface ClaimSpec {
  externalRef: string;
  provider: number;
  memberNumber: string;
  serviceDate: string;
  careType: 'outpatient' | 'inpatient';
  diagnoses: string[];
  lines: Line[];
  kind: 'malaria' | 'antenatal' | 'delivery' | 'above-tariff' | 'duplicate';
}

export interface DemoOptions {
  claims: number;
  log: (line: string) => void;
}

/** What the demo proved; `ok` is false when any step did not come out as the story says. */
export interface DemoOutcome {
  ok: boolean;
  problems: string[];
}

const MEMBERS = 200;
const ANNUAL_LIMIT = 2_000_000;
const MATERNITY_BUDGET = 150_000_000;
const GENERAL_BUDGET = 100_000_000;
const YEAR = { start: '2026-01-01', end: '2026-12-31' };

/** Formats minor units as KES with two decimals. */
export const kes = (minor: number) =>
  `KES ${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const day = (d: number) => new Date(Date.UTC(2026, 0, 5) + d * 86_400_000).toISOString().slice(0, 10);
const line = (code: keyof typeof TARIFF, unitPrice: number = TARIFF[code].unitPrice): Line => ({
  serviceCode: code,
  quantity: 1,
  unitPrice,
});
const isFemale = (m: number) => m % 5 !== 4;

/** The clinics' claims: one per member and day, with a few duplicates re-sent by another clinic. */
function claimSpecs(n: number): ClaimSpec[] {
  const rand = seededRandom(2026);
  const specs: ClaimSpec[] = [];
  const bySlot = new Map<string, ClaimSpec>();
  for (let i = 0; i < n; i++) {
    const m = i % MEMBERS;
    const d = Math.floor(i / MEMBERS);
    const memberNumber = `KSM-${String(m + 1).padStart(4, '0')}`;
    const base = { externalRef: `demo-${i + 1}`, provider: (m + d) % 3, memberNumber };
    const earlier = bySlot.get(`${m}:${d - 1}`);
    const r = rand();
    let spec: ClaimSpec;
    if (earlier?.kind === 'malaria' && rand() < 0.04) {
      // The same visit billed again by another clinic.
      spec = { ...earlier, ...base, provider: (earlier.provider + 1) % 3, kind: 'duplicate' };
    } else if (isFemale(m) && r < 0.04) {
      spec = {
        ...base,
        serviceDate: day(d),
        careType: 'inpatient',
        diagnoses: ['O80'],
        lines: [line('DEL-NVD')],
        kind: 'delivery',
      };
    } else if (isFemale(m) && r < 0.3) {
      spec = {
        ...base,
        serviceDate: day(d),
        careType: 'outpatient',
        diagnoses: ['Z34.0'],
        lines: r < 0.15 ? [line('ANC-VISIT'), line('IMG-US-OBS')] : [line('ANC-VISIT')],
        kind: 'antenatal',
      };
    } else if (r > 0.97) {
      spec = {
        ...base,
        serviceDate: day(d),
        careType: 'outpatient',
        diagnoses: ['J06.9'],
        lines: [line('CONS-GP', 180000)],
        kind: 'above-tariff',
      };
    } else {
      spec = {
        ...base,
        serviceDate: day(d),
        careType: 'outpatient',
        diagnoses: ['B54'],
        lines: [line('CONS-GP'), line('LAB-MRDT'), line('DRUG-AL')],
        kind: 'malaria',
      };
    }
    bySlot.set(`${m}:${d}`, spec);
    specs.push(spec);
  }
  return specs;
}

/** A JSON client for one organization's API key; throws on an unexpected status. */
function client(baseUrl: string, apiKey: string) {
  return async <T = unknown>(method: string, path: string, body?: unknown, expect = [200, 201, 202]) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expect.includes(res.status))
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const newBar = (label: string, total: number) => {
  const bar = new SingleBar(
    {
      format: `${label.padEnd(20)} {bar} {percentage}% | {value}/{total}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
};

async function count(db: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = (await db.query(sql, params)) as { n: number }[];
  return Number(row.n);
}

/** Polls `probe` until it reaches `target`, reporting progress; fails after `timeoutMs`. */
async function waitFor(
  probe: () => Promise<number>,
  target: number,
  onProgress: (n: number) => void,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await probe();
    onProgress(n);
    if (n >= target) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${n}/${target})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pendingOutbox = (db: DataSource) =>
  count(db, `SELECT count(*)::int AS n FROM ledger_outbox WHERE committed_at IS NULL AND outcome IS NULL`);

/** The whole story, over HTTP against `baseUrl`, with `db` for the operator and for progress. */
export async function runDemoStory(db: DataSource, baseUrl: string, opts: DemoOptions): Promise<DemoOutcome> {
  const { log } = opts;
  const problems: string[] = [];

  // Organizations: the operator directly on the database, everyone else through the API.
  const { apiKey: operatorKey } = await organizationsServiceOn(db).create(
    'operator',
    'Demo platform operator',
  );
  const asOperator = client(baseUrl, operatorKey);
  const org = async (kind: string, name: string) => {
    const r = await asOperator<{ id: string; apiKey: string }>('POST', '/v1/organizations', { kind, name });
    return { id: r.id, key: r.apiKey, name };
  };
  const payer = await org('payer', 'Jamii Health Scheme');
  const funder = await org('funder', 'Kisumu Maternal Health Trust');
  const clinics = [
    await org('provider', 'Kondele Clinic'),
    await org('provider', 'Nyalenda Health Centre'),
    await org('provider', 'Manyatta Maternity Home'),
  ];
  const asPayer = client(baseUrl, payer.key);
  const asFunder = client(baseUrl, funder.key);

  // The insurer publishes its plan and enrols its members.
  const plan = await asPayer<{ id: string }>('POST', '/v1/plans', {
    name: 'Jamii Family Cover 2026',
    ruleSet: {
      currency: 'KES',
      coverage: YEAR,
      contractedProviders: clinics.map((c) => c.id),
      tariff: TARIFF,
      limits: { annual: ANNUAL_LIMIT },
      review: { threshold: 1_000_000 },
    },
  });
  await asPayer('POST', '/v1/members', {
    members: Array.from({ length: MEMBERS }, (_, m) => ({
      memberNumber: `KSM-${String(m + 1).padStart(4, '0')}`,
      planId: plan.id,
      fullName: isFemale(m) ? 'Akinyi Otieno' : 'Ochieng Omondi',
      birthDate: `${1985 + (m % 15)}-0${1 + (m % 9)}-15`,
      sex: isFemale(m) ? 'F' : 'M',
      coverageStart: YEAR.start,
      coverageEnd: YEAR.end,
    })),
  });

  // The donor funds maternal care at the county's three clinics, plus a general fund.
  const maternity = await asFunder<{ id: string }>('POST', '/v1/funds', {
    name: 'Kisumu County maternal care',
    currency: 'KES',
    budget: MATERNITY_BUDGET,
    period: YEAR,
    earmarks: { providerIds: clinics.map((c) => c.id), categories: ['maternity'] },
  });
  const general = await asFunder<{ id: string }>('POST', '/v1/funds', {
    name: 'Jamii general support',
    currency: 'KES',
    budget: GENERAL_BUDGET,
    period: YEAR,
    earmarks: { payerIds: [payer.id] },
  });
  log(
    `Set-up: insurer "${payer.name}", donor "${funder.name}", 3 clinics, ${MEMBERS} members, ` +
      `funds: maternity ${kes(MATERNITY_BUDGET)}, general ${kes(GENERAL_BUDGET)}`,
  );

  // The clinics submit.
  const specs = claimSpecs(opts.claims);
  const submitBar = newBar('Submitting claims', specs.length);
  const claimIds = new Map<string, string>();
  await inParallel(specs, 24, async (s) => {
    const r = await client(baseUrl, clinics[s.provider].key)<{ id: string }>('POST', '/v1/claims', {
      externalRef: s.externalRef,
      payerId: payer.id,
      memberNumber: s.memberNumber,
      serviceDate: s.serviceDate,
      careType: s.careType,
      currency: 'KES',
      diagnoses: s.diagnoses,
      lines: s.lines,
    });
    claimIds.set(r.id, s.externalRef);
    submitBar.increment();
  });
  submitBar.stop();

  // The worker decides; the insurer reviews the pended claims and pays.
  const n = specs.length;
  const flowBar = newBar('Deciding and paying', n);
  await waitFor(
    () => count(db, `SELECT count(*)::int AS n FROM claims WHERE status NOT IN ('received', 'adjudicating')`),
    n,
    (v) => flowBar.update(v),
    'adjudication',
  );
  const pended = (await db.query(`SELECT id FROM claims WHERE status = 'pended' ORDER BY external_ref`)) as {
    id: string;
  }[];
  flowBar.setTotal(n + pended.length);
  // The reviewer lowers one delivery (the one whose member has the most of the annual limit left,
  // so the lowered amount is within what the rules allow), then approves the rest.
  let adjusted: string | undefined;
  const [candidate] = (await db.query(
    `SELECT c.id, (d.lines -> 0 ->> 'lineNo')::int AS "lineNo",
            least((d.lines -> 0 ->> 'approved')::bigint, $1 - coalesce(a.annual_approved, 0))::bigint AS allowed
       FROM claims c
       JOIN LATERAL (SELECT lines FROM claim_decisions WHERE claim_id = c.id ORDER BY revision DESC LIMIT 1) d ON true
       LEFT JOIN member_accumulators a ON a.member_id = c.member_id AND a.benefit_year = 2026
      WHERE c.status = 'pended' ORDER BY allowed DESC, c.external_ref LIMIT 1`,
    [ANNUAL_LIMIT],
  )) as { id: string; lineNo: number; allowed: string }[];
  if (candidate && Number(candidate.allowed) > 0) {
    const lowered = Math.floor((Number(candidate.allowed) * 0.8) / 100) * 100;
    try {
      await asPayer('POST', `/v1/claims/${candidate.id}/review`, {
        action: 'adjust',
        lines: [{ lineNo: candidate.lineNo, approved: lowered }],
        note: 'Delivery billed above the agreed package; adjusted',
      });
      adjusted = candidate.id;
      flowBar.increment();
    } catch (err) {
      problems.push(`the adjusted review was refused: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const { id } of pended) {
    if (id === adjusted) continue;
    await asPayer('POST', `/v1/claims/${id}/review`, { action: 'approve' });
    flowBar.increment();
  }
  await waitFor(
    async () => ((await pendingOutbox(db)) === 0 ? 1 : 0),
    1,
    () => undefined,
    'ledger commits',
  );

  const payable = (
    (await db.query(
      `SELECT id FROM claims WHERE status IN ('approved', 'partially_approved') ORDER BY id`,
    )) as { id: string }[]
  ).map((r) => r.id);
  flowBar.setTotal(n + pended.length + payable.length);
  let payFailures = 0;
  for (let i = 0; i < payable.length; i += 1000) {
    const r = await asPayer<{ results: { ok: boolean }[] }>('POST', '/v1/payments/batch', {
      payments: payable
        .slice(i, i + 1000)
        // A payment reference is the insurer's idempotency key for one claim's payment.
        .map((claimId, j) => ({ claimId, paymentRef: `MPESA-B2B-${i / 1000 + 1}-${j + 1}` })),
    });
    payFailures += r.results.filter((x) => !x.ok).length;
  }
  if (payFailures) problems.push(`${payFailures} payments were refused`);
  await waitFor(
    () =>
      count(
        db,
        `SELECT count(*)::int AS n FROM ledger_outbox WHERE kind = 'payment' AND committed_at IS NOT NULL`,
      ),
    payable.length - payFailures,
    (v) => flowBar.update(n + pended.length + v),
    'payments on the ledger',
  );
  await waitFor(
    async () => ((await pendingOutbox(db)) === 0 ? 1 : 0),
    1,
    () => undefined,
    'ledger commits',
  );
  flowBar.stop();

  // The summary.
  const firstDecisions = (await db.query(
    `SELECT status, count(*)::int AS n FROM (
       SELECT DISTINCT ON (claim_id) claim_id, status FROM claim_decisions ORDER BY claim_id, revision
     ) d GROUP BY status ORDER BY n DESC`,
  )) as { status: string; n: number }[];
  const finals = (await db.query(
    `SELECT status, count(*)::int AS n FROM claims GROUP BY status ORDER BY n DESC`,
  )) as { status: string; n: number }[];
  // Claims carrying each reason code, at the claim or on any line, in the rules' first decision.
  const reasons = (await db.query(
    `SELECT code, count(DISTINCT claim_id)::int AS n FROM (
       SELECT DISTINCT ON (claim_id) claim_id, reason_codes, lines FROM claim_decisions ORDER BY claim_id, revision
     ) d, LATERAL (
       SELECT unnest(d.reason_codes) AS code
       UNION SELECT jsonb_array_elements_text(l -> 'reasonCodes') FROM jsonb_array_elements(d.lines) AS l
     ) c GROUP BY code ORDER BY n DESC, code LIMIT 6`,
  )) as { code: string; n: number }[];
  const [money] = (await db.query(
    `SELECT (SELECT coalesce(sum(total_claimed), 0) FROM claims)::bigint AS claimed,
            (SELECT coalesce(sum(total_approved), 0) FROM (
               SELECT DISTINCT ON (claim_id) total_approved FROM claim_decisions ORDER BY claim_id, revision DESC
             ) d)::bigint AS approved,
            (SELECT coalesce(sum(amount), 0) FROM payments WHERE refused_at IS NULL)::bigint AS paid`,
  )) as { claimed: string; approved: string; paid: string }[];
  const join = (rows: { n: number; status?: string; code?: string }[]) =>
    rows.map((r) => `${r.status ?? r.code} ${r.n}`).join(', ');

  log('');
  log(`Claims: ${n} submitted by 3 clinics for ${MEMBERS} members`);
  log(`  first decision: ${join(firstDecisions)}`);
  log(
    `  review:         ${pended.length} pended claims reviewed (${pended.length - (adjusted ? 1 : 0)} approved, ` +
      `${adjusted ? 1 : 0} adjusted${adjusted ? `: ${claimIds.get(adjusted)}` : ''})`,
  );
  log(`  now:            ${join(finals)}`);
  log(`  top reasons:    ${join(reasons)}`);
  log(
    `Money: claimed ${kes(Number(money.claimed))}, approved ${kes(Number(money.approved))}, paid ${kes(Number(money.paid))}`,
  );

  const fundLines: string[] = [];
  for (const [label, fund] of [
    ['maternity', maternity],
    ['general', general],
  ] as const) {
    const r = await asFunder<{ total: number; allocated: number; remaining: number; claims: number }>(
      'GET',
      `/v1/funds/${fund.id}/report`,
    );
    fundLines.push(
      `  ${label.padEnd(10)} budget ${kes(r.total)}, paid out ${kes(r.allocated)} for ${r.claims} claims, left ${kes(r.remaining)}`,
    );
  }
  log('Funds:');
  fundLines.forEach((l) => log(l));

  const ledger = new EmbeddedLedger(db);
  const head = await ledger.head();
  const chain = await ledger.checkChain();
  log(
    `Ledger: height ${head.height}, chain check ${chain.ok ? 'OK' : 'FAILED'} (${chain.blocksChecked} blocks` +
      `${chain.firstBadBlock ? `, first bad block ${chain.firstBadBlock.number}: ${chain.firstBadBlock.reason}` : ''})`,
  );
  if (!chain.ok) problems.push('the ledger chain check failed');

  // The donor's audit, before and after someone alters a payment in PostgreSQL.
  const clean = await auditFund(ledger, baseUrl, funder.key, maternity.id);
  log(
    `Audit of the maternity fund: ${clean.clean ? 'CLEAN - the API report matches the ledger, claim by claim' : 'NOT CLEAN'}`,
  );
  if (!clean.clean) problems.push(`the first audit was not clean: ${clean.lines.join(' / ')}`);

  const [victim] = (await db.query(
    `SELECT claim_id FROM payment_allocations WHERE fund_id = $1 AND released_at IS NULL
      ORDER BY claim_id LIMIT 1 OFFSET 3`,
    [maternity.id],
  )) as { claim_id: string }[];
  if (!victim) {
    problems.push('the maternity fund paid no claim, so there was nothing to tamper with');
  } else {
    await db.query(
      `UPDATE payment_allocations SET amount = amount + 100000
        WHERE claim_id = $1 AND fund_id = $2 AND released_at IS NULL`,
      [victim.claim_id, maternity.id],
    );
    log(
      `Tampering: payment_allocations of claim ${victim.claim_id} (${claimIds.get(victim.claim_id)}) raised by ${kes(100000)} in PostgreSQL`,
    );
    const tampered = await auditFund(ledger, baseUrl, funder.key, maternity.id);
    const named = tampered.differingClaimIds;
    log(`Audit after tampering: ${tampered.clean ? 'CLEAN (the change went unnoticed!)' : 'MISMATCH'}`);
    for (const id of named)
      log(`  MISMATCH: claim ${id}${id === victim.claim_id ? ' <- the altered claim' : ''}`);
    if (named.length !== 1 || named[0] !== victim.claim_id)
      problems.push(`the audit named ${named.length} claims instead of exactly ${victim.claim_id}`);
  }
  return { ok: problems.length === 0, problems };
}
