import type { FundView, LedgerPort, StoredAllocationRecord } from '@claimtrail/ledger';
import { buildFundReport, compareFundReports, type FundReport } from '@claimtrail/claims';
import { checkFundClaims } from './audit-ledger-checks';
import { withLedger } from './database';

/** The fund's report rebuilt from ledger records alone: the fund's state and its allocation records. */
function reportFromLedger(fund: FundView, allocations: StoredAllocationRecord[]): FundReport {
  const { fundId } = fund;
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
  const url = `${apiUrl.replace(/\/$/, '')}/v1/funds/${fundId}/report`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `cannot reach the API at ${apiUrl} (${cause?.code ?? cause?.message ?? (err as Error).message}): ` +
        'start it, or name it with --api-url (or CLAIMTRAIL_API_URL)',
      { cause: err },
    );
  }
  if (!res.ok) throw new Error(`the API answered ${res.status} for the fund's report: ${await res.text()}`);
  return (await res.json()) as FundReport;
}

/** Outcome of auditing one fund: the lines `claimtrail audit` prints and the claims that differ. */
export interface FundAudit {
  clean: boolean;
  totalsMatch: boolean;
  /** Claims whose API figures differ from the ledger's, or whose ledger records do not agree. */
  differingClaimIds: string[];
  /** Claims whose ledger records do not agree with each other (decision, payment, allocation). */
  ledgerFailedClaimIds: string[];
  lines: string[];
}

/**
 * Compares the API's report of a fund with one rebuilt from the records on `ledger`, and checks
 * every claim charged to the fund on the ledger alone: its paid decision approved at least what
 * was paid (in total and per category), and its payment and the fund's allocation record agree.
 */
export async function auditFund(
  ledger: LedgerPort,
  apiUrl: string,
  apiKey: string,
  fundId: string,
): Promise<FundAudit> {
  const fund = await ledger.getFund(fundId);
  if (!fund) throw new Error(`the ledger holds no fund ${fundId}`);
  const allocations = await ledger.getFundAllocations(fundId);
  const [api, failures] = await Promise.all([
    reportFromApi(apiUrl, apiKey, fundId),
    checkFundClaims(ledger, allocations),
  ]);
  const onLedger = reportFromLedger(fund, allocations);
  const differing = compareFundReports(api, onLedger);
  const balance = api.total === onLedger.total && api.allocated === onLedger.allocated;
  // The fund's own balance (on Fabric endorsed by the funder's peer) must be what its allocation
  // records add up to: an allocation recorded without touching the fund shows here.
  const recordsAddUp = fund.allocated === onLedger.allocated;
  const lines = [
    `fund ${fundId}: ledger total ${onLedger.total}, allocated ${onLedger.allocated} over ${onLedger.claims} claims; ` +
      `API total ${api.total}, allocated ${api.allocated} over ${api.claims} claims`,
  ];
  const clean = differing.length === 0 && balance && failures.length === 0 && recordsAddUp;
  if (!recordsAddUp)
    lines.push(
      `LEDGER MISMATCH: the fund's allocated balance is ${fund.allocated}, but its allocation records add up to ${onLedger.allocated}`,
    );
  if (failures.length === 0)
    lines.push(
      `LEDGER CHECK: ${allocations.length} claims: each paid within its decision, each allocation as its payment says`,
    );
  if (clean) lines.push('CLEAN: the API report matches the ledger, claim by claim');
  if (!balance) lines.push('MISMATCH: fund totals differ');
  for (const d of differing)
    lines.push(
      `MISMATCH: claim ${d.claimId}: API ${JSON.stringify(d.api)}, ledger ${JSON.stringify(d.ledger)}`,
    );
  for (const f of failures) lines.push(`LEDGER MISMATCH: claim ${f.claimId}: ${f.reasons.join('; ')}`);
  const failed = failures.map((f) => f.claimId);
  return {
    clean,
    totalsMatch: balance,
    differingClaimIds: [...new Set([...differing.map((d) => d.claimId), ...failed])].sort(),
    ledgerFailedClaimIds: failed,
    lines,
  };
}

/** `claimtrail audit <fundId>`: compares the API's fund report with one rebuilt from the ledger. */
export async function audit(fundId: string, opts: AuditOptions): Promise<void> {
  const apiKey = opts.apiKey;
  if (!apiKey) throw new Error("--api-key (or CLAIMTRAIL_API_KEY) is required to read the API's report");
  const result = await withLedger((ledger) => auditFund(ledger, opts.apiUrl, apiKey, fundId));
  process.stdout.write(result.lines.map((l) => `${l}\n`).join(''));
  if (!result.clean) process.exitCode = 1;
}

/** What `claimtrail audit` was given besides the fund. */
export interface AuditOptions {
  apiUrl: string;
  apiKey?: string;
}
