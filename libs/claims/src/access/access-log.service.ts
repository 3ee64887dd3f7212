import { Injectable } from '@nestjs/common';
import type { AccessLogView } from '../common/api-views';
import { AccessLogWriter } from './access-log/access-log-writer';
import { AccessLogRepository } from './access-log.repository';

export type { AccessLogView } from '../common/api-views';

const SINGLE_CLAIM_ACTIONS = new Set(['read_claim', 'read_proof']);

/** The operator's query of the access log (written by AccessLogWriter). */
@Injectable()
export class AccessLogService {
  constructor(
    private readonly log: AccessLogRepository,
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
    const { claimId, ...rest } = filter;
    const rows = await this.log.search({ ...rest, subjectId: claimId });
    return rows.map((r) => {
      const { seq, prevHash: _prev, ...e } = r;
      return {
        id: seq,
        ...e,
        claimId: SINGLE_CLAIM_ACTIONS.has(e.action) ? (e.subjectIds[0] ?? null) : null,
      };
    });
  }
}
