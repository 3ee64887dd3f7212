import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import { ClaimDecisionEntity, PlanVersionEntity } from '../infra/entities';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { decideFromInputs } from '../domain';
import { storedDecision } from './decision-store';

/** Result of replaying one stored decision. */
export interface ReplayResult {
  claimId: string;
  revision: number;
  ruleSetHash: string;
  identical: boolean;
  /** Paths where the replayed decision differs from the stored one. */
  differences: { path: string; stored: unknown; replayed: unknown }[];
}

/**
 * Reruns the rules on the inputs a decision was stored with and the rule-set version it names,
 * and compares the outcome with what was stored. Reads only; it is what an auditor runs.
 */
export async function replayDecision(
  db: DataSource,
  claimId: string,
  revision?: number,
): Promise<ReplayResult> {
  const qb = db
    .getRepository(ClaimDecisionEntity)
    .createQueryBuilder('d')
    .addSelect('d.inputs')
    .where('d.claim_id = :claimId', { claimId })
    .orderBy('d.revision', 'DESC');
  if (revision !== undefined) qb.andWhere('d.revision = :revision', { revision });
  const stored = await qb.getOne();
  if (!stored) throw new NotFoundError('decision for this claim');
  if (!stored.inputs) {
    throw new AppError(
      AppErrorCode.InvalidState,
      'this decision was stored before decisions kept their inputs; it cannot be replayed',
    );
  }
  const version = await db.getRepository(PlanVersionEntity).findOneBy({ ruleSetHash: stored.ruleSetHash });
  if (!version) throw new NotFoundError(`plan version with rule-set hash ${stored.ruleSetHash}`);
  const replayed = decideFromInputs(stored.inputs, version.ruleSet, version.ruleSetHash);
  const original = storedDecision(stored);
  const differences = diff(original, replayed);
  return {
    claimId,
    revision: stored.revision,
    ruleSetHash: stored.ruleSetHash,
    identical: differences.length === 0,
    differences,
  };
}

function diff(a: unknown, b: unknown, path = 'decision'): ReplayResult['differences'] {
  if (isDeepStrictEqual(a, b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      diff(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`,
      ),
    );
  }
  return [{ path, stored: a, replayed: b }];
}
