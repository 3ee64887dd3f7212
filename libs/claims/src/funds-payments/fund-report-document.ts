import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FundReport, ReportEntry, ReportFigure } from '../common/api-views';

export type { FundReport, ReportEntry, ReportFigure } from '../common/api-views';

/** Figures per key, in one pass over entries sorted by claim (so each figure's records are too). */
function figures(sorted: ReportEntry[], keyOf: (e: ReportEntry) => string): ReportFigure[] {
  const groups = new Map<string, { amount: number; records: Map<string, string | null> }>();
  for (const e of sorted) {
    const key = keyOf(e);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { amount: 0, records: new Map() }));
    group.amount += e.amount;
    group.records.set(e.claimId, e.txId);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => byCodePoint(a, b))
    .map(([key, { amount, records }]) => ({
      key,
      amount,
      claims: records.size,
      records: [...records].map(([claimId, txId]) => ({ claimId, txId })),
    }));
}

/** Plain code-point order: ids, months and categories are ASCII, and locale-aware comparison costs far more. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds a fund's report from its allocations; the API and the audit share it, so only the sources
 * differ. Linear after one sort (which is itself linear on entries already in order, as the API's are).
 */
export function buildFundReport(
  fund: { fundId: string; currency: string; total: number },
  entries: ReportEntry[],
): FundReport {
  const sorted = [...entries].sort(
    (a, b) => byCodePoint(a.claimId, b.claimId) || byCodePoint(a.category, b.category),
  );
  let allocated = 0;
  const claims = new Set<string>();
  for (const e of sorted) {
    allocated += e.amount;
    claims.add(e.claimId);
  }
  return {
    fundId: fund.fundId,
    currency: fund.currency,
    total: fund.total,
    allocated,
    remaining: fund.total - allocated,
    claims: claims.size,
    byProvider: figures(sorted, (e) => e.providerId),
    byCategory: figures(sorted, (e) => e.category),
    byMonth: figures(sorted, (e) => e.month),
    entries: sorted,
  };
}

/** Claims whose allocations differ between two reports of the same fund, with what each side says. */
export function compareFundReports(
  api: FundReport,
  ledger: FundReport,
): { claimId: string; api: Record<string, number>; ledger: Record<string, number> }[] {
  const byClaim = (r: FundReport) => {
    const m = new Map<string, Record<string, number>>();
    for (const e of r.entries) m.set(e.claimId, { ...(m.get(e.claimId) ?? {}), [e.category]: e.amount });
    return m;
  };
  const a = byClaim(api);
  const l = byClaim(ledger);
  const ids = [...new Set([...a.keys(), ...l.keys()])].sort();
  return ids
    .filter((id) => JSON.stringify(a.get(id) ?? {}) !== JSON.stringify(l.get(id) ?? {}))
    .map((id) => ({ claimId: id, api: a.get(id) ?? {}, ledger: l.get(id) ?? {} }));
}

/** Items serialised between two turns of the event loop while a report is streamed. */
const CHUNK = 1_000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An array as JSON text, a chunk of items at a time. */
async function* jsonArray<T>(items: readonly T[]): AsyncGenerator<string> {
  yield '[';
  for (let i = 0; i < items.length; i += CHUNK) {
    yield (
      (i > 0 ? ',' : '') +
      items
        .slice(i, i + CHUNK)
        .map((x) => JSON.stringify(x))
        .join(',')
    );
    await yieldToLoop();
  }
  yield ']';
}

/**
 * The report as JSON text, in pieces: the same document as `JSON.stringify(report)`, written a
 * chunk at a time so that a report of a busy fund never holds the event loop for long.
 */
export async function* fundReportJson(report: FundReport): AsyncGenerator<string> {
  const { byProvider, byCategory, byMonth, entries, ...head } = report;
  yield JSON.stringify(head).slice(0, -1);
  for (const [name, list] of [
    ['byProvider', byProvider],
    ['byCategory', byCategory],
    ['byMonth', byMonth],
  ] as const) {
    yield `,"${name}":[`;
    for (const [i, { records, ...figure }] of list.entries()) {
      yield `${i > 0 ? ',' : ''}${JSON.stringify(figure).slice(0, -1)},"records":`;
      yield* jsonArray(records);
      yield '}';
    }
    yield ']';
  }
  yield ',"entries":';
  yield* jsonArray(entries);
  yield '}';
}

const CSV_COLUMNS = [
  'claim_id',
  'provider_id',
  'service_month',
  'category',
  'amount_minor',
  'currency',
  'ledger_tx_id',
] as const;

/**
 * The report as CSV, one line per allocation, for spreadsheets: RFC 4180 quoting, and a cell that
 * a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) prefixed
 * with a quote. Streamed a chunk of lines at a time.
 */
export function fundReportCsv(report: FundReport): Readable {
  async function* rows() {
    for (let i = 0; i < report.entries.length; i += CHUNK) {
      for (const e of report.entries.slice(i, i + CHUNK))
        yield [e.claimId, e.providerId, e.month, e.category, e.amount, report.currency, e.txId ?? ''];
      await yieldToLoop();
    }
  }
  return Readable.from(rows()).pipe(
    stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true, record_delimiter: 'unix' }),
  );
}
