import type { Transaction } from '../platform/transactions';

/** Organization kinds; each maps to a role in the API and on the ledger. */
export type OrganizationKind = 'payer' | 'provider' | 'funder' | 'operator';

/** A payer, provider, funder or the platform operator, with its published ledger signing key. */
export interface Organization {
  id: string;
  kind: OrganizationKind;
  name: string;
  mspId: string;
  signingPublicKey: string;
  createdAt: Date;
}

/** An organization with its private signing key (PKCS#8 PEM), read only to sign ledger records. */
export interface OrganizationWithSigningKey extends Organization {
  signingPrivateKey: string;
}

/** An organization as it is created: everything but what the store assigns. */
export type NewOrganization = Omit<OrganizationWithSigningKey, 'createdAt'>;

/** An organization's entry in a verifier's trust file. */
export interface OrganizationPublicKey {
  id: string;
  kind: OrganizationKind;
  signingPublicKey: string;
}

/** Organizations and their signing identities. */
export abstract class OrganizationsRepository {
  abstract insert(tx: Transaction, organization: NewOrganization): Promise<void>;
  /** An organization without its private key; null when there is none. */
  abstract find(id: string): Promise<Organization | null>;
  /** An organization with its private signing key; null when there is none. */
  abstract findWithSigningKey(id: string): Promise<OrganizationWithSigningKey | null>;
  /** Every organization's public key, by id. */
  abstract publicKeys(): Promise<OrganizationPublicKey[]>;
  /** The platform's operator: the first created (then lowest id); null before there is one. */
  abstract firstOperatorId(): Promise<string | null>;
  /**
   * Locks the organization's row until the transaction ends: key changes of one organization take
   * it in turn, so that counts of its keys stay true until commit.
   */
  abstract lock(tx: Transaction, id: string): Promise<void>;
}
