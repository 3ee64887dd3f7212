import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One row of the fault table. */
export interface Tally {
  fault: string;
  /** Claims the API answered 202 for. */
  accepted: number;
  /** Of those, claims PostgreSQL holds decided (not the expected poison). */
  decided: number;
  /** Claim revisions the ledger's signed write sets (embedded) or its events (Fabric) record. */
  ledgerRecords: number;
  /** Decided claims whose proof verified offline and whose record matches PostgreSQL's decision. */
  proven: number;
  lost: number;
  duplicated: number;
}

/** Where the suites of one run leave their rows for the closing table (set by the global setup). */
export const TABLE_ENV = 'CLAIMTRAIL_FAULT_TABLE';

const tableFile = () => process.env[TABLE_ENV] ?? join(tmpdir(), 'claimtrail-fault-table.jsonl');

/** Adds one fault's tally to this run's table. */
export function recordTally(tally: Tally): void {
  appendFileSync(tableFile(), `${JSON.stringify(tally)}\n`);
}

/** The rows recorded so far in this run. */
export function readTallies(file = tableFile()): Tally[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Tally);
}
