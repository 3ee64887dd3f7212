import type { LedgerPort } from '@claimtrail/ledger';
import { chainRows } from '../../domain/access-log-chain';
import { InMemoryAccessLogRepository } from '../../testing/in-memory-access-log.repository';
import { AccessLogVerifier } from './access-log-verifier';
import { accessLogEntry } from '../../testing/access-log-entries';

const entry = (route: string) => accessLogEntry({ route, subjectIds: ['c1'] });

function setUp(rows = 5) {
  const log = new InMemoryAccessLogRepository();
  log.rows.push(
    ...chainRows(
      Array.from({ length: rows }, (_, i) => entry(`/r${i}`)),
      1,
      null,
    ),
  );
  const anchors: { seq: number; hash: string; txId: string }[] = [];
  const ledger = {
    // One anchor a page, so the verifier pages through them.
    accessLogAnchors: (after: number) => Promise.resolve(anchors.filter((a) => a.seq > after).slice(0, 1)),
  } as unknown as LedgerPort;
  const anchor = (seq: number, hash = log.rows[seq - 1].hash) =>
    anchors.push({ seq, hash, txId: `tx${seq}` });
  return { log, anchor, verifier: new AccessLogVerifier(log, ledger) };
}

describe('AccessLogVerifier', () => {
  it('passes an intact chain and its anchors', async () => {
    const { verifier, log, anchor } = setUp();
    anchor(2);
    anchor(4);
    await expect(verifier.verify()).resolves.toEqual({
      ok: true,
      rowsChecked: 5,
      anchorsChecked: 2,
      head: { seq: 5, hash: log.rows[4].hash },
    });
  });

  it('passes an empty log with no head', async () => {
    const { verifier } = setUp(0);
    await expect(verifier.verify()).resolves.toEqual({
      ok: true,
      rowsChecked: 0,
      anchorsChecked: 0,
      head: null,
    });
  });

  it('finds a row edited in place by its own hash', async () => {
    const { verifier, log } = setUp();
    log.rows[2].route = '/edited';
    await expect(verifier.verify()).resolves.toMatchObject({ ok: false, firstBadSeq: 3, rowsChecked: 0 });
  });

  it('finds a chain rewritten from an edited row at the first anchor after it', async () => {
    const { verifier, log, anchor } = setUp();
    anchor(1);
    anchor(4);
    const rewritten = chainRows(
      log.rows.slice(2).map((r) => ({ ...r, route: `${r.route}!` })),
      3,
      log.rows[1].hash,
    );
    anchor(5, log.rows[4].hash);
    log.rows.splice(2, 3, ...rewritten);
    const verdict = await verifier.verify();
    expect(verdict).toMatchObject({ ok: false, rowsChecked: 5, anchorsChecked: 1, firstBadSeq: 2 });
    expect(verdict.reason).toContain('anchor at seq 4 (ledger tx tx4)');
    expect(verdict.reason).toContain('rows after seq 1 were rewritten');
  });

  it('finds anchored rows that were removed', async () => {
    const { verifier, log, anchor } = setUp();
    anchor(2);
    anchor(5);
    log.rows.splice(3, 2);
    const verdict = await verifier.verify();
    expect(verdict).toMatchObject({ ok: false, rowsChecked: 3, anchorsChecked: 1, firstBadSeq: 3 });
    expect(verdict.reason).toContain('rows after seq 2 were removed');
  });
});
