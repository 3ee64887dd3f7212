import { Inject, Injectable } from '@nestjs/common';
import { LEDGER, type LedgerPort } from '@claimtrail/ledger';
import { firstBreak, GENESIS_HASH } from '../../domain/access-log-chain';
import { AccessLogRepository } from '../access-log.repository';

/** What a check of the access log found. */
export interface AccessLogVerdict {
  ok: boolean;
  rowsChecked: number;
  anchorsChecked: number;
  /** The newest row. */
  head: { seq: number; hash: string } | null;
  /** The first row that is not what was written. */
  firstBadSeq?: number;
  reason?: string;
}

const PAGE = 5_000;

/**
 * Re-checks the access log: every row's sequence, link and hash, then every ledger anchor against
 * the row it pins. A row edited in place breaks its own hash; a chain rewritten from an edited row
 * on breaks at the first anchor after it. What cannot be seen: rows removed from the tail after the
 * newest anchor.
 */
@Injectable()
export class AccessLogVerifier {
  constructor(
    private readonly log: AccessLogRepository,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
  ) {}

  async verify(): Promise<AccessLogVerdict> {
    let last = { seq: 0, hash: GENESIS_HASH };
    let rowsChecked = 0;
    for (;;) {
      const rows = await this.log.rowsAfter(last.seq, PAGE);
      if (rows.length === 0) break;
      const broken = firstBreak(rows, last);
      if (broken)
        return {
          ok: false,
          rowsChecked,
          anchorsChecked: 0,
          head: null,
          firstBadSeq: broken.seq,
          reason: broken.reason,
        };
      rowsChecked += rows.length;
      const tail = rows[rows.length - 1];
      last = { seq: tail.seq, hash: tail.hash };
    }
    const head = last.seq > 0 ? last : null;
    let anchorsChecked = 0;
    let good = 0;
    for (let after = 0; ;) {
      const anchors = await this.ledger.accessLogAnchors(after);
      if (anchors.length === 0) break;
      const seqs = anchors.map((a) => a.seq);
      const stored = await this.log.hashesAt(seqs);
      for (const a of anchors) {
        const hash = stored.get(a.seq);
        if (hash !== a.hash) {
          const reason =
            hash === undefined
              ? `anchor at seq ${a.seq} (ledger tx ${a.txId}) names a row the log no longer has: rows after seq ${good} were removed`
              : `anchor at seq ${a.seq} (ledger tx ${a.txId}) holds hash ${a.hash}, the log's row has ${hash}: rows after seq ${good} were rewritten`;
          return { ok: false, rowsChecked, anchorsChecked, head, firstBadSeq: good + 1, reason };
        }
        good = a.seq;
        anchorsChecked += 1;
      }
      after = anchors[anchors.length - 1].seq;
    }
    return { ok: true, rowsChecked, anchorsChecked, head };
  }
}
