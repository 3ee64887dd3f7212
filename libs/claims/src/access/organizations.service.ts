import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { generateSigningKeyPair, type SigningIdentity, type TrustedOrganization } from '@claimtrail/ledger';
import { OrganizationEntity, type OrganizationKind } from '../infra/entities';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { parseApiKey, secretMatches } from './api-keys';
import { firstKeyScopes, type ApiKeyScope } from './api-key-scopes';
import { insertApiKey } from './api-keys.service';
import type { Principal } from './principal';

export type { Principal } from './principal';

/** An API key's row as authentication needs it. */
interface StoredKey {
  id: string;
  hash: string;
  revoked: Date | null;
  org: string;
  kind: OrganizationKind;
  scopes: ApiKeyScope[];
}

/** Creates organizations with their signing identity and API keys, and authenticates keys. */
@Injectable()
export class OrganizationsService {
  private readonly signers = new Map<string, SigningIdentity>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Creates an organization and its first, admin-scoped API key, recorded as issued by `by` (null:
   * the command line); the key's token is returned once and never stored.
   */
  async create(
    kind: OrganizationKind,
    name: string,
    by: Principal | null = null,
  ): Promise<{ organization: OrganizationEntity; apiKey: string }> {
    const keys = generateSigningKeyPair();
    const id = randomUUID();
    const organization = this.db.getRepository(OrganizationEntity).create({
      id,
      kind,
      name,
      mspId: id,
      signingPublicKey: keys.publicKeyPem,
      signingPrivateKey: keys.privateKeyPem,
    });
    const apiKey = await this.db.transaction(async (em) => {
      await em.insert(OrganizationEntity, organization);
      return (await insertApiKey(em, id, 'default', firstKeyScopes(kind), by)).token;
    });
    const saved = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id });
    return { organization: saved, apiKey };
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
  private readonly keysByPrefix = new DataLoader<string, StoredKey | null>(
    async (prefixes) => {
      const rows = (await this.db.query(
        `SELECT k.prefix, k.id, k.secret_hash AS hash, k.revoked_at AS revoked, k.scopes, o.id AS org, o.kind
           FROM api_keys k JOIN organizations o ON o.id = k.organization_id
          WHERE k.prefix = ANY($1)`,
        [[...new Set(prefixes)]],
      )) as (StoredKey & { prefix: string })[];
      const byPrefix = new Map(rows.map((r) => [r.prefix, r]));
      return prefixes.map((p) => byPrefix.get(p) ?? null);
    },
    { cache: false, batchScheduleFn: (run) => setImmediate(run) },
  );

  /** An organization by id, or NotFound. */
  async get(id: string): Promise<OrganizationEntity> {
    const org = await this.db.getRepository(OrganizationEntity).findOneBy({ id });
    if (!org) throw new NotFoundError('organization');
    return org;
  }

  /**
   * Every organization's id, kind and registered ledger signing key: what a verifier pins in its
   * trust file and what `ledger check` holds each transaction's signature against.
   */
  async trustedOrganizations(): Promise<TrustedOrganization[]> {
    const rows = await this.db
      .getRepository(OrganizationEntity)
      .find({ select: { id: true, kind: true, signingPublicKey: true }, order: { id: 'ASC' } });
    return rows.map((o) => ({ id: o.id, kind: o.kind, publicKeyPem: o.signingPublicKey }));
  }

  /** The ledger signing identity of an organization (cached; identities never change in place). */
  async signingIdentity(orgId: string): Promise<SigningIdentity> {
    const cached = this.signers.get(orgId);
    if (cached) return cached;
    const org = await this.db
      .getRepository(OrganizationEntity)
      .createQueryBuilder('o')
      .addSelect('o.signingPrivateKey')
      .where('o.id = :orgId', { orgId })
      .getOne();
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
