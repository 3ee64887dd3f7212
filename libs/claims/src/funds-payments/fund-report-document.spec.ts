import { buildFundReport, fundReportCsv, fundReportJson, type ReportEntry } from './fund-report-document';

const entries = (n: number): ReportEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    claimId: `c${String(i).padStart(8, '0')}`,
    providerId: `p${i % 50}`,
    month: `2026-${String((i % 12) + 1).padStart(2, '0')}`,
    category: ['outpatient', 'pharmacy', 'laboratory'][i % 3],
    amount: 100 + (i % 7),
    txId: `tx${i % 100}`,
  }));

const fund = { fundId: 'f', currency: 'KES', total: 1e12 };

/**
 * Entries whose fields count their reads. The work a report does is counted, not timed, so that a
 * busy machine cannot decide the outcome and a quadratic step cannot hide behind a fast one.
 */
function counted(list: ReportEntry[]): { entries: ReportEntry[]; reads: () => number } {
  let reads = 0;
  const entries = list.map((e) => {
    const out = {} as ReportEntry;
    for (const [name, value] of Object.entries(e)) {
      Object.defineProperty(out, name, {
        enumerable: true,
        get: () => {
          reads += 1;
          return value;
        },
      });
    }
    return out;
  });
  return { entries, reads: () => reads };
}

function readsPerEntry(list: ReportEntry[]): number {
  const { entries: watched, reads } = counted(list);
  buildFundReport(fund, watched);
  return reads() / list.length;
}

/** The same entries in an order no sort finds already in place. */
const shuffled = (list: ReportEntry[]): ReportEntry[] =>
  list
    .map((e, i) => ({ e, k: (i * 7919) % list.length }))
    .sort((a, b) => a.k - b.k)
    .map(({ e }) => e);

describe('fund report', () => {
  it('grows linearly: sixteen times the entries cost each entry no more reads', () => {
    // In claim order, as the API reads them, the sort passes once over the entries.
    const inOrder = readsPerEntry(entries(80_000)) / readsPerEntry(entries(5_000));
    expect(inOrder).toBeLessThan(1.1);
    // In any other order the sort adds log n: about 1.3 times as many reads per entry. A lookup
    // over the entries for each entry would make it sixteen.
    const anyOrder = readsPerEntry(shuffled(entries(80_000))) / readsPerEntry(shuffled(entries(5_000)));
    expect(anyOrder).toBeLessThan(1.6);
  });

  it('streams the same JSON document as JSON.stringify', async () => {
    const report = buildFundReport(fund, entries(2_500));
    let text = '';
    for await (const piece of fundReportJson(report)) text += piece;
    expect(text).toBe(JSON.stringify(report));
  });

  it('writes RFC 4180 CSV and neutralises cells a spreadsheet would run', async () => {
    const report = buildFundReport(fund, [
      { claimId: 'c1', providerId: 'p,1', month: '2026-01', category: '=1+1', amount: 5, txId: null },
      { claimId: 'c2', providerId: 'p"2', month: '2026-01', category: '@SUM(A1)', amount: 6, txId: 'tx' },
    ]);
    let csv = '';
    for await (const chunk of fundReportCsv(report)) csv += String(chunk);
    expect(csv).toBe(
      'claim_id,provider_id,service_month,category,amount_minor,currency,ledger_tx_id\n' +
        'c1,"p,1",2026-01,\'=1+1,5,KES,\n' +
        'c2,"p""2",2026-01,\'@SUM(A1),6,KES,tx\n',
    );
  });
});
