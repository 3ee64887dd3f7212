import type { Transaction } from '../platform/transactions';
import type { ApiKeyScope } from './api-key-scopes';
import type { OrganizationKind } from './organizations.repository';

/** An API key as stored: a public prefix to find it and the SHA-256 of its secret, never the secret. */
export interface ApiKey {
  id: string;
  organizationId: string;
  prefix: string;
  secretHash: string;
  label: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  /** When it stops (or stopped) working; a rotated key's is the end of its grace period. */
  revokedAt: Date | null;
  /** The organization and key that issued it; null when issued from the command line. */
  issuedByOrganizationId: string | null;
  issuedByKeyId: string | null;
  /** The organization and key that revoked or rotated it; null while active or when done from the command line. */
  revokedByOrganizationId: string | null;
  revokedByKeyId: string | null;
}

/** A key as it is issued: everything but what the store assigns, not yet revoked. */
export type NewApiKey = Omit<
  ApiKey,
  'createdAt' | 'revokedAt' | 'revokedByOrganizationId' | 'revokedByKeyId'
>;

/** A key's revocation: when it takes effect and who did it. */
export type KeyRevocation = Pick<ApiKey, 'revokedAt' | 'revokedByOrganizationId' | 'revokedByKeyId'>;

/** A key's row as authentication needs it, with its organization. */
export interface KeyCredentials {
  prefix: string;
  id: string;
  hash: string;
  revoked: Date | null;
  org: string;
  kind: OrganizationKind;
  scopes: ApiKeyScope[];
}

/** API keys of organizations. */
export abstract class ApiKeysRepository {
  /** Stores a new key and returns it as stored. */
  abstract insert(tx: Transaction, key: NewApiKey): Promise<ApiKey>;
  /** Every key of an organization, newest first. */
  abstract listOf(organizationId: string): Promise<ApiKey[]>;
  /** A key of the organization; another organization's is not found. */
  abstract find(tx: Transaction, organizationId: string, keyId: string): Promise<ApiKey | null>;
  /** A key of the organization, locked until the transaction ends. */
  abstract lock(tx: Transaction, organizationId: string, keyId: string): Promise<ApiKey | null>;
  /** Sets when a key stops working and who decided it. */
  abstract revoke(tx: Transaction, keyId: string, revocation: KeyRevocation): Promise<void>;
  /** The organization's active keys (unrevoked or in their grace period, by the database's clock), of one scope or all. */
  abstract countActive(tx: Transaction, organizationId: string, scope?: ApiKeyScope): Promise<number>;
  /** The keys with these prefixes, with their organizations, read in one query. */
  abstract credentialsByPrefix(prefixes: readonly string[]): Promise<KeyCredentials[]>;
}
