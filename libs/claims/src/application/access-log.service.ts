import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from './organizations.service';

/** What was read. */
export type AccessAction = 'read_claim' | 'read_proof';

/** One entry of the access log. */
export interface AccessLogEntry {
  id: number;
  at: string;
  organizationId: string;
  apiKeyId: string;
  action: AccessAction;
  claimId: string;
  requestId: string;
}

/** Keeps, in PostgreSQL, who read which claim and when; the operator can query it. */
@Injectable()
export class AccessLogService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Records one successful read. */
  async record(
    principal: Principal,
    action: AccessAction,
    claimId: string,
    requestId: string,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO access_log (organization_id, api_key_id, action, claim_id, request_id) VALUES ($1, $2, $3, $4, $5)`,
      [principal.orgId, principal.keyId, action, claimId, requestId],
    );
  }

  /** Entries, newest first, filtered by claim and/or organization; `before` pages by entry id. */
  async list(filter: {
    claimId?: string;
    organizationId?: string;
    before?: number;
    limit: number;
  }): Promise<AccessLogEntry[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT id, at, organization_id, api_key_id, action, claim_id, request_id FROM access_log
        WHERE ($1::uuid IS NULL OR claim_id = $1) AND ($2::uuid IS NULL OR organization_id = $2)
          AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [filter.claimId ?? null, filter.organizationId ?? null, filter.before ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: (r.at as Date).toISOString(),
      organizationId: r.organization_id as string,
      apiKeyId: r.api_key_id as string,
      action: r.action as AccessAction,
      claimId: r.claim_id as string,
      requestId: r.request_id as string,
    }));
  }
}
