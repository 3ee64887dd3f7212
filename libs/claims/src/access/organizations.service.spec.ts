import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { InMemoryApiKeysRepository } from '../testing/in-memory-api-keys.repository';
import { InMemoryOrganizationsRepository } from '../testing/in-memory-organizations.repository';
import { InMemoryTransactions } from '../testing/in-memory-transactions';
import { parseApiKey } from './api-keys';
import { OrganizationsService } from './organizations.service';
import type { Principal } from './principal';

function setUp() {
  const organizations = new InMemoryOrganizationsRepository();
  const keys = new InMemoryApiKeysRepository((id) => organizations.organizations.get(id)?.kind);
  const transactions = new InMemoryTransactions();
  return {
    organizations,
    keys,
    transactions,
    service: new OrganizationsService(transactions, organizations, keys),
  };
}

const unauthenticated = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('authenticated');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe(AppErrorCode.Unauthenticated);
    },
  );

describe('OrganizationsService', () => {
  describe('create', () => {
    it('creates the organization with a signing identity and an admin key, in one transaction', async () => {
      const { service, keys, organizations, transactions } = setUp();
      const { organization, apiKey } = await service.create('payer', 'Acme Health');
      expect(organization).toMatchObject({ kind: 'payer', name: 'Acme Health', mspId: organization.id });
      expect(organization.signingPublicKey).toContain('BEGIN PUBLIC KEY');
      expect(organization).not.toHaveProperty('signingPrivateKey');
      expect(organizations.organizations.get(organization.id)!.signingPrivateKey).toContain('PRIVATE KEY');
      expect(transactions.count).toBe(1);
      const [key] = await keys.listOf(organization.id);
      expect(key).toMatchObject({
        label: 'default',
        prefix: parseApiKey(apiKey)!.prefix,
        scopes: ['admin', 'claims:read', 'claims:write', 'payments:write', 'plans:read', 'plans:write'],
        issuedByOrganizationId: null,
        issuedByKeyId: null,
        revokedAt: null,
      });
      // Only the hash of the secret is kept.
      expect(key.secretHash).not.toContain(parseApiKey(apiKey)!.secret);
    });

    it('records the operator key that created it', async () => {
      const { service, keys } = setUp();
      const by: Principal = { orgId: 'op-org', kind: 'operator', keyId: 'op-key', scopes: ['admin'] };
      const { organization } = await service.create('funder', 'Fund', by);
      const [key] = await keys.listOf(organization.id);
      expect(key).toMatchObject({ issuedByOrganizationId: 'op-org', issuedByKeyId: 'op-key' });
      expect(key.scopes).toEqual(['admin', 'claims:read', 'funds:read', 'funds:write']);
    });
  });

  describe('authenticate', () => {
    it('resolves a valid key to its organization, kind, key and scopes', async () => {
      const { service, keys } = setUp();
      const { organization, apiKey } = await service.create('provider', 'Clinic');
      const [key] = await keys.listOf(organization.id);
      await expect(service.authenticate(apiKey)).resolves.toEqual({
        orgId: organization.id,
        kind: 'provider',
        keyId: key.id,
        scopes: ['admin', 'claims:read', 'claims:write'],
      });
    });

    it('refuses a missing, malformed, unknown or wrong-secret token alike', async () => {
      const { service } = setUp();
      const { apiKey } = await service.create('payer', 'P');
      const { prefix } = parseApiKey(apiKey)!;
      await unauthenticated(service.authenticate(undefined));
      await unauthenticated(service.authenticate(''));
      await unauthenticated(service.authenticate('Bearer nonsense'));
      await unauthenticated(service.authenticate(`ct_000000000000_${'a'.repeat(43)}`));
      await unauthenticated(service.authenticate(`ct_${prefix}_${'a'.repeat(43)}`));
    });

    it('refuses a revoked key at once, and accepts a rotated one until its grace period ends', async () => {
      const { service, keys } = setUp();
      const { organization, apiKey } = await service.create('payer', 'P');
      const [key] = await keys.listOf(organization.id);
      keys.keys.get(key.id)!.revokedAt = new Date(Date.now() + 60_000);
      await expect(service.authenticate(apiKey)).resolves.toMatchObject({ keyId: key.id });
      keys.keys.get(key.id)!.revokedAt = new Date(Date.now() - 1);
      await unauthenticated(service.authenticate(apiKey));
    });

    it('reads the keys of concurrent requests in one query, and afresh for every turn', async () => {
      const { service, keys } = setUp();
      const a = await service.create('payer', 'A');
      const b = await service.create('provider', 'B');
      const before = keys.credentialQueries;
      const [pa, pb] = await Promise.all([service.authenticate(a.apiKey), service.authenticate(b.apiKey)]);
      expect([pa.orgId, pb.orgId]).toEqual([a.organization.id, b.organization.id]);
      expect(keys.credentialQueries).toBe(before + 1);
      await service.authenticate(a.apiKey);
      expect(keys.credentialQueries).toBe(before + 2);
    });
  });

  describe('reads', () => {
    it('gets an organization, or NotFound', async () => {
      const { service } = setUp();
      const { organization } = await service.create('operator', 'Op');
      await expect(service.get(organization.id)).resolves.toEqual(organization);
      await expect(service.get('no-such-org')).rejects.toBeInstanceOf(NotFoundError);
    });

    it("lists every organization's public key by id", async () => {
      const { service, organizations } = setUp();
      organizations.add({ id: 'b', kind: 'payer', name: 'B' });
      organizations.add({ id: 'a', kind: 'funder', name: 'A' });
      await expect(service.trustedOrganizations()).resolves.toEqual([
        { id: 'a', kind: 'funder', publicKeyPem: 'public key of a' },
        { id: 'b', kind: 'payer', publicKeyPem: 'public key of b' },
      ]);
    });

    it('reads a signing identity once and keeps it; an unknown organization is NotFound', async () => {
      const { service, organizations } = setUp();
      organizations.add({ id: 'p', kind: 'payer', name: 'P' });
      const spy = jest.spyOn(organizations, 'findWithSigningKey');
      const identity = await service.signingIdentity('p');
      expect(identity).toEqual({
        orgId: 'p',
        kind: 'payer',
        mspId: 'p',
        publicKeyPem: 'public key of p',
        privateKeyPem: 'private key of p',
      });
      await expect(service.signingIdentity('p')).resolves.toBe(identity);
      expect(spy).toHaveBeenCalledTimes(1);
      await expect(service.signingIdentity('nobody')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
