import type { QueryRunner } from 'typeorm';
import { CLAIM_OBJECT_TYPE } from '@claimtrail/chaincode/claim-keys';
import { ALLOCATION_OBJECT_TYPE, PAYMENT_OBJECT_TYPE } from '@claimtrail/chaincode/ledger-keys';
import type {
  ClaimRecords,
  StoredAllocationRecord,
  StoredDecisionRecord,
  StoredPaymentRecord,
} from '@claimtrail/chaincode/records';
import { createCompositeKey, MAX_UNICODE_RUNE, splitCompositeKey } from '../chain/composite-key';
import { toStateRow, type Row } from './postgres-state-store';
import { compareKeys } from './state-store';
import type { StateRow, StateVoucher } from './state-voucher';

const utf8 = (key: string) => Buffer.from(key, 'utf8');
const parse = <T>(row: StateRow) => JSON.parse(Buffer.from(row.value).toString('utf8')) as T;
// A claim has a few decision revisions; a range holding many more rows than that is not a page
// of neighbouring claims.
const REVISIONS_PER_CLAIM = 4;

/**
 * The records of many claims in three queries (decision revisions, payments, allocations), each
 * row vouched for by the chain: what GetClaimRecords answers, without a round trip per key.
 */
export async function readClaimRecords(
  q: QueryRunner,
  voucher: StateVoucher,
  claimIds: readonly string[],
): Promise<ClaimRecords[]> {
  const ids = [...new Set(claimIds)];
  if (ids.length === 0) return [];
  // Misestimated as large, these queries would otherwise pay for JIT compilation on every call.
  await q.query('SET LOCAL jit = off');
  const wanted = new Set(ids);
  // Each read's rows are vouched for together: one look at their transactions and blocks.
  const decisionRaw = await rowsOf(q, CLAIM_OBJECT_TYPE, [], ids, REVISIONS_PER_CLAIM, wanted);
  const paymentRaw = await rowsOf(q, PAYMENT_OBJECT_TYPE, [], ids, 1, wanted);
  const [decisionRows, paymentRows] = split(
    await vouched(q, voucher, [...decisionRaw, ...paymentRaw]),
    decisionRaw.length,
  );
  const payments = new Map(
    paymentRows.map((r) => parse<StoredPaymentRecord>(r)).map((p) => [p.claimId, p] as const),
  );
  // Allocation keys are [fundId, claimId]: per fund, the page's claims are neighbours again.
  const byFund = new Map<string, string[]>();
  for (const p of payments.values())
    for (const fundId of new Set(p.allocations.map((a) => a.fundId))) {
      const claims = byFund.get(fundId);
      if (claims) claims.push(p.claimId);
      else byFund.set(fundId, [p.claimId]);
    }
  const allocationRaw: Row[] = [];
  for (const [fundId, claims] of byFund)
    allocationRaw.push(...(await rowsOf(q, ALLOCATION_OBJECT_TYPE, [fundId], claims, 1, new Set(claims))));
  const allocationRows = await vouched(q, voucher, allocationRaw);

  const decisions = group(decisionRows.map((r) => parse<StoredDecisionRecord>(r)));
  const allocations = group(allocationRows.map((r) => parse<StoredAllocationRecord>(r)));
  const answer: ClaimRecords[] = [];
  for (const claimId of ids) {
    const payment = payments.get(claimId) ?? null;
    const own = (decisions.get(claimId) ?? []).sort((a, b) => a.revision - b.revision);
    if (own.length === 0 && !payment) continue;
    const order = payment?.allocations.map((a) => a.fundId) ?? [];
    answer.push({
      claimId,
      decisions: own,
      payment,
      allocations: (allocations.get(claimId) ?? []).sort(
        (a, b) => order.indexOf(a.fundId) - order.indexOf(b.fundId),
      ),
    });
  }
  return answer;
}

/**
 * The rows under `objectType`/`fixed`/claimId for these claims (`perClaim` at most each). Claims
 * that are neighbours in key order (a page of a full pass) are one range scan; claims spread far
 * apart get one short scan each.
 */
async function rowsOf(
  q: QueryRunner,
  objectType: string,
  fixed: string[],
  claimIds: string[],
  perClaim: number,
  wanted: ReadonlySet<string>,
): Promise<Row[]> {
  const prefixes = claimIds.map((id) => createCompositeKey(objectType, [...fixed, id])).sort(compareKeys);
  const limit = claimIds.length * perClaim;
  const range = (await q.query(
    'SELECT key, value, tx_id, block_number FROM ledger_state WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3',
    [utf8(prefixes[0]), utf8(prefixes[prefixes.length - 1] + MAX_UNICODE_RUNE), limit + 1],
  )) as Row[];
  const claimOf = (r: Row) => splitCompositeKey(r.key.toString('utf8')).attributes[fixed.length];
  if (range.length <= limit) return range.filter((r) => wanted.has(claimOf(r)));
  return (await q.query(
    `SELECT s.key, s.value, s.tx_id, s.block_number
       FROM unnest($1::bytea[], $2::bytea[]) AS r(lo, hi)
       CROSS JOIN LATERAL (SELECT key, value, tx_id, block_number FROM ledger_state
                            WHERE key >= r.lo AND key < r.hi ORDER BY key) s`,
    [prefixes.map(utf8), prefixes.map((p) => utf8(p + MAX_UNICODE_RUNE))],
  )) as Row[];
}

function split<T>(items: T[], at: number): [T[], T[]] {
  return [items.slice(0, at), items.slice(at)];
}

async function vouched(q: QueryRunner, voucher: StateVoucher, raw: Row[]): Promise<StateRow[]> {
  const rows = raw.map(toStateRow);
  await voucher.vouch(q, rows);
  return rows;
}

function group<T extends { claimId: string }>(records: T[]): Map<string, T[]> {
  const byClaim = new Map<string, T[]>();
  for (const r of records) {
    const list = byClaim.get(r.claimId);
    if (list) list.push(r);
    else byClaim.set(r.claimId, [r]);
  }
  return byClaim;
}
