import type { LedgerPort, SigningIdentity } from '@claimtrail/ledger';
import { chainRows } from '../../domain/access-log-chain';
import { InMemoryAccessLogRepository } from '../../testing/in-memory-access-log.repository';
import { InMemoryOrganizationsRepository } from '../../testing/in-memory-organizations.repository';
import type { OrganizationsService } from '../organizations.service';
import { AccessLogAnchorService } from './access-log-anchor.service';
import { accessLogEntry } from '../../testing/access-log-entries';

const entry = (route: string) => accessLogEntry({ route });

function setUp() {
  const log = new InMemoryAccessLogRepository();
  let t = 0;
  const organizations = new InMemoryOrganizationsRepository(() => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)));
  const onLedger: { seq: number; hash: string; signedBy: string }[] = [];
  const ledger = {
    anchorAccessLog: (a: { seq: number; hash: string }, signer: SigningIdentity) => {
      onLedger.push({ ...a, signedBy: signer.orgId });
      return Promise.resolve({ txId: `tx${a.seq}` });
    },
    accessLogAnchors: (after: number) =>
      Promise.resolve(onLedger.filter((a) => a.seq > after).map((a) => ({ ...a, txId: `tx${a.seq}` }))),
  } as unknown as LedgerPort;
  const orgs = {
    signingIdentity: (orgId: string) => Promise.resolve({ orgId } as SigningIdentity),
  } as unknown as OrganizationsService;
  const append = (n: number) => {
    const head = log.rows[log.rows.length - 1];
    const rows = chainRows(
      Array.from({ length: n }, (_, i) => entry(`/r${i}`)),
      (head?.seq ?? 0) + 1,
      head?.hash ?? null,
    );
    log.rows.push(...rows);
  };
  return {
    log,
    organizations,
    onLedger,
    append,
    ledger,
    orgs,
    service: new AccessLogAnchorService(log, ledger, orgs, organizations),
  };
}

describe('AccessLogAnchorService', () => {
  it('anchors nothing while the log is empty or there is no operator', async () => {
    const { service, append, onLedger } = setUp();
    await expect(service.anchor()).resolves.toBeNull();
    append(2);
    await expect(service.anchor()).resolves.toBeNull();
    expect(onLedger).toEqual([]);
  });

  it('anchors the head, signed by the first operator, and only a head that moved on', async () => {
    const { service, append, log, organizations, onLedger } = setUp();
    organizations.add({ id: 'op-2', kind: 'operator', name: 'first' });
    organizations.add({ id: 'op-1', kind: 'operator', name: 'second' });
    organizations.add({ id: 'payer', kind: 'payer', name: 'payer' });
    append(3);
    await expect(service.anchor()).resolves.toEqual({ seq: 3, hash: log.rows[2].hash, txId: 'tx3' });
    expect(onLedger).toEqual([{ seq: 3, hash: log.rows[2].hash, signedBy: 'op-2' }]);
    await expect(service.anchor()).resolves.toBeNull();
    append(1);
    await expect(service.anchor()).resolves.toMatchObject({ seq: 4 });
  });

  it('starts from the newest anchor already on the ledger', async () => {
    const first = setUp();
    first.organizations.add({ id: 'op', kind: 'operator', name: 'op' });
    first.append(2);
    await first.service.anchor();
    // A new process over the same log and ledger.
    const again = new AccessLogAnchorService(first.log, first.ledger, first.orgs, first.organizations);
    await expect(again.anchor()).resolves.toBeNull();
    first.append(1);
    await expect(again.anchor()).resolves.toMatchObject({ seq: 3 });
  });
});
