/** One allocation as a report is built from it: from PostgreSQL for the API, from the ledger for an audit. */
export interface ReportEntry {
  claimId: string;
  providerId: string;
  /** Service month, YYYY-MM. */
  month: string;
  category: string;
  amount: number;
  /** Ledger transaction holding the payment, when known. */
  txId: string | null;
}

/** A figure and the ledger records it is made of. */
export interface ReportFigure {
  key: string;
  amount: number;
  claims: number;
  records: { claimId: string; txId: string | null }[];
}

/** What a donor reads about a fund: no names, no diagnoses, no service codes. */
export interface FundReport {
  fundId: string;
  currency: string;
  total: number;
  allocated: number;
  remaining: number;
  claims: number;
  byProvider: ReportFigure[];
  byCategory: ReportFigure[];
  byMonth: ReportFigure[];
  entries: ReportEntry[];
}

function figures(entries: ReportEntry[], keyOf: (e: ReportEntry) => string): ReportFigure[] {
  const groups = new Map<string, ReportEntry[]>();
  for (const e of entries) groups.set(keyOf(e), [...(groups.get(keyOf(e)) ?? []), e]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => {
      const claims = [...new Map(list.map((e) => [e.claimId, e.txId])).entries()].sort(([a], [b]) =>
        a.localeCompare(b),
      );
      return {
        key,
        amount: list.reduce((s, e) => s + e.amount, 0),
        claims: claims.length,
        records: claims.map(([claimId, txId]) => ({ claimId, txId })),
      };
    });
}

/** Builds a fund's report from its allocations; the API and the audit share it, so only the sources differ. */
export function buildFundReport(
  fund: { fundId: string; currency: string; total: number },
  entries: ReportEntry[],
): FundReport {
  const sorted = [...entries].sort(
    (a, b) => a.claimId.localeCompare(b.claimId) || a.category.localeCompare(b.category),
  );
  const allocated = sorted.reduce((s, e) => s + e.amount, 0);
  return {
    fundId: fund.fundId,
    currency: fund.currency,
    total: fund.total,
    allocated,
    remaining: fund.total - allocated,
    claims: new Set(sorted.map((e) => e.claimId)).size,
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

/** The report as CSV: one line per allocation, for spreadsheets. */
export function fundReportCsv(report: FundReport): string {
  const header = 'claim_id,provider_id,service_month,category,amount_minor,currency,ledger_tx_id';
  const lines = report.entries.map((e) =>
    [e.claimId, e.providerId, e.month, e.category, e.amount, report.currency, e.txId ?? ''].join(','),
  );
  return [header, ...lines].join('\n') + '\n';
}
