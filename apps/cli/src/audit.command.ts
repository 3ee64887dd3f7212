import { Command } from 'commander';
import type { LedgerPort } from '@claimtrail/ledger';
import {
  buildFundReport,
  compareFundReports,
  type FundReport,
} from '@claimtrail/claims/application/fund-report';
import { withLedger } from './database';

/** The fund's report rebuilt from ledger records alone: the fund's state and its allocation records. */
async function reportFromLedger(ledger: LedgerPort, fundId: string): Promise<FundReport> {
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
}

async function reportFromApi(apiUrl: string, apiKey: string, fundId: string): Promise<FundReport> {
  const res = await fetch(`${apiUrl.replace(/\/$/, '')}/v1/funds/${fundId}/report`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (!res.ok) throw new Error(`the API answered ${res.status} for the fund's report: ${await res.text()}`);
  return (await res.json()) as FundReport;
}

/** Outcome of auditing one fund: the lines `claimtrail audit` prints and the claims that differ. */
export interface FundAudit {
  clean: boolean;
  totalsMatch: boolean;
  differingClaimIds: string[];
  lines: string[];
}

/** Compares the API's report of a fund with one rebuilt from the records on `ledger`. */
export async function auditFund(
  ledger: LedgerPort,
  apiUrl: string,
  apiKey: string,
  fundId: string,
): Promise<FundAudit> {
  const [api, onLedger] = await Promise.all([
    reportFromApi(apiUrl, apiKey, fundId),
    reportFromLedger(ledger, fundId),
  ]);
  const differing = compareFundReports(api, onLedger);
  const balance = api.total === onLedger.total && api.allocated === onLedger.allocated;
  const lines = [
    `fund ${fundId}: ledger total ${onLedger.total}, allocated ${onLedger.allocated} over ${onLedger.claims} claims; ` +
      `API total ${api.total}, allocated ${api.allocated} over ${api.claims} claims`,
  ];
  const clean = differing.length === 0 && balance;
  if (clean) lines.push('CLEAN: the API report matches the ledger, claim by claim');
  if (!balance) lines.push('MISMATCH: fund totals differ');
  for (const d of differing)
    lines.push(
      `MISMATCH: claim ${d.claimId}: API ${JSON.stringify(d.api)}, ledger ${JSON.stringify(d.ledger)}`,
    );
  return { clean, totalsMatch: balance, differingClaimIds: differing.map((d) => d.claimId), lines };
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
      const apiKey = opts.apiKey;
      if (!apiKey) throw new Error("--api-key (or CLAIMTRAIL_API_KEY) is required to read the API's report");
      const result = await withLedger((ledger) => auditFund(ledger, opts.apiUrl, apiKey, fundId));
      process.stdout.write(result.lines.map((l) => `${l}\n`).join(''));
      if (!result.clean) process.exitCode = 1;
    });
}
