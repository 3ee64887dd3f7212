import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { type Transaction, Transactions } from '../platform/transactions';
import {
  allowedScopes,
  DEFAULT_SCOPES,
  firstKeyScopes,
  sortScopes,
  type ApiKeyScope,
} from './api-key-scopes';
import { AppError, AppErrorCode, NotFoundError } from '../common/app.errors';
import { type ApiKey, ApiKeysRepository } from './api-keys.repository';
import { AccessLogWriter } from './access-log/access-log-writer';
import { keyEvent } from './access-log/key-event';
import { issueApiKey } from './api-keys';
import { type Organization, OrganizationsRepository } from './organizations.repository';
import { actorOf, COMMAND_LINE, type Principal } from './principal';
import type { ApiKeyView } from '../common/api-views';

export type { ApiKeyView, KeyActor } from '../common/api-views';

const view = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  prefix: k.prefix,
  label: k.label,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  issuedBy: { organizationId: k.issuedByOrganizationId, keyId: k.issuedByKeyId },
  revokedAt: k.revokedAt?.toISOString() ?? null,
  revokedBy: k.revokedAt ? { organizationId: k.revokedByOrganizationId, keyId: k.revokedByKeyId } : null,
});

/** Issues a key for an organization inside the caller's transaction; its token exists only in the result. */
export async function insertApiKey(
  keys: ApiKeysRepository,
  tx: Transaction,
  organizationId: string,
  label: string,
  scopes: readonly ApiKeyScope[],
  issuedBy: Principal | null,
): Promise<{ key: ApiKey; token: string }> {
  const issued = issueApiKey();
  const actor = actorOf(issuedBy);
  const key = await keys.insert(tx, {
    id: randomUUID(),
    organizationId,
    prefix: issued.prefix,
    secretHash: issued.secretHash,
    label,
    scopes: sortScopes(scopes),
    issuedByOrganizationId: actor.organizationId,
    issuedByKeyId: actor.keyId,
  });
  return { key, token: issued.token };
}

const isActive = (k: ApiKey, now = new Date()) => !k.revokedAt || k.revokedAt > now;
const forbidden = (message: string) => new AppError(AppErrorCode.Forbidden, message);

