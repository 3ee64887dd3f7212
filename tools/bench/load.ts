import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { ClaimBody } from './workload';

/** What happened to one claim a load run sent. */
export interface Submission {
  index: number;
  clinic: number;
  externalRef: string;
  /** Set once the API answered 202 (or 207 with this claim accepted). */
  claimId?: string;
  /** Last HTTP status, or 0 when the connection failed. */
  status: number;
  /** Attempts made, counting retries after a failed connection, 429 or 503. */
  attempts: number;
  /** Wall-clock time (ms since the epoch) when the claim was first sent, and when it was accepted. */
  sentAt: number;
  acceptedAt?: number;
}

/** Open loop: claims are sent at `rate` per second whatever the answers; closed: `concurrency` in flight. */
export type LoadShape = { kind: 'open'; rate: number } | { kind: 'closed'; concurrency: number };

export interface LoadOptions {
  baseUrl: string;
  /** API key of each clinic, by the workload's clinic index. */
  clinicKeys: string[];
  claims: number;
  shape: LoadShape;
  claimAt: (i: number) => { clinic: number; body: ClaimBody };
  /** Claims per POST /v1/claims/batch call; 1 sends each to POST /v1/claims. */
  batch?: number;
  /**
   * Keep retrying a claim with the same body (and so the same external reference) after a failed
   * connection, a 429 or a 5xx, until it is accepted or this many ms have passed since it was sent.
   */
  retryForMs?: number;
  /** Stop sending new claims once this returns true (claims in flight are finished). */
  stop?: () => boolean;
  onSettled?: (s: Submission) => void;
}

/** The HTTP client pool the load runs over: keep-alive connections to one origin. */
export function httpPool(baseUrl: string, connections = 64): Pool {
  return new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

/** Sends the claims as the options say and returns one entry per claim, in index order. */
export async function runLoad(opts: LoadOptions): Promise<Submission[]> {
  const batch = Math.max(1, opts.batch ?? 1);
  const concurrency = opts.shape.kind === 'closed' ? opts.shape.concurrency : 1_000;
  const pool = httpPool(opts.baseUrl, Math.min(256, Math.max(8, concurrency)));
  const results: Submission[] = [];
  // Groups are cut as they are sent: a run bounded by time has no claim count to cut in advance.
  const groupCount = Math.ceil(opts.claims / batch);
  const group = (g: number) =>
    Array.from({ length: Math.min(batch, opts.claims - g * batch) }, (_, k) => g * batch + k);
  try {
    if (opts.shape.kind === 'closed') {
      let next = 0;
      await Promise.all(
        Array.from({ length: opts.shape.concurrency }, async () => {
          while (next < groupCount && !opts.stop?.()) {
            await sendGroup(pool, opts, group(next++), results);
          }
        }),
      );
    } else {
      const start = performance.now();
      const inFlight = new Set<Promise<void>>();
      const perGroup = 1_000 / (opts.shape.rate / batch);
      for (let g = 0; g < groupCount; g++) {
        if (opts.stop?.()) break;
        const due = start + g * perGroup;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const p = sendGroup(pool, opts, group(g), results).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    }
  } finally {
    await pool.close();
  }
  return results.sort((a, b) => a.index - b.index);
}

async function sendGroup(
  pool: Pool,
  opts: LoadOptions,
  group: number[],
  results: Submission[],
): Promise<void> {
  const claims = group.map((i) => ({ i, ...opts.claimAt(i) }));
  const sentAt = Date.now();
  // A batch call carries one clinic's claims; a mixed group is split by clinic.
  const byClinic = new Map<number, typeof claims>();
  for (const c of claims) byClinic.set(c.clinic, [...(byClinic.get(c.clinic) ?? []), c]);
  await Promise.all(
    [...byClinic.values()].map(async (part) => {
      const subs = part.map<Submission>((c) => ({
        index: c.i,
        clinic: c.clinic,
        externalRef: c.body.externalRef,
        status: 0,
        attempts: 0,
        sentAt,
      }));
      const single = (opts.batch ?? 1) <= 1;
      const path = single ? '/v1/claims' : '/v1/claims/batch';
      const payload = single ? part[0].body : { claims: part.map((c) => c.body) };
      for (;;) {
        for (const s of subs) s.attempts += 1;
        const { status, body } = await post(pool, path, opts.clinicKeys[part[0].clinic], payload);
        for (const s of subs) s.status = status;
        if (status === 202 && single) {
          subs[0].claimId = (body as { id: string }).id;
          subs[0].acceptedAt = Date.now();
        } else if (status === 207) {
          // One result per claim, in the order sent.
          const rows = (body as { results: { ok: boolean; id?: string }[] }).results;
          rows.forEach((row, k) => {
            subs[k].status = row.ok ? 202 : 422;
            if (row.ok && row.id) {
              subs[k].claimId = row.id;
              subs[k].acceptedAt = Date.now();
            }
          });
        }
        const retryable = status === 0 || status === 429 || status >= 500;
        if (!retryable || !opts.retryForMs || Date.now() - sentAt > opts.retryForMs) break;
        await sleep(status === 0 ? 200 : 500);
      }
      for (const s of subs) {
        results.push(s);
        opts.onSettled?.(s);
      }
    }),
  );
}

/** One POST; a connection that fails or resets is status 0. */
async function post(pool: Pool, path: string, key: string, payload: unknown) {
  try {
    const res = await pool.request({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(payload),
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const text = await res.body.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.statusCode, body };
  } catch {
    return { status: 0, body: undefined };
  }
}
