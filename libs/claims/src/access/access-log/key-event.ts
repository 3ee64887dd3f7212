import type { AccessLogEntry } from '../../domain/access-log-chain';
import { actorOf, type Principal } from '../principal';

/** What happened to a key. */
export type KeyEventAction = 'key_issued' | 'key_rotated' | 'key_revoked';

/**
 * The access-log entry of a key event: who (the acting organization and key; null for the command
 * line), which keys (for a rotation the old one, then its replacement) of which organization.
 */
export function keyEvent(
  action: KeyEventAction,
  actor: Principal | null,
  keyIds: string[],
  organizationId: string,
  operation: string,
): AccessLogEntry {
  // The command line (database access) is recorded as nobody's organization and key.
  const who = actorOf(actor);
  return {
    at: new Date().toISOString(),
    action,
    organizationId: who.organizationId,
    apiKeyId: who.keyId,
    userId: null,
    method: 'EVENT',
    route: operation,
    status: 200,
    subjectIds: keyIds,
    subjectCount: null,
    cursor: null,
    clientAddress: null,
    keyPrefix: null,
    requestId: null,
    detail: { organizationId },
  };
}
