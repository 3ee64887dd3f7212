import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { InMemoryApiKeysRepository } from '../testing/in-memory-api-keys.repository';
import { InMemoryOrganizationsRepository } from '../testing/in-memory-organizations.repository';
import { InMemoryTransactions } from '../testing/in-memory-transactions';
import type { AccessLogWriter } from './access-log/access-log-writer';
import type { ApiKeyScope } from './api-key-scopes';
import { ApiKeysService, insertApiKey } from './api-keys.service';
import type { OrganizationKind } from './organizations.repository';
import type { Principal } from './principal';

const OP = 'op-org';
const PAYER = 'payer-org';
const OTHER = 'other-org';

function setUp(maxKeys = 4) {
  const journal: string[] = [];
  const organizations = new InMemoryOrganizationsRepository(undefined, journal);
  const keys = new InMemoryApiKeysRepository(
    (id) => organizations.organizations.get(id)?.kind,
    undefined,
    journal,
  );
  for (const [id, kind] of [
    [OP, 'operator'],
    [PAYER, 'payer'],
    [OTHER, 'provider'],
  ] as [string, OrganizationKind][]) {
    organizations.add({ id, kind, name: id });
  }
  const transactions = new InMemoryTransactions();
  const recorded: unknown[] = [];
  const audit = { record: (e: unknown) => recorded.push(e) } as unknown as AccessLogWriter;
  const service = new ApiKeysService(
    transactions,
    organizations,
    keys,
    { MAX_KEYS_PER_ORGANIZATION: maxKeys },
    audit,
  );
  /** A stored key of `orgId` and the principal it authenticates as. */
  const key = async (orgId: string, scopes: ApiKeyScope[], label = 'k') => {
    const { key: k } = await insertApiKey(keys, {} as never, orgId, label, scopes, null);
    const principal: Principal = {
      orgId,
      kind: organizations.organizations.get(orgId)!.kind,
      keyId: k.id,
      scopes,
    };
    return { id: k.id, principal };
  };
  return { service, keys, journal, recorded, transactions, key };
}

const refusal = async (p: Promise<unknown>, code: AppErrorCode) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
};

