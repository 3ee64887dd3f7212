import {
  type NewOrganization,
  type Organization,
  type OrganizationPublicKey,
  type OrganizationWithSigningKey,
  OrganizationsRepository,
} from '../access/organizations.repository';
import type { Transaction } from '../platform/transactions';

/** Organizations in memory, for the use cases' specs. */
export class InMemoryOrganizationsRepository extends OrganizationsRepository {
  readonly organizations = new Map<string, OrganizationWithSigningKey>();
  /** What the use cases did, in order (`lock <id>`), for specs that check lock ordering. */
  readonly journal: string[];

  constructor(
    private readonly now: () => Date = () => new Date(),
    journal: string[] = [],
  ) {
    super();
    this.journal = journal;
  }

  /** Adds an organization directly, as a spec's starting state. */
  add(organization: Omit<NewOrganization, 'mspId' | 'signingPublicKey' | 'signingPrivateKey'>): Organization {
    const stored = {
      mspId: organization.id,
      signingPublicKey: `public key of ${organization.id}`,
      signingPrivateKey: `private key of ${organization.id}`,
      ...organization,
      createdAt: this.now(),
    };
    this.organizations.set(stored.id, stored);
    return withoutPrivateKey(stored);
  }

  insert(_tx: Transaction, organization: NewOrganization): Promise<void> {
    if (this.organizations.has(organization.id)) {
      return Promise.reject(new Error(`organization ${organization.id} exists`));
    }
    this.organizations.set(organization.id, { ...organization, createdAt: this.now() });
    return Promise.resolve();
  }

  find(id: string): Promise<Organization | null> {
    const org = this.organizations.get(id);
    return Promise.resolve(org ? withoutPrivateKey(org) : null);
  }

  findWithSigningKey(id: string): Promise<OrganizationWithSigningKey | null> {
    const org = this.organizations.get(id);
    return Promise.resolve(org ? { ...org } : null);
  }

  publicKeys(): Promise<OrganizationPublicKey[]> {
    return Promise.resolve(
      [...this.organizations.values()]
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(({ id, kind, signingPublicKey }) => ({ id, kind, signingPublicKey })),
    );
  }

  firstOperatorId(): Promise<string | null> {
    const [first] = [...this.organizations.values()]
      .filter((o) => o.kind === 'operator')
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    return Promise.resolve(first?.id ?? null);
  }

  lock(_tx: Transaction, id: string): Promise<void> {
    this.journal.push(`lock organization ${id}`);
    return Promise.resolve();
  }
}

function withoutPrivateKey(org: OrganizationWithSigningKey): Organization {
  const { signingPrivateKey: _key, ...rest } = org;
  return rest;
}
