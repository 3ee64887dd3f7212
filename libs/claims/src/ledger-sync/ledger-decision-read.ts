import { LedgerError, type LedgerPort, type StoredDecisionRecord } from '@claimtrail/ledger';
import type { ClaimDecisionEntity, ClaimEntity } from '../infra/entities';
import { AppError, AppErrorCode, RetryLaterError } from '../common/app.errors';
import { paymentDifferences } from './ledger-decision-check';
import type { DecisionFigures } from './reconciliation/compare-records';
import { storedDecision } from '../adjudication/decision-store';

// The relay writes a batch within LEDGER_BATCH_WAIT_MS of a decision; a few seconds covers a backlog.
const RETRY_AFTER_SECONDS = 2;

/**
 * The ledger's record of a claim's decision revision, the one money may move on. Refuses when
 * it is not recorded yet (retry later) and when the ledger's store fails its own chain check.
 */
export async function ledgerDecision(
  ledger: LedgerPort,
  claimId: string,
  revision: number,
): Promise<StoredDecisionRecord> {
  let history: StoredDecisionRecord[];
  try {
    history = await ledger.getClaimHistory(claimId);
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'INTEGRITY_VIOLATION') {
      throw new AppError(
        AppErrorCode.LedgerIntegrity,
        `the ledger's record of claim ${claimId} is not what its chain vouches for; nothing was paid`,
        [{ field: 'claimId', rule: 'must have a ledger record its chain vouches for' }],
      );
    }
    throw err;
  }
  const record = history.find((r) => r.revision === revision);
  if (!record) {
    throw new RetryLaterError(
      AppErrorCode.DecisionNotOnLedger,
      `decision revision ${revision} of claim ${claimId} is not on the ledger yet; money moves only on ` +
        `ledger figures, so retry once the claim shows its ledger position (ledger.txId)`,
      [{ field: 'claimId', rule: `must have decision revision ${revision} recorded on the ledger` }],
      RETRY_AFTER_SECONDS,
    );
  }
  return record;
}

/** Refuses (writing nothing) unless PostgreSQL's decision is exactly the ledger's record. */
export function assertMatchesLedger(
  claim: ClaimEntity,
  decision: ClaimDecisionEntity,
  record: StoredDecisionRecord,
): void {
  const differences = paymentDifferences(decisionFigures(claim, decision), record);
  if (differences.length > 0) {
    throw new AppError(
      AppErrorCode.LedgerMismatch,
      `the decision on claim ${claim.id} differs from the ledger's record of revision ${record.revision} ` +
        `in ${differences.map((d) => d.field).join(', ')}; nothing was paid`,
      differences,
    );
  }
}

function decisionFigures(claim: ClaimEntity, d: ClaimDecisionEntity): DecisionFigures {
  const { status, currency, lines, totals, ruleSetHash, decidedAt, decidedBy } = storedDecision(d);
  return {
    payerId: claim.payerId,
    providerId: claim.providerId,
    planVersionId: claim.planVersionId,
    claimCommitment: claim.claimCommitment,
    revision: d.revision,
    status,
    currency,
    totals,
    lines,
    ruleSetHash,
    decidedAt,
    decidedBy,
  };
}
