import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { generateSigningKeyPair, type SigningIdentity, type TrustedOrganization } from '@claimtrail/ledger';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { Transactions } from '../platform/transactions';
import { parseApiKey, secretMatches } from './api-keys';
import { firstKeyScopes } from './api-key-scopes';
import { ApiKeysRepository, type KeyCredentials } from './api-keys.repository';
import { insertApiKey } from './api-keys.service';
import {
  type Organization,
  type OrganizationKind,
  OrganizationsRepository,
} from './organizations.repository';
import type { Principal } from './principal';

export type { Principal } from './principal';

/** Creates organizations with their signing identity and API keys, and authenticates keys. */
@Injectable()
export class OrganizationsService {
  private readonly signers = new Map<string, SigningIdentity>();

  constructor(
    private readonly transactions: Transactions,
    private readonly organizations: OrganizationsRepository,
    private readonly keys: ApiKeysRepository,
  ) {}

  /**
   * Creates an organization and its first, admin-scoped API key, recorded as issued by `by` (null:
   * the command line); the key's token is returned once and never stored.
   */
  async create(
    kind: OrganizationKind,
    name: string,
    by: Principal | null = null,
  ): Promise<{ organization: Organization; apiKey: string }> {
    const pair = generateSigningKeyPair();
    const id = randomUUID();
    const apiKey = await this.transactions.run(async (tx) => {
      await this.organizations.insert(tx, {
        id,
        kind,
        name,
        mspId: id,
        signingPublicKey: pair.publicKeyPem,
        signingPrivateKey: pair.privateKeyPem,
      });
      return (await insertApiKey(this.keys, tx, id, 'default', firstKeyScopes(kind), by)).token;
    });
    return { organization: await this.get(id), apiKey };
  }

  /** Resolves a bearer token to its organization; throws Unauthenticated for anything else. */
  async authenticate(token: string | undefined): Promise<Principal> {
    const parsed = token ? parseApiKey(token) : null;
    const fail = () => new AppError(AppErrorCode.Unauthenticated, 'a valid API key is required');
    if (!parsed) throw fail();
    const row = await this.keysByPrefix.load(parsed.prefix);
    // A rotated key keeps working until the end of its grace period.
    if (!row || (row.revoked && row.revoked <= new Date()) || !secretMatches(parsed.secret, row.hash))
      throw fail();
    return { orgId: row.org, kind: row.kind, keyId: row.id, scopes: row.scopes };
  }

  /**
   * Key rows by prefix, read fresh for every request (a revocation takes effect at once) but for
   * all requests of one turn of the event loop in one query, not one query each.
   */
  private readonly keysByPrefix = new DataLoader<string, KeyCredentials | null>(
    async (prefixes) => {
      const rows = await this.keys.credentialsByPrefix(prefixes);
      const byPrefix = new Map(rows.map((r) => [r.prefix, r]));
      return prefixes.map((p) => byPrefix.get(p) ?? null);
    },
    { cache: false, batchScheduleFn: (run) => setImmediate(run) },
  );

  /** An organization by id, or NotFound. */
  async get(id: string): Promise<Organization> {
    const org = await this.organizations.find(id);
    if (!org) throw new NotFoundError('organization');
    return org;
  }

  /**
   * Every organization's id, kind and registered ledger signing key: what a verifier pins in its
   * trust file and what `ledger check` holds each transaction's signature against.
   */
  async trustedOrganizations(): Promise<TrustedOrganization[]> {
    const rows = await this.organizations.publicKeys();
    return rows.map((o) => ({ id: o.id, kind: o.kind, publicKeyPem: o.signingPublicKey }));
  }

  /** The ledger signing identity of an organization (cached; identities never change in place). */
  async signingIdentity(orgId: string): Promise<SigningIdentity> {
    const cached = this.signers.get(orgId);
    if (cached) return cached;
    const org = await this.organizations.findWithSigningKey(orgId);
    if (!org) throw new NotFoundError('organization');
    const identity: SigningIdentity = {
      orgId: org.id,
      kind: org.kind,
      mspId: org.mspId,
      publicKeyPem: org.signingPublicKey,
      privateKeyPem: org.signingPrivateKey,
    };
    this.signers.set(orgId, identity);
    return identity;
  }
}
