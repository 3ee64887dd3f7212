import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  type AccessLogFilter,
  AccessLogRepository,
  type ChainHead,
} from '../../access/access-log.repository';
import type { ChainedEntry } from '../../domain/access-log-chain';
import type { Transaction } from '../../platform/transactions';
import { ACCESS_LOG_COLUMNS, chainedEntryOf } from './access-log-rows';
import { managerOf } from './typeorm-transactions';

// One chain per database: its writers take this transaction-scoped advisory lock in turn.
const CHAIN_LOCK = 0x61636c67; // 'aclg'

/** The access log in PostgreSQL (`access_log`), written in batches of one statement each. */
@Injectable()
export class TypeOrmAccessLogRepository extends AccessLogRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async lockChain(tx: Transaction): Promise<void> {
    await managerOf(this.db, tx).query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCK]);
  }

  async head(tx?: Transaction): Promise<ChainHead | null> {
    const [head] = (await managerOf(this.db, tx).query(
      `SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1`,
    )) as { seq: string; hash: string }[];
    return head ? { seq: Number(head.seq), hash: head.hash } : null;
  }

  async insertChained(tx: Transaction, rows: readonly ChainedEntry[]): Promise<void> {
    await managerOf(this.db, tx).query(
      `INSERT INTO access_log (seq, at, action, organization_id, api_key_id, user_id, method, route, status,
          subject_ids, subject_count, cursor, client_address, key_prefix, request_id, detail, prev_hash, hash)
       SELECT u.seq, u.at, u.action, u.organization_id, u.api_key_id, u.user_id, u.method, u.route, u.status,
          ARRAY(SELECT jsonb_array_elements_text(u.subject_ids)), u.subject_count, u.cursor, u.client_address,
          u.key_prefix, u.request_id, u.detail, u.prev_hash, u.hash
         FROM jsonb_to_recordset($1::jsonb) AS u(seq bigint, at timestamptz, action text, organization_id uuid,
          api_key_id uuid, user_id uuid, method text, route text, status int, subject_ids jsonb,
          subject_count int, cursor text, client_address text, key_prefix text, request_id text,
          detail jsonb, prev_hash text, hash text)`,
      [
        JSON.stringify(
          rows.map((r) => ({
            seq: r.seq,
            at: r.at,
            action: r.action,
            organization_id: r.organizationId,
            api_key_id: r.apiKeyId,
            user_id: r.userId,
            method: r.method,
            route: r.route,
            status: r.status,
            subject_ids: r.subjectIds,
            subject_count: r.subjectCount,
            cursor: r.cursor,
            client_address: r.clientAddress,
            key_prefix: r.keyPrefix,
            request_id: r.requestId,
            detail: r.detail,
            prev_hash: r.prevHash,
            hash: r.hash,
          })),
        ),
      ],
    );
  }

  async rowsAfter(afterSeq: number, limit: number): Promise<ChainedEntry[]> {
    const rows = (await this.db.query(
      `SELECT ${ACCESS_LOG_COLUMNS} FROM access_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    )) as Record<string, unknown>[];
    return rows.map(chainedEntryOf);
  }

  async hashesAt(seqs: readonly number[]): Promise<Map<number, string>> {
    const rows = (await this.db.query(`SELECT seq, hash FROM access_log WHERE seq = ANY($1::bigint[])`, [
      [...seqs],
    ])) as { seq: string; hash: string }[];
    return new Map(rows.map((r) => [Number(r.seq), r.hash]));
  }

  async search(filter: AccessLogFilter): Promise<ChainedEntry[]> {
    const rows = (await this.db.query(
      `SELECT ${ACCESS_LOG_COLUMNS} FROM access_log
        WHERE ($1::text IS NULL OR subject_ids @> ARRAY[$1::text]) AND ($2::uuid IS NULL OR organization_id = $2)
          AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq DESC LIMIT $4`,
      [filter.subjectId ?? null, filter.organizationId ?? null, filter.before ?? null, filter.limit],
    )) as Record<string, unknown>[];
    return rows.map(chainedEntryOf);
  }
}
