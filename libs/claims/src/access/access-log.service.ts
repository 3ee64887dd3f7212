import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessLogWriter } from './access-log/access-log-writer';
import { ACCESS_LOG_COLUMNS, chainedEntryOf } from './access-log/access-log-rows';
import type { AccessLogView } from '../common/api-views';

export type { AccessLogView } from '../common/api-views';

const SINGLE_CLAIM_ACTIONS = new Set(['read_claim', 'read_proof']);

/** The operator's query of the access log (written by AccessLogWriter). */
@Injectable()
export class AccessLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: AccessLogWriter,
  ) {}

  /**
   * Entries, newest first, filtered by claim (any entry naming it, list pages included) and/or
   * organization; `before` pages by entry id. This process's buffered entries are written first.
   */
  async list(filter: {
    claimId?: string;
    organizationId?: string;
    before?: number;
    limit: number;
  }): Promise<AccessLogView[]> {
    await this.writer.flush();
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${ACCESS_LOG_COLUMNS} FROM access_log
        WHERE ($1::text IS NULL OR subject_ids @> ARRAY[$1::text]) AND ($2::uuid IS NULL OR organization_id = $2)
          AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq DESC LIMIT $4`,
      [filter.claimId ?? null, filter.organizationId ?? null, filter.before ?? null, filter.limit],
    );
    return rows.map((r) => {
      const { seq, prevHash: _prev, ...e } = chainedEntryOf(r);
      return {
        id: seq,
        ...e,
        claimId: SINGLE_CLAIM_ACTIONS.has(e.action) ? (e.subjectIds[0] ?? null) : null,
      };
    });
  }
}