describe('ApiKeysService', () => {
  describe('list', () => {
    it("lists the organization's keys newest first, never their secrets", async () => {
      const { service, key } = setUp();
      const admin = await key(PAYER, ['admin', 'claims:read'], 'first');
      await key(PAYER, ['claims:read'], 'second');
      const listed = await service.list(admin.principal, PAYER);
      expect(listed.map((k) => k.label)).toEqual(['second', 'first']);
      expect(listed[1]).toMatchObject({ id: admin.id, revokedAt: null, revokedBy: null });
      expect(JSON.stringify(listed)).not.toContain('secretHash');
    });

    it("answers another tenant's organization as not found, and needs an admin key", async () => {
      const { service, key } = setUp();
      const admin = await key(PAYER, ['admin']);
      const reader = await key(PAYER, ['claims:read']);
      await expect(service.list(admin.principal, OTHER)).rejects.toBeInstanceOf(NotFoundError);
      await refusal(service.list(reader.principal, PAYER), AppErrorCode.Forbidden);
    });

    it("lets the operator list any organization's keys; an unknown organization is not found", async () => {
      const { service, key } = setUp();
      const op = await key(OP, ['admin']);
      await key(PAYER, ['admin']);
      await expect(service.list(op.principal, PAYER)).resolves.toHaveLength(1);
      await expect(service.list(op.principal, 'no-such-org')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('create', () => {
    it("issues a key with its kind's default scopes, recorded as issued by the caller, and logs it", async () => {
      const { service, key, journal, recorded, transactions } = setUp();
      const admin = await key(PAYER, ['admin']);
      const issued = await service.create(admin.principal, PAYER, 'batch');
      expect(issued.apiKey).toMatch(/^ct_[a-f0-9]{12}_/);
      expect(issued).toMatchObject({
        label: 'batch',
        scopes: ['claims:read', 'claims:write', 'payments:write', 'plans:read', 'plans:write'],
        issuedBy: { organizationId: PAYER, keyId: admin.id },
      });
      expect(transactions.count).toBe(1);
      expect(journal).toEqual([`lock organization ${PAYER}`]);
      expect(recorded).toEqual([
        expect.objectContaining({ action: 'key_issued', subjectIds: [issued.id], route: 'api-keys.create' }),
      ]);
    });

    it('refuses scopes its kind has no route for, naming the allowed ones', async () => {
      const { service, key, keys } = setUp();
      const admin = await key(OTHER, ['admin']);
      const err = (await service
        .create(admin.principal, OTHER, 'x', ['claims:read', 'funds:write'])
        .catch((e: unknown) => e)) as AppError;
      expect(err.code).toBe(AppErrorCode.InvalidScopes);
      expect(err.message).toContain('funds:write');
      expect(keys.keys.size).toBe(1);
    });

    it('refuses beyond the cap of active keys, counting keys in their grace period', async () => {
      const { service, key, keys } = setUp(2);
      const admin = await key(PAYER, ['admin']);
      const rotated = await key(PAYER, ['claims:read']);
      keys.keys.get(rotated.id)!.revokedAt = new Date(Date.now() + 60_000);
      await refusal(service.create(admin.principal, PAYER, 'third'), AppErrorCode.KeyLimitReached);
      keys.keys.get(rotated.id)!.revokedAt = new Date(Date.now() - 1);
      await expect(service.create(admin.principal, PAYER, 'third')).resolves.toMatchObject({
        label: 'third',
      });
    });

    it("issues only the caller's own organization's keys, with an admin key", async () => {
      const { service, key } = setUp();
      const op = await key(OP, ['admin']);
      const reader = await key(PAYER, ['claims:read']);
      await refusal(service.create(op.principal, PAYER, 'x'), AppErrorCode.Forbidden);
      await refusal(service.create(reader.principal, PAYER, 'x'), AppErrorCode.Forbidden);
      await expect(service.create(reader.principal, OTHER, 'x')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('revoke', () => {
    it('revokes a key at once, recording who did, after locking the organization', async () => {
      const { service, key, keys, journal, recorded } = setUp();
      const admin = await key(PAYER, ['admin']);
      const other = await key(PAYER, ['claims:read']);
      const before = Date.now();
      const revoked = await service.revoke(admin.principal, PAYER, other.id);
      expect(Date.parse(revoked.revokedAt!)).toBeGreaterThanOrEqual(before);
      expect(revoked.revokedBy).toEqual({ organizationId: PAYER, keyId: admin.id });
      expect(keys.keys.get(other.id)!.revokedAt!.toISOString()).toBe(revoked.revokedAt);
      expect(journal).toEqual([`lock organization ${PAYER}`]);
      expect(recorded).toEqual([expect.objectContaining({ action: 'key_revoked', subjectIds: [other.id] })]);
      // Revoked is no longer active: a second revocation finds nothing.
      await expect(service.revoke(admin.principal, PAYER, other.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lets any key revoke itself, but only an admin key revoke others', async () => {
      const { service, key } = setUp();
      await key(PAYER, ['admin']);
      const a = await key(PAYER, ['claims:read']);
      const b = await key(PAYER, ['claims:read']);
      await refusal(service.revoke(a.principal, PAYER, b.id), AppErrorCode.Forbidden);
      await expect(service.revoke(a.principal, PAYER, a.id)).resolves.toMatchObject({ id: a.id });
    });

    it("does not find another organization's key, nor one of an organization it cannot see", async () => {
      const { service, key } = setUp();
      const admin = await key(PAYER, ['admin']);
      const foreign = await key(OTHER, ['admin']);
      await expect(service.revoke(admin.principal, PAYER, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.revoke(admin.principal, OTHER, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses an organization its last admin key, but lets the operator revoke it', async () => {
      const { service, key, keys } = setUp();
      const admin = await key(PAYER, ['admin']);
      const op = await key(OP, ['admin']);
      await refusal(service.revoke(admin.principal, PAYER, admin.id), AppErrorCode.LastAdminKey);
      expect(keys.keys.get(admin.id)!.revokedAt).toBeNull();
      await expect(service.revoke(op.principal, PAYER, admin.id)).resolves.toMatchObject({
        revokedBy: { organizationId: OP, keyId: op.id },
      });
    });

    it('revokes a key in its rotation grace period at once', async () => {
      const { service, key, keys } = setUp();
      const admin = await key(PAYER, ['admin']);
      const rotated = await key(PAYER, ['claims:read']);
      keys.keys.get(rotated.id)!.revokedAt = new Date(Date.now() + 60_000);
      const revoked = await service.revoke(admin.principal, PAYER, rotated.id);
      expect(Date.parse(revoked.revokedAt!)).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('recoverAdminKey', () => {
    it('issues a recovery admin key to an organization without one, recorded as nobody’s', async () => {
      const { service, key, journal, recorded } = setUp();
      await key(PAYER, ['claims:read']);
      const recovered = await service.recoverAdminKey(PAYER);
      expect(recovered).toMatchObject({
        label: 'recovery',
        scopes: ['admin', 'claims:read', 'claims:write', 'payments:write', 'plans:read', 'plans:write'],
        issuedBy: { organizationId: null, keyId: null },
      });
      expect(journal).toEqual([`lock organization ${PAYER}`]);
      expect(recorded).toEqual([
        expect.objectContaining({ action: 'key_issued', organizationId: null, route: 'api-keys.recover' }),
      ]);
    });

    it('refuses while the organization has an active admin key; an unknown one is not found', async () => {
      const { service, key } = setUp();
      await key(PAYER, ['admin']);
      await refusal(service.recoverAdminKey(PAYER), AppErrorCode.AdminKeyExists);
      await expect(service.recoverAdminKey('no-such-org')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('rotate', () => {
    it('issues a replacement with the same label and scopes and ends the old key after the grace period', async () => {
      const { service, key, keys, journal, recorded } = setUp(2);
      const admin = await key(PAYER, ['admin', 'claims:read'], 'main');
      await key(PAYER, ['claims:read']); // at the cap: a rotation is not held to it
      const before = Date.now();
      const { previous, current } = await service.rotate(admin.principal, PAYER, admin.id, 3600);
      expect(current).toMatchObject({ label: 'main', scopes: ['admin', 'claims:read'] });
      expect(current.apiKey).toBeDefined();
      const ends = Date.parse(previous.revokedAt!);
      expect(ends).toBeGreaterThanOrEqual(before + 3600_000);
      expect(ends).toBeLessThanOrEqual(Date.now() + 3600_000);
      expect(keys.keys.get(admin.id)!.revokedAt!.getTime()).toBe(ends);
      expect(previous.revokedBy).toEqual({ organizationId: PAYER, keyId: admin.id });
      expect(journal).toEqual([`lock key ${admin.id}`]);
      expect(recorded).toEqual([
        expect.objectContaining({ action: 'key_rotated', subjectIds: [admin.id, current.id] }),
      ]);
    });

    it('refuses to rotate a key in its grace period again; its replacement rotates', async () => {
      const { service, key } = setUp();
      const admin = await key(PAYER, ['admin']);
      const { current } = await service.rotate(admin.principal, PAYER, admin.id, 60);
      await refusal(service.rotate(admin.principal, PAYER, admin.id, 60), AppErrorCode.KeyInGracePeriod);
      await expect(service.rotate(admin.principal, PAYER, current.id, 0)).resolves.toBeDefined();
    });

    it('with no grace period the old key is gone at once', async () => {
      const { service, key } = setUp();
      const admin = await key(PAYER, ['admin']);
      await service.rotate(admin.principal, PAYER, admin.id, 0);
      await expect(service.rotate(admin.principal, PAYER, admin.id, 0)).rejects.toBeInstanceOf(NotFoundError);
    });

    it("rotates only its own organization's keys, others' only with an admin key", async () => {
      const { service, key } = setUp();
      const op = await key(OP, ['admin']);
      const admin = await key(PAYER, ['admin']);
      const reader = await key(PAYER, ['claims:read']);
      await refusal(service.rotate(op.principal, PAYER, admin.id, 0), AppErrorCode.Forbidden);
      await refusal(service.rotate(reader.principal, PAYER, admin.id, 0), AppErrorCode.Forbidden);
      await expect(service.rotate(reader.principal, PAYER, reader.id, 0)).resolves.toBeDefined();
      await expect(service.rotate(admin.principal, PAYER, 'no-such-key', 0)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  it('records no key event without an access log (the command line passes its own)', async () => {
    const { keys, key } = setUp();
    const organizations = new InMemoryOrganizationsRepository();
    organizations.add({ id: PAYER, kind: 'payer', name: 'P' });
    const bare = new ApiKeysService(new InMemoryTransactions(), organizations, keys, {
      MAX_KEYS_PER_ORGANIZATION: 4,
    });
    await key(PAYER, ['claims:read']);
    await expect(bare.recoverAdminKey(PAYER)).resolves.toMatchObject({ label: 'recovery' });
  });
});
