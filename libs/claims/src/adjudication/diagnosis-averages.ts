import type { EntityManager } from 'typeorm';

/**
 * The running average approved total of a payer's decided claims per primary diagnosis, which
 * the review rule "N × the diagnosis average" compares a claim with. It is read from the totals
 * every decision adds to (`diagnosis_approved_totals`, see writeDecisions); each worker keeps the
 * figure for at most `maxAgeMs` (DIAGNOSIS_AVERAGE_MAX_AGE_MS) and reads it afresh after that; 0
 * reads it for every claim. The value used is stored with the decision's inputs, so a replay gives
 * the same decision however old it was.
 */
export class DiagnosisAverages {
  private readonly cache = new Map<string, { at: number; value: Promise<number | null> }>();

  constructor(private readonly maxAgeMs: number) {}

  get(em: EntityManager, payerId: string, diagnosis: string): Promise<number | null> {
    if (this.maxAgeMs <= 0) return averageApproved(em, payerId, diagnosis);
    const key = `${payerId}|${diagnosis}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at <= this.maxAgeMs) return hit.value;
    const value = averageApproved(em, payerId, diagnosis);
    this.cache.set(key, { at: now, value });
    value.catch(() => this.cache.delete(key));
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }
}

/**
 * The average approved total of the payer's approved or paid claims with this primary diagnosis
 * (rounded half away from zero, as PostgreSQL's round(avg()) over those claims gives it).
 */
async function averageApproved(
  em: EntityManager,
  payerId: string,
  diagnosis: string,
): Promise<number | null> {
  const [row] = (await em.query(
    `SELECT round(sum(approved_total)::numeric / nullif(sum(claims), 0))::bigint AS avg
       FROM diagnosis_approved_totals WHERE payer_id = $1 AND diagnosis = $2`,
    [payerId, diagnosis],
  )) as { avg: string | null }[];
  return row?.avg === null || row?.avg === undefined ? null : Number(row.avg);
}
