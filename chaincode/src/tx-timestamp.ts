import type { Context } from 'fabric-contract-api';

/** Seconds as fabric-shim hands them over: a Long (2.5.4+), a number (older shims) or a bigint. */
type Seconds = number | bigint | { toString(): string };

/**
 * The transaction's proposal timestamp as an ISO 8601 string: the only clock chaincode may read,
 * because every endorsing peer sees the same value.
 */
export function txTimestampIso(ctx: Context): string {
  const ts = ctx.stub.getTxTimestamp() as { seconds: Seconds; nanos: number };
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
  const millis = seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000);
  return new Date(millis).toISOString();
}
