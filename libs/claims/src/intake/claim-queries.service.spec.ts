import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { ClaimStatus, type Decision } from '../domain';
import type { IntegrityOverlayService } from '../ledger-sync/reconciliation/integrity-overlay.service';
import type { Principal } from '../access/principal';
import { InMemoryClaimReadsRepository } from '../testing/in-memory-claim-reads.repository';
import { ClaimQueriesService } from './claim-queries.service';
import type { ClaimRecord } from './claim-reads.repository';

const PROVIDER = 'prov-1';
const PAYER = 'payer-1';
const principal = (kind: Principal['kind'], orgId: string): Principal => ({
  kind,
  orgId,
  keyId: 'k',
  scopes: [],
});
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function claim(n: number, over: Partial<ClaimRecord> = {}): ClaimRecord {
  return {
    id: uuid(n),
    externalRef: `ref-${n}`,
    status: ClaimStatus.Approved,
    revision: 1,
    providerId: PROVIDER,
    payerId: PAYER,
    memberId: 'm1',
    planVersionId: 'pv1',
    serviceDate: '2026-03-01',
    careType: 'outpatient',
    previousClaimId: null,
    currency: 'KES',
    diagnoses: ['J06.9'],
    lines: [{ lineNo: 1, serviceCode: 'CONS01', quantity: 1, unitPrice: 1500, preauthRef: null }],
    lastError: null,
    createdAt: new Date(Date.UTC(2026, 2, 1, 0, 0, n)),
    updatedAt: new Date(Date.UTC(2026, 2, 1, 0, 1, n)),
    ...over,
  };
}

const decision = (
  claimId: string,
  revision: number,
  approved: number,
): Decision & {
  claimId: string;
  revision: number;
  note: string | null;
} => ({
  claimId,
  revision,
  note: null,
  status: 'approved',
  currency: 'KES',
  lines: [],
  totals: { claimed: approved, eligible: approved, coPayment: 0, deductible: 0, approved },
  reasonCodes: [],
  ruleSetHash: 'h',
  decidedAt: '2026-03-01T00:02:00.000Z',
  decidedBy: 'rules',
});

function setUp() {
  const repo = new InMemoryClaimReadsRepository();
  // The overlay of another slice: here every claim agrees with the ledger.
  const overlay = {
    claims: <V>(views: V[]) => Promise.resolve(views.map((v) => ({ ...v, integrity: 'ok', mismatches: [] }))),
  } as unknown as IntegrityOverlayService;
  return { repo, queries: new ClaimQueriesService(repo, overlay) };
}

describe('ClaimQueriesService', () => {
  it("shows a claim to its provider and its payer with the current revision's decision and where the ledger has it", async () => {
    const { repo, queries } = setUp();
    repo.claims.push(claim(1, { revision: 2 }));
    repo.decisions.push(decision(uuid(1), 1, 900), decision(uuid(1), 2, 1200));
    repo.recorded.push({ claimId: uuid(1), txId: 'tx-2', block: 7 });
    for (const p of [principal('provider', PROVIDER), principal('payer', PAYER)]) {
      const view = await queries.get(p, uuid(1));
      expect(view.decision).toMatchObject({ revision: 2, totals: { approved: 1200 }, note: null });
      expect(view.decision).not.toHaveProperty('claimId');
      expect(view.ledger).toEqual({ txId: 'tx-2', block: 7 });
      expect(view).toMatchObject({ integrity: 'ok', createdAt: '2026-03-01T00:00:01.000Z' });
    }
  });

  it("answers another tenant's claim as not found, and refuses a funder outright", async () => {
    const { repo, queries } = setUp();
    repo.claims.push(claim(1));
    await expect(queries.get(principal('provider', 'prov-2'), uuid(1))).rejects.toBeInstanceOf(NotFoundError);
    await expect(queries.get(principal('payer', 'payer-2'), uuid(1))).rejects.toBeInstanceOf(NotFoundError);
    const refused = await queries.get(principal('funder', 'f1'), uuid(1)).catch((e: unknown) => e);
    expect((refused as AppError).code).toBe(AppErrorCode.Forbidden);
  });

  it('pages newest first with a cursor, and refuses a cursor of another tenant as one never issued', async () => {
    const { repo, queries } = setUp();
    for (let n = 1; n <= 5; n += 1) repo.claims.push(claim(n));
    repo.claims.push(claim(6, { providerId: 'prov-2' }));
    const me = principal('provider', PROVIDER);
    const first = await queries.list(me, { limit: 2 });
    expect(first.items.map((c) => c.externalRef)).toEqual(['ref-5', 'ref-4']);
    const second = await queries.list(me, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((c) => c.externalRef)).toEqual(['ref-3', 'ref-2']);
    const last = await queries.list(me, { limit: 2, cursor: second.nextCursor! });
    expect(last).toMatchObject({ items: [{ externalRef: 'ref-1' }], nextCursor: null });
    const foreign = Buffer.from(uuid(6)).toString('base64url');
    for (const cursor of [foreign, 'not-a-cursor']) {
      const err = await queries.list(me, { limit: 2, cursor }).catch((e: unknown) => e);
      expect((err as AppError).code).toBe(AppErrorCode.InvalidCursor);
    }
  });

  it("shows a refused claim's latest refusal, and an error claim's stable code without the stored text", async () => {
    const { repo, queries } = setUp();
    repo.claims.push(
      claim(1, { status: ClaimStatus.PaymentRefused }),
      claim(2, { status: ClaimStatus.Error, lastError: 'connect ECONNREFUSED 10.0.0.5' }),
    );
    repo.refusalEvents.push(
      {
        claimId: uuid(1),
        toStatus: ClaimStatus.PaymentRefused,
        code: 'OLD',
        message: 'first',
        at: new Date(1),
      },
      {
        claimId: uuid(1),
        toStatus: ClaimStatus.PaymentRefused,
        code: 'AMOUNT_EXCEEDS_APPROVED',
        message: 'too much',
        at: new Date(2),
      },
    );
    const p = principal('payer', PAYER);
    expect((await queries.get(p, uuid(1))).ledgerRefusal).toEqual({
      code: 'AMOUNT_EXCEEDS_APPROVED',
      message: 'too much',
      at: new Date(2).toISOString(),
    });
    const failed = await queries.get(p, uuid(2));
    expect(failed.error).toEqual({
      code: 'adjudication_failed',
      message: expect.not.stringContaining('10.0.0.5'),
    });
    expect(failed.ledgerRefusal).toBeNull();
  });
});
