import { Inject, Injectable } from '@nestjs/common';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { AccessLogRepository } from '../access-log.repository';
import { OrganizationsRepository } from '../organizations.repository';
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
    private readonly log: AccessLogRepository,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly orgs: OrganizationsService,
    private readonly organizations: OrganizationsRepository,
  ) {}

  /** Anchors the current head; null when it is already anchored, the log is empty or there is no operator yet. */
  async anchor(): Promise<WrittenAnchor | null> {
    const head = await this.log.head();
    if (!head) return null;
    const { seq } = head;
    this.lastAnchored ??= await this.newestAnchoredSeq();
    if (seq <= this.lastAnchored) return null;
    const operator = await this.organizations.firstOperatorId();
    if (!operator) return null;
    const signer = await this.orgs.signingIdentity(operator);
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
