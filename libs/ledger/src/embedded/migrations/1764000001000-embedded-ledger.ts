import type { MigrationInterface, QueryRunner } from 'typeorm';
import { buildBlockHeader, GENESIS_PREVIOUS_HASH } from '../../chain/block-header';

/**
 * The embedded ledger: hash-chained blocks of signed transactions, the world state they wrote,
 * and a single head row every appender locks, so appenders in any number of processes serialise.
 * Keys and hashes are bytea: composite keys contain U+0000, which PostgreSQL text cannot hold.
 */
export class EmbeddedLedgerSchema1764000001000 implements MigrationInterface {
  name = 'EmbeddedLedgerSchema1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_blocks (
        number bigint PRIMARY KEY CHECK (number >= 0),
        previous_hash bytea NOT NULL CHECK (octet_length(previous_hash) = 32),
        merkle_root bytea NOT NULL CHECK (octet_length(merkle_root) = 32),
        hash bytea NOT NULL UNIQUE CHECK (octet_length(hash) = 32),
        tx_count integer NOT NULL CHECK (tx_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ledger_transactions (
        tx_id text PRIMARY KEY,
        block_number bigint NOT NULL REFERENCES ledger_blocks(number),
        tx_index integer NOT NULL CHECK (tx_index >= 0),
        payload_version smallint NOT NULL,
        channel_id text NOT NULL,
        chaincode text NOT NULL,
        function_name text NOT NULL,
        args jsonb NOT NULL,
        creator_org_id text NOT NULL,
        creator_kind text NOT NULL,
        creator_msp_id text NOT NULL,
        creator_public_key text NOT NULL,
        nonce text NOT NULL,
        tx_timestamp timestamptz NOT NULL,
        signature text NOT NULL,
        tx_hash bytea NOT NULL CHECK (octet_length(tx_hash) = 32),
        result jsonb NOT NULL,
        events jsonb NOT NULL,
        UNIQUE (block_number, tx_index)
      )`);
    await q.query(`
      CREATE TABLE ledger_state (
        key bytea PRIMARY KEY,
        value bytea NOT NULL,
        tx_id text NOT NULL REFERENCES ledger_transactions(tx_id),
        block_number bigint NOT NULL REFERENCES ledger_blocks(number)
      )`);
    await q.query(`
      CREATE TABLE ledger_head (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        block_number bigint NOT NULL REFERENCES ledger_blocks(number),
        block_hash bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Rehashed, with every header field, by the write-set migration that follows.
    const genesis = buildBlockHeader(0, GENESIS_PREVIOUS_HASH, [], new Date().toISOString());
    await q.query(
      `INSERT INTO ledger_blocks (number, previous_hash, merkle_root, hash, tx_count) VALUES (0, $1, $2, $3, 0)`,
      [hex(genesis.previousHash), hex(genesis.merkleRoot), hex(genesis.hash)],
    );
    await q.query(`INSERT INTO ledger_head (id, block_number, block_hash) VALUES (1, 0, $1)`, [
      hex(genesis.hash),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_head, ledger_state, ledger_transactions, ledger_blocks`);
  }
}

function hex(value: string): Buffer {
  return Buffer.from(value, 'hex');
}
