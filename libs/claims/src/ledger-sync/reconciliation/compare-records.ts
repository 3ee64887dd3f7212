import type {
  ClaimRecords,
  DecisionRecord,
  FundView as LedgerFund,
  StoredPaymentRecord,
} from '@claimtrail/ledger';

/** What a difference is about. */
export type SubjectType = 'claim' | 'fund' | 'ledger';

/** A value as a difference reports it. */
export type Figure = string | number | boolean | null;

/**
 * One difference between PostgreSQL and the ledger. `field` is a path in the API's view of the
 * subject where there is one (`decision.totals.approved`, `decision.lines.0.approved`, `status`,
 * `payment.amount`, `allocated`); other revisions are `revisions.<n>.…`.
 */
export interface Difference {
  subjectType: SubjectType;
  subjectId: string;
  field: string;
  database: Figure;
  ledger: Figure;
}

/** One decision revision as PostgreSQL holds it. */
export interface DatabaseDecision {
  revision: number;
  status: string;
  currency: string;
  totals: { claimed: number; eligible: number; coPayment: number; deductible: number; approved: number };
  lines: {
    lineNo: number;
    category: string;
    claimed: number;
    approved: number;
    status: string;
    reasonCodes: string[];
  }[];
  ruleSetHash: string;
  decidedAt: string;
  decidedBy: string;
}

/** Where a decision's outbox record stands: not yet sent, or the ledger's answer. */
export interface OutboxState {
  kind: 'decision';
  revision: number;
  /** Null while pending; `recorded`, `unchanged`, `conflict` or `rejected` once answered. */
  outcome: string | null;
}

/** A claim and everything about it that has a ledger record, as PostgreSQL holds it. */
export interface DatabaseClaim {
  id: string;
  status: string;
  revision: number;
  payerId: string;
  providerId: string;
  planVersionId: string;
  currency: string;
  claimCommitment: string;
  decisions: DatabaseDecision[];
  outbox: OutboxState[];
  /** The live payment attempt (not refused), with its outbox outcome (null while pending). */
  payment: { revision: number; amount: number; paymentRef: string; outcome: string | null } | null;
  /** The live attempt's allocations. */
  allocations: { fundId: string; category: string; amount: number }[];
}

/** A fund as PostgreSQL holds it, with what payments not yet on the ledger have taken from it. */
export interface DatabaseFund {
  id: string;
  funderId: string;
  currency: string;
  /** The cap on the fund's deposits. */
  budget: number;
  total: number;
  allocated: number;
  periodStart: string;
  periodEnd: string;
  earmarks: unknown;
  /** Allocations of payments whose ledger record is still pending. */
  pendingAllocated: number;
}

const ON_LEDGER = new Set(['recorded', 'unchanged', 'conflict']);
const DECIDED = new Set(['approved', 'partially_approved', 'rejected', 'pended']);
// A claim whose record the ledger refused: what the ledger holds is compared, not the status.
const REFUSED = new Set(['payment_refused', 'decision_refused']);

/** Every difference between a claim in PostgreSQL and what the ledger holds for it. */
export function compareClaim(db: DatabaseClaim, ledger: ClaimRecords | null): Difference[] {
  const out = differences('claim', db.id);
  const onLedger = new Map((ledger?.decisions ?? []).map((r) => [r.revision, r]));
  const expectOnLedger = (revision: number) =>
    db.outbox.some((o) => o.revision === revision && ON_LEDGER.has(o.outcome ?? ''));

  for (const d of db.decisions) {
    const prefix = d.revision === db.revision ? 'decision' : `revisions.${d.revision}`;
    const record = onLedger.get(d.revision);
    if (!record) {
      if (expectOnLedger(d.revision)) out.add(prefix, `revision ${d.revision}`, null);
      continue;
    }
    for (const f of decisionDifferences(prefix, { ...db, ...d }, record))
      out.add(f.field, f.database, f.ledger);
  }
  for (const record of onLedger.values()) {
    if (!db.decisions.some((d) => d.revision === record.revision))
      out.add(`revisions.${record.revision}`, null, `${record.status}, approved ${record.totals.approved}`);
  }

  const latest = ledger?.decisions.at(-1);
  const payment = ledger?.payment ?? null;
  const paymentOnLedger = ON_LEDGER.has(db.payment?.outcome ?? '');
  if (latest && expectOnLedger(db.revision)) {
    if (latest.revision !== db.revision) out.add('revision', db.revision, latest.revision);
    const paidOnLedger = payment !== null && payment.revision === latest.revision;
    const expected = paidOnLedger ? 'paid' : latest.status;
    // Paid in PostgreSQL while the payment is still on its way: the ledger has not caught up yet.
    const paymentPending = db.status === 'paid' && !paymentOnLedger;
    const refusedPayment = db.status === 'payment_refused' && !paidOnLedger;
    if (!paymentPending && !refusedPayment && !REFUSED.has(db.status) && db.status !== expected)
      out.add('status', db.status, expected);
    if (db.status === 'payment_refused' && paidOnLedger) out.add('status', db.status, 'paid');
  } else if (latest && !DECIDED.has(db.status) && !REFUSED.has(db.status) && db.status !== 'paid') {
    out.add('status', db.status, latest.status);
  }

  if (db.payment && paymentOnLedger) {
    if (!payment) out.add('payment', `amount ${db.payment.amount}`, null);
    else comparePayment(out.add, db, payment, ledger!.allocations);
  } else if (!db.payment && payment) {
    out.add('payment', null, `amount ${payment.amount}`);
  }
  return out.list;
}

