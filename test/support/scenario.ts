import { runCli } from './cli';
import { apiClient, expectStatus, type RequestBody } from './api-client';

/** The body of POST /v1/claims. */
export type ClaimBody = RequestBody<'/v1/claims', 'post'>;

/** The organizations, plan and members most end-to-end suites start from. */
export interface Scenario {
  operatorKey: string;
  payer: { id: string; key: string };
  providers: { id: string; key: string }[];
  outsider: { id: string; key: string };
  funder: { id: string; key: string };
  planId: string;
  ruleSetHash: string;
  members: { active: string; lapsed: string };
}

/** The tariff of the scenario's plan, priced from data/services.csv. */
export const TARIFF = {
  'CONS-GP': { unitPrice: 150000, category: 'outpatient' },
  'CONS-FU': { unitPrice: 80000, category: 'outpatient' },
  'LAB-MRDT': { unitPrice: 30000, category: 'laboratory' },
  'LAB-FBC': { unitPrice: 80000, category: 'laboratory' },
  'DRUG-AL': { unitPrice: 45000, category: 'pharmacy' },
  'DRUG-AMOX': { unitPrice: 30000, category: 'pharmacy' },
  'DRUG-PCM': { unitPrice: 5000, category: 'pharmacy' },
  'ANC-VISIT': { unitPrice: 100000, category: 'maternity' },
} as const;

/**
 * A malaria consultation of the scenario's active member on 2026-03-14, approved as it stands;
 * `over` replaces any of its fields.
 */
export function consultationClaim(
  s: Scenario,
  externalRef: string,
  over: Partial<ClaimBody> = {},
): ClaimBody {
  return {
    externalRef,
    payerId: s.payer.id,
    memberNumber: s.members.active,
    serviceDate: '2026-03-14',
    currency: 'KES',
    diagnoses: ['B54'],
    lines: [{ serviceCode: 'CONS-GP', quantity: 1, unitPrice: TARIFF['CONS-GP'].unitPrice }],
    ...over,
  };
}

/** Creates an operator through the CLI, then everyone else through the API, a plan and two members. */
export async function buildScenario(baseUrl: string, tag: string): Promise<Scenario> {
  const op = await runCli(['org', 'create', '--kind', 'operator', '--name', `Operator ${tag}`, '--json']);
  if (op.status !== 0) throw new Error(`org create failed: ${op.stderr}`);
  const operatorKey = (JSON.parse(op.stdout) as { apiKey: string }).apiKey;
  const asOperator = apiClient(baseUrl, operatorKey);
  const org = async (kind: 'payer' | 'provider' | 'funder', name: string) => {
    const created = expectStatus(await asOperator.POST('/v1/organizations', { body: { kind, name } }), 201);
    return { id: created.id, key: created.apiKey };
  };
  const payer = await org('payer', `Jamii Health Scheme ${tag}`);
  const providers = [
    await org('provider', `Kibera Clinic ${tag}`),
    await org('provider', `Mathare Health Centre ${tag}`),
  ];
  const outsider = await org('provider', `Uncontracted Clinic ${tag}`);
  const funder = await org('funder', `Maternal Care Fund ${tag}`);

  const asPayer = apiClient(baseUrl, payer.key);
  const plan = expectStatus(
    await asPayer.POST('/v1/plans', {
      body: {
        name: 'Jamii Outpatient 2026',
        ruleSet: {
          currency: 'KES',
          coverage: { start: '2026-01-01', end: '2026-12-31' },
          contractedProviders: providers.map((p) => p.id),
          tariff: TARIFF,
        },
      },
    }),
    201,
  );
  const planId = plan.id;
  const enrol = await asPayer.POST('/v1/members', {
    body: {
      members: [
        {
          memberNumber: `A-${tag}`,
          planId,
          fullName: 'Wanjiru Kamau',
          phone: '+254 712 345678',
          birthDate: '1990-04-12',
          sex: 'F',
          coverageStart: '2026-01-01',
          coverageEnd: '2026-12-31',
        },
        {
          memberNumber: `L-${tag}`,
          planId,
          fullName: 'Otieno Odhiambo',
          birthDate: '1984-09-30',
          sex: 'M',
          coverageStart: '2025-03-01',
          coverageEnd: '2026-02-28',
        },
      ],
    },
  });
  expectStatus(enrol, 201);
  return {
    operatorKey,
    payer,
    providers,
    outsider,
    funder,
    planId,
    ruleSetHash: plan.versions[0].ruleSetHash,
    members: { active: `A-${tag}`, lapsed: `L-${tag}` },
  };
}
