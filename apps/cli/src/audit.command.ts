import { Command } from 'commander';
import { EmbeddedLedger } from '@claimtrail/ledger';
import {
  buildFundReport,
  compareFundReports,
  type FundReport,
} from '@claimtrail/claims/application/fund-report';
import { withDatabase } from './database';

/** The fund's report rebuilt from ledger records alone: the fund's state and its allocation records. */
async function reportFromLedger(fundId: string): Promise<FundReport> {
  return withDatabase(async (db) => {
    const ledger = new EmbeddedLedger(db);
    const fund = await ledger.getFund(fundId);
    if (!fund) throw new Error(`the ledger holds no fund ${fundId}`);
    const allocations = await ledger.getFundAllocations(fundId);
    return buildFundReport(
      { fundId, currency: fund.currency, total: fund.total },
      allocations.flatMap((a) =>
        a.categories.map((c) => ({
          claimId: a.claimId,
          providerId: a.providerId,
          month: a.serviceDate.slice(0, 7),
          category: c.category,
          amount: c.amount,
          txId: a.txId,
        })),
      ),
    );
  });
}

async function reportFromApi(apiUrl: string, apiKey: string, fundId: string): Promise<FundReport> {
  const res = await fetch(`${apiUrl.replace(/\/$/, '')}/v1/funds/${fundId}/report`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (!res.ok) throw new Error(`the API answered ${res.status} for the fund's report: ${await res.text()}`);
  return (await res.json()) as FundReport;
}

/** `claimtrail audit <fundId>`: compares the API's fund report with one rebuilt from the ledger. */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description(
      "rebuild a fund's report from ledger records alone and compare it with the API's; exits 1 naming every claim that differs",
    )
    .argument('<fundId>', 'fund id')
    .option(
      '--api-url <url>',
      'the claimtrail API',
      process.env.CLAIMTRAIL_API_URL ?? 'http://127.0.0.1:3000',
    )
    .option('--api-key <key>', "the funder's API key (or CLAIMTRAIL_API_KEY)", process.env.CLAIMTRAIL_API_KEY)
    .action(async (fundId: string, opts: { apiUrl: string; apiKey?: string }) => {
      if (!opts.apiKey)
        throw new Error("--api-key (or CLAIMTRAIL_API_KEY) is required to read the API's report");
      const [api, ledger] = await Promise.all([
        reportFromApi(opts.apiUrl, opts.apiKey, fundId),
        reportFromLedger(fundId),
      ]);
      const differing = compareFundReports(api, ledger);
      const balance = api.total === ledger.total && api.allocated === ledger.allocated;
      process.stdout.write(
        `fund ${fundId}: ledger total ${ledger.total}, allocated ${ledger.allocated} over ${ledger.claims} claims; ` +
          `API total ${api.total}, allocated ${api.allocated} over ${api.claims} claims\n`,
      );
      if (differing.length === 0 && balance) {
        process.stdout.write('CLEAN: the API report matches the ledger, claim by claim\n');
        return;
      }
      if (!balance) process.stdout.write('MISMATCH: fund totals differ\n');
      for (const d of differing) {
        process.stdout.write(
          `MISMATCH: claim ${d.claimId}: API ${JSON.stringify(d.api)}, ledger ${JSON.stringify(d.ledger)}\n`,
        );
      }
      process.exitCode = 1;
    });
}
