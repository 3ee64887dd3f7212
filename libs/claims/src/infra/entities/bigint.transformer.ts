import type { ValueTransformer } from 'typeorm';

/** PostgreSQL bigint comes back as a string; amounts stay below 2^53 so a number is exact. */
export const bigintToNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};
