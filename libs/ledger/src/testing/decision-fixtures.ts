import { randomBytes, randomUUID } from 'node:crypto';
import type { DecisionRecord } from '@claimtrail/chaincode/records';
import type { SigningIdentity } from '../ledger.port';
import { generateSigningKeyPair } from '../signing';

/** A random 32-byte value in lowercase hex, like the platform's hashes and commitments. */
export function randomHex32(): string {
  return randomBytes(32).toString('hex');
}

/** A valid decision record for a fresh random claim, with `overrides` applied. */
export function decisionRecord(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    claimId: randomUUID(),
    revision: 1,
    payerId: 'payer-1',
    providerId: randomUUID(),
    planVersionId: randomUUID(),
    memberRef: randomHex32(),
    claimCommitment: randomHex32(),
    status: 'partially_approved',
    currency: 'KES',
    totals: { claimed: 450000, eligible: 300000, coPayment: 30000, deductible: 0, approved: 270000 },
    lines: [
      {
        lineNo: 1,
        category: 'outpatient',
        claimed: 150000,
        approved: 135000,
        status: 'approved',
        reasonCodes: [],
      },
      {
        lineNo: 2,
        category: 'laboratory',
        claimed: 300000,
        approved: 135000,
        status: 'adjusted',
        reasonCodes: ['PRICE_ABOVE_TARIFF'],
      },
    ],
    ruleSetHash: randomHex32(),
    reviewSeed: randomHex32(),
    decidedAt: '2025-11-20T10:15:00.000Z',
    decidedBy: 'rules-engine',
    ...overrides,
  };
}

/** A signing identity with a fresh P-256 key pair. */
export function signingIdentity(
  overrides: Partial<Omit<SigningIdentity, 'publicKeyPem' | 'privateKeyPem'>> = {},
): SigningIdentity {
  const orgId = overrides.orgId ?? 'payer-1';
  return { orgId, kind: 'payer', mspId: orgId, ...generateSigningKeyPair(), ...overrides };
}
