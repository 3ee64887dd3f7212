import type { ApiKeyScope } from '../access/api-key-scopes';
import {
  type ApiKey,
  ApiKeysRepository,
  type KeyCredentials,
  type KeyRevocation,
  type NewApiKey,
} from '../access/api-keys.repository';
import type { OrganizationKind } from '../access/organizations.repository';
import type { Transaction } from '../platform/transactions';

/** API keys in memory, for the use cases' specs. */
export class InMemoryApiKeysRepository extends ApiKeysRepository {
  readonly keys = new Map<string, ApiKey>();
  /** How many queries read credentials, for specs that check authentications are batched. */
  credentialQueries = 0;
  /** What the use cases did, in order (`lock key <id>`), for specs that check lock ordering. */
  readonly journal: string[];

  /**
   * @param kindOf the kind of an organization, as the join with organizations would find it
   *   (undefined: there is no such organization, and its keys are not found)
   */
  constructor(
    private readonly kindOf: (organizationId: string) => OrganizationKind | undefined,
    private readonly now: () => Date = () => new Date(),
    journal: string[] = [],
  ) {
    super();
    this.journal = journal;
  }

  insert(_tx: Transaction, key: NewApiKey): Promise<ApiKey> {
    if ([...this.keys.values()].some((k) => k.id === key.id || k.prefix === key.prefix)) {
      return Promise.reject(new Error(`key ${key.id} (${key.prefix}) exists`));
    }
    // Distinct creation times, so that "newest first" is one order.
    const latest = Math.max(0, ...[...this.keys.values()].map((k) => k.createdAt.getTime()));
    const stored: ApiKey = {
      ...key,
      scopes: [...key.scopes],
      createdAt: new Date(Math.max(this.now().getTime(), latest + 1)),
      revokedAt: null,
      revokedByOrganizationId: null,
      revokedByKeyId: null,
    };
    this.keys.set(key.id, stored);
    return Promise.resolve({ ...stored });
  }

  listOf(organizationId: string): Promise<ApiKey[]> {
    return Promise.resolve(
      [...this.keys.values()]
        .filter((k) => k.organizationId === organizationId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((k) => ({ ...k })),
    );
  }

  find(_tx: Transaction, organizationId: string, keyId: string): Promise<ApiKey | null> {
    const key = this.keys.get(keyId);
    return Promise.resolve(key && key.organizationId === organizationId ? { ...key } : null);
  }

  lock(tx: Transaction, organizationId: string, keyId: string): Promise<ApiKey | null> {
    this.journal.push(`lock key ${keyId}`);
    return this.find(tx, organizationId, keyId);
  }

  revoke(_tx: Transaction, keyId: string, revocation: KeyRevocation): Promise<void> {
    const key = this.keys.get(keyId);
    if (key) Object.assign(key, revocation);
    return Promise.resolve();
  }

  countActive(_tx: Transaction, organizationId: string, scope?: ApiKeyScope): Promise<number> {
    const now = this.now();
    return Promise.resolve(
      [...this.keys.values()].filter(
        (k) =>
          k.organizationId === organizationId &&
          (scope === undefined || k.scopes.includes(scope)) &&
          (k.revokedAt === null || k.revokedAt > now),
      ).length,
    );
  }

  credentialsByPrefix(prefixes: readonly string[]): Promise<KeyCredentials[]> {
    this.credentialQueries += 1;
    const wanted = new Set(prefixes);
    const found: KeyCredentials[] = [];
    for (const k of this.keys.values()) {
      const kind = this.kindOf(k.organizationId);
      if (!wanted.has(k.prefix) || kind === undefined) continue;
      found.push({
        prefix: k.prefix,
        id: k.id,
        hash: k.secretHash,
        revoked: k.revokedAt,
        org: k.organizationId,
        kind,
        scopes: [...k.scopes],
      });
    }
    return Promise.resolve(found);
  }
}
