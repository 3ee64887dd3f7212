import { readTallies } from './fault-table';
import { TABLE_ENV } from './fault-table';

/**
 * Prints the fault table: one row per fault, with what was accepted (API answers), decided
 * (PostgreSQL), recorded (the ledger's signed write sets or events), proven (offline-verified proofs
 * matching PostgreSQL), lost and duplicated.
 */
export default () => {
  const rows = readTallies(process.env[TABLE_ENV]);
  process.stdout.write('\nfault table\n');
  console.table(
    rows.map((r) => ({
      fault: r.fault,
      'claims accepted': r.accepted,
      'claims decided': r.decided,
      'ledger records': r.ledgerRecords,
      'proven and matching': r.proven,
      lost: r.lost,
      duplicated: r.duplicated,
    })),
  );
};