/**
 * An organization's API keys. Its admin-scoped keys list, issue, rotate and revoke them; any key
 * may rotate or revoke itself. The operator creates organizations with their first key (see
 * OrganizationsService) and may list and revoke any organization's keys, but issues and rotates
 * only its own.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly transactions: Transactions,
    private readonly organizations: OrganizationsRepository,
    private readonly keys: ApiKeysRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'MAX_KEYS_PER_ORGANIZATION'>,
    // Absent on the command line, whose key changes are not in the access log.
    @Optional() private readonly audit?: AccessLogWriter,
  ) {}

  /** Every key of the organization, newest first. */
  async list(principal: Principal, orgId: string): Promise<ApiKeyView[]> {
    await this.assertVisible(principal, orgId);
    this.assertAdmin(principal, 'list keys');
    return (await this.keys.listOf(orgId)).map(view);
  }

  /** Issues a new key with `scopes` (default: its kind's); the token is returned once. */
  async create(
    principal: Principal,
    orgId: string,
    label: string,
    scopes?: readonly ApiKeyScope[],
  ): Promise<ApiKeyView & { apiKey: string }> {
    const org = await this.assertVisible(principal, orgId);
    this.assertOwn(principal, orgId, 'issues');
    this.assertAdmin(principal, 'issue keys');
    const granted = scopes ?? DEFAULT_SCOPES[org.kind];
    const refused = granted.filter((s) => !allowedScopes(org.kind).includes(s));
    if (refused.length > 0) {
      throw new AppError(AppErrorCode.InvalidScopes, `a ${org.kind} key cannot hold ${refused.join(', ')}`, [
        { field: 'scopes', rule: `must be among ${allowedScopes(org.kind).join(', ')}` },
      ]);
    }
    const issued = await this.transactions.run(async (tx) => {
      await this.assertRoomForKey(tx, orgId);
      const { key, token } = await insertApiKey(this.keys, tx, orgId, label, granted, principal);
      return { ...view(key), apiKey: token };
    });
    this.audit?.record(keyEvent('key_issued', principal, [issued.id], orgId, 'api-keys.create'));
    return issued;
  }

  /** Revokes a key at once (also one in its grace period). */
  async revoke(principal: Principal, orgId: string, keyId: string): Promise<ApiKeyView> {
    await this.assertVisible(principal, orgId);
    if (keyId !== principal.keyId) this.assertAdmin(principal, 'revoke other keys');
    const revoked = await this.transactions.run(async (tx) => {
      await this.organizations.lock(tx, orgId);
      const key = await this.keys.find(tx, orgId, keyId);
      if (!key || !isActive(key)) throw new NotFoundError('active API key');
      // The operator may (a stolen key is revoked whatever it leaves); the organization itself may
      // not lock itself out of managing its keys.
      if (
        principal.orgId === orgId &&
        key.scopes.includes('admin') &&
        (await this.adminKeys(tx, orgId)) <= 1
      ) {
        throw new AppError(
          AppErrorCode.LastAdminKey,
          "this is the organization's last admin-scoped key; issue another admin key before revoking it",
          [{ field: 'keyId', rule: "must not be the organization's last active admin key" }],
        );
      }
      return view(await this.revokeAt(tx, key, new Date(), principal));
    });
    this.audit?.record(keyEvent('key_revoked', principal, [revoked.id], orgId, 'api-keys.revoke'));
    return revoked;
  }

  /**
   * Issues a new admin key to an organization left without an active one (its last was revoked by
   * the operator): the command line's recovery, recorded as issued by nobody's key. Refused while
   * the organization has an admin key, so it never becomes a way to act as an organization.
   */
  async recoverAdminKey(orgId: string): Promise<ApiKeyView & { apiKey: string }> {
    const org = await this.assertVisible(COMMAND_LINE, orgId);
    const recovered = await this.transactions.run(async (tx) => {
      await this.organizations.lock(tx, orgId);
      if ((await this.adminKeys(tx, orgId)) > 0) {
        throw new AppError(
          AppErrorCode.AdminKeyExists,
          'the organization still has an active admin key; it issues its own keys',
        );
      }
      const { key, token } = await insertApiKey(
        this.keys,
        tx,
        orgId,
        'recovery',
        firstKeyScopes(org.kind),
        null,
      );
      return { ...view(key), apiKey: token };
    });
    this.audit?.record(keyEvent('key_issued', COMMAND_LINE, [recovered.id], orgId, 'api-keys.recover'));
    return recovered;
  }

  private adminKeys(tx: Transaction, orgId: string): Promise<number> {
    return this.keys.countActive(tx, orgId, 'admin');
  }

  // Revokes a key from `at`, by `principal`; the key as it is now stored.
  private async revokeAt(tx: Transaction, key: ApiKey, at: Date, principal: Principal): Promise<ApiKey> {
    const actor = actorOf(principal);
    const revocation = {
      revokedAt: at,
      revokedByOrganizationId: actor.organizationId,
      revokedByKeyId: actor.keyId,
    };
    await this.keys.revoke(tx, key.id, revocation);
    return { ...key, ...revocation };
  }

  /**
   * Issues a replacement with the same label and scopes and revokes the old key after
   * `graceSeconds` (0: at once). A key already in its grace period is not rotated again: its
   * replacement is, so no key outlives one grace period by rotating itself.
   */
  async rotate(principal: Principal, orgId: string, keyId: string, graceSeconds: number) {
    await this.assertVisible(principal, orgId);
    this.assertOwn(principal, orgId, 'rotates');
    if (keyId !== principal.keyId) this.assertAdmin(principal, 'rotate other keys');
    const rotated = await this.transactions.run(async (tx) => {
      const old = await this.keys.lock(tx, orgId, keyId);
      const now = new Date();
      if (!old || !isActive(old, now)) throw new NotFoundError('active API key');
      if (old.revokedAt) {
        throw new AppError(
          AppErrorCode.KeyInGracePeriod,
          `this key is in its rotation grace period until ${old.revokedAt.toISOString()}; rotate its replacement instead`,
          [{ field: 'keyId', rule: 'must not be in its rotation grace period' }],
        );
      }
      const previous = await this.revokeAt(tx, old, new Date(now.getTime() + graceSeconds * 1000), principal);
      // A rotation replaces a key rather than adding one: it is not held to the cap.
      const { key, token } = await insertApiKey(this.keys, tx, orgId, old.label, old.scopes, principal);
      return { previous: view(previous), current: { ...view(key), apiKey: token } };
    });
    const ids = [rotated.previous.id, rotated.current.id];
    this.audit?.record(keyEvent('key_rotated', principal, ids, orgId, 'api-keys.rotate'));
    return rotated;
  }

  // The organization row is locked so that concurrent issues cannot overshoot the cap together.
  private async assertRoomForKey(tx: Transaction, orgId: string): Promise<void> {
    await this.organizations.lock(tx, orgId);
    const n = await this.keys.countActive(tx, orgId);
    const max = this.config.MAX_KEYS_PER_ORGANIZATION;
    if (n >= max) {
      throw new AppError(
        AppErrorCode.KeyLimitReached,
        `the organization already holds ${n} active API keys; revoke one before issuing another`,
        [
          {
            field: 'organization',
            rule: `may hold at most ${max} active API keys (MAX_KEYS_PER_ORGANIZATION)`,
          },
        ],
      );
    }
  }

  private assertAdmin(principal: Principal, action: string): void {
    if (!principal.scopes.includes('admin'))
      throw forbidden(`an admin-scoped API key is needed to ${action}`);
  }

  // The operator creates an organization with its first key; it never issues or rotates keys of one
  // that exists, which would let it act as that organization.
  private assertOwn(principal: Principal, orgId: string, what: string): void {
    if (principal.orgId !== orgId) {
      throw forbidden(
        `the operator ${what} keys of its own organization only; an organization's admin key ${what} its keys`,
      );
    }
  }

  // Another tenant's organization answers 404, exactly like one that does not exist.
  private async assertVisible(principal: Principal, orgId: string): Promise<Organization> {
    if (principal.kind !== 'operator' && principal.orgId !== orgId) throw new NotFoundError('organization');
    const org = await this.organizations.find(orgId);
    if (!org) throw new NotFoundError('organization');
    return org;
  }
}
