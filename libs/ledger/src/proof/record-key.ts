import { claimKey } from '@claimtrail/chaincode/claim-keys';
import { paymentKey } from '@claimtrail/chaincode/ledger-keys';
import { createCompositeKey } from '../chain/composite-key';
import type { ProofKind } from './proof-bundle';

const keys = { stub: { createCompositeKey } };

/** The world-state key a proven record lives under, derived with the chaincode's own key builders. */
export function recordKey(kind: ProofKind, claimId: string, revision: number): string {
  return kind === 'payment' ? paymentKey(keys, claimId) : claimKey(keys, claimId, revision);
}
