import type { OrganizationKind } from './organizations.repository';
import type { ApiKeyScope } from './api-key-scopes';

/** The caller an API key identifies. */
export interface Principal {
  orgId: string;
  kind: OrganizationKind;
  keyId: string;
  scopes: readonly ApiKeyScope[];
}

/**
 * The command line, which acts as the operator with database access: what it issues or revokes
 * records no acting key (null), since it used none.
 */
export const COMMAND_LINE: Principal = {
  orgId: '00000000-0000-4000-8000-000000000000',
  kind: 'operator',
  keyId: '',
  scopes: ['admin'],
};

/** The organization and key recorded as having done something; null for the command line. */
export const actorOf = (p: Principal | null): { organizationId: string | null; keyId: string | null } =>
  p && p !== COMMAND_LINE
    ? { organizationId: p.orgId, keyId: p.keyId }
    : { organizationId: null, keyId: null };