/** A decision revision with the fields of its claim that the ledger's record holds too. */
export type DecisionFigures = DatabaseDecision &
  Pick<DatabaseClaim, 'payerId' | 'providerId' | 'planVersionId' | 'claimCommitment'>;

/** A field where PostgreSQL's decision differs from the ledger's record, with both figures. */
export interface FieldDifference {
  field: string;
  database: Figure;
  ledger: Figure;
}

/**
 * Every field where a decision revision in PostgreSQL differs from the ledger's record of it,
 * named under `prefix` as the API's view names them (lines by their position). The one
 * comparison both the reconciler and a payment make.
 */
export function decisionDifferences(
  prefix: string,
  d: DecisionFigures,
  r: DecisionRecord,
): FieldDifference[] {
  const found: FieldDifference[] = [];
  const same = (field: string, database: Figure, ledger: Figure) => {
    if (database !== ledger) found.push({ field: `${prefix}.${field}`, database, ledger });
  };
  same('status', d.status, r.status);
  for (const key of [
    'payerId',
    'providerId',
    'planVersionId',
    'claimCommitment',
    'currency',
    'ruleSetHash',
  ] as const)
    same(key, d[key], r[key]);
  same('decidedBy', d.decidedBy, r.decidedBy);
  if (d.decidedAt !== r.decidedAt) same('decidedAt', instant(d.decidedAt), instant(r.decidedAt));
  for (const key of ['claimed', 'eligible', 'coPayment', 'deductible', 'approved'] as const)
    same(`totals.${key}`, d.totals[key], r.totals[key]);
  same('lines.length', d.lines.length, r.lines.length);
  for (let i = 0; i < Math.min(d.lines.length, r.lines.length); i++) {
    const [line, other] = [d.lines[i], r.lines[i]];
    for (const key of ['lineNo', 'category', 'claimed', 'approved', 'status'] as const)
      same(`lines.${i}.${key}`, line[key], other[key]);
    same(`lines.${i}.reasonCodes`, line.reasonCodes.join(','), other.reasonCodes.join(','));
  }
  return found;
}

function comparePayment(
  add: Add,
  db: DatabaseClaim,
  p: StoredPaymentRecord,
  allocationRecords: ClaimRecords['allocations'],
): void {
  const payment = db.payment!;
  add.same('payment.revision', payment.revision, p.revision);
  add.same('payment.amount', payment.amount, p.amount);
  add.same('payment.paymentRef', payment.paymentRef, p.paymentRef);
  const key = (a: { fundId: string; category: string }) => `${a.fundId}.${a.category}`;
  const onLedger = sumBy(p.allocations, key);
  const inDatabase = sumBy(db.allocations, key);
  for (const k of new Set([...onLedger.keys(), ...inDatabase.keys()]))
    add.same(`payment.allocations.${k}`, inDatabase.get(k) ?? 0, onLedger.get(k) ?? 0);
  // What the payment took from each fund, against the allocation record the chaincode wrote for it.
  const perFund = sumBy(db.allocations, (a) => a.fundId);
  const recorded = new Map(allocationRecords.map((r) => [r.fundId, r.amount]));
  for (const fundId of new Set([...perFund.keys(), ...recorded.keys()]))
    add.same(`payment.funds.${fundId}`, perFund.get(fundId) ?? 0, recorded.get(fundId) ?? 0);
}

/** Every difference between a fund in PostgreSQL and the ledger's fund. */
export function compareFund(db: DatabaseFund, ledger: LedgerFund | null): Difference[] {
  const out = differences('fund', db.id);
  if (!ledger) {
    out.add('fund', `total ${db.total}`, null);
    return out.list;
  }
  out.add.same('funderId', db.funderId, ledger.funderId);
  out.add.same('currency', db.currency, ledger.currency);
  out.add.same('budget', db.budget, ledger.budget);
  out.add.same('total', db.total, ledger.total);
  out.add.same('period.start', db.periodStart, ledger.period.start);
  out.add.same('period.end', db.periodEnd, ledger.period.end);
  out.add.same('earmarks', canonical(db.earmarks), canonical(ledger.earmarks));
  // What PostgreSQL allocated for payments the ledger has not recorded yet is not on the ledger.
  out.add.same('allocated', db.allocated - db.pendingAllocated, ledger.allocated);
  return out.list;
}

interface Add {
  (field: string, database: Figure, ledger: Figure): void;
  /** Adds a difference unless the two figures are equal. */
  same(field: string, database: Figure, ledger: Figure): void;
}

function differences(subjectType: SubjectType, subjectId: string) {
  const list: Difference[] = [];
  const add = ((field: string, database: Figure, ledger: Figure) => {
    list.push({ subjectType, subjectId, field, database, ledger });
  }) as Add;
  add.same = (field, database, ledger) => {
    if (database !== ledger) add(field, database, ledger);
  };
  return { list, add };
}

function sumBy<T extends { amount: number }>(
  items: readonly T[],
  key: (t: T) => string,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + item.amount);
  return sums;
}

/** An instant in one canonical form, so `…+00:00` and `…Z` compare equal. */
function instant(value: string): string {
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? value : new Date(millis).toISOString();
}

/** JSON with sorted keys and no absent members, so equal earmarks compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}
