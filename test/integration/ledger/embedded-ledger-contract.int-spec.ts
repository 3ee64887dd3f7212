import { connect, testLedger, trustOf } from '../../support/ledger-database';
import { describeLedgerContract } from '../../support/ledger-contract';

/** The LedgerPort contract on the embedded ledger, in the run's shared migrated database. */
describeLedgerContract('EmbeddedLedger on PostgreSQL', async () => {
  const db = await connect();
  const ledger = testLedger(db);
  return {
    ledger,
    trust: async (...signers) => trustOf(...signers),
    recordedBy: (signer) => signer.mspId,
    close: async () => {
      ledger.close();
      await db.destroy();
    },
  };
});
