import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { OrganizationsService } from '../organizations.service';

/** An anchor written to the ledger. */
export interface WrittenAnchor {
  seq: number;
  hash: string;
  txId: string;
}

/**
 * Pins the access log's head on the ledger, signed by the platform's operator organization: after
 * that, rewriting any row up to the anchored one (even with every later hash recomputed) no longer
 * matches the ledger. The anchor holds only a sequence number and a hash.
 */
@Injectable()
export class AccessLogAnchorService {
  private lastAnchored: number | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly orgs: OrganizationsService,
  ) {}

  /** Anchors the current head; null when it is already anchored, the log is empty or there is no operator yet. */
  async anchor(): Promise<WrittenAnchor | null> {
    const [head] = (await this.db.query(`SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1`)) as {
      seq: string;
      hash: string;
    }[];
    if (!head) return null;
    const seq = Number(head.seq);
    this.lastAnchored ??= await this.newestAnchoredSeq();
    if (seq <= this.lastAnchored) return null;
    const [operator] = (await this.db.query(
      `SELECT id FROM organizations WHERE kind = 'operator' ORDER BY created_at, id LIMIT 1`,
    )) as { id: string }[];
    if (!operator) return null;
    const signer = await this.orgs.signingIdentity(operator.id);
    const done = await this.ledger.anchorAccessLog({ seq, hash: head.hash }, signer);
    this.lastAnchored = seq;
    return { seq, hash: head.hash, txId: done.txId };
  }

  private async newestAnchoredSeq(): Promise<number> {
    let after = 0;
    for (;;) {
      const page = await this.ledger.accessLogAnchors(after);
      if (page.length === 0) return after;
      after = page[page.length - 1].seq;
    }
  }
}
