import type { DataSource } from 'typeorm';
import {
  AccessLogWriter,
  keyEvent,
  parseApiKey,
  ApiKeysService,
  accessLogWriterOn,
  apiKeysServiceOn,
  organizationsServiceOn,
  COMMAND_LINE,
  type OrganizationKind,
} from '@claimtrail/claims';
import { loadConfig } from '@claimtrail/claims/config';
import { withDatabase } from './database';

/** What `claimtrail org create` was given. */
export interface CreateOrganizationOptions {
  kind: OrganizationKind;
  name: string;
  json?: boolean;
}

/** `claimtrail org create`: creates an organization and prints its id and first API key. */
export async function createOrganization(opts: CreateOrganizationOptions): Promise<void> {
  const name = opts.name.trim();
  if (!name) throw new Error('--name must not be empty');
  const { organization, apiKey } = await withAccessLog(async (db, audit) => {
    const created = await organizationsServiceOn(db).create(opts.kind, name);
    const event = keyEvent(
      'key_issued',
      COMMAND_LINE,
      [created.organization.id],
      created.organization.id,
      'organizations.create',
    );
    audit.record({
      ...event,
      detail: { ...event.detail, keyPrefix: parseApiKey(created.apiKey)?.prefix ?? '' },
    });
    return created;
  });
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ id: organization.id, kind: organization.kind, name: organization.name, apiKey })}\n`,
    );
    return;
  }
  process.stdout.write(
    `organization ${organization.id} (${organization.kind}) "${organization.name}"\n` +
      `api key      ${apiKey}\n` +
      'The API key is shown only this once; only its hash is stored.\n',
  );
}

/** `claimtrail org keys list`: the keys of an organization, never their secrets. */
export async function listKeys(orgId: string): Promise<void> {
  print(await withKeys((keys) => keys.list(COMMAND_LINE, orgId)));
}

/** `claimtrail org keys revoke`: revokes a key at once. */
export async function revokeKey(orgId: string, keyId: string): Promise<void> {
  print(await withKeys((keys) => keys.revoke(COMMAND_LINE, orgId, keyId)));
}

/** `claimtrail org keys recover`: an admin key for an organization left without one. */
export async function recoverAdminKey(orgId: string): Promise<void> {
  print(await withKeys((keys) => keys.recoverAdminKey(orgId)));
}

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/**
 * Runs `use` on the database with an access-log writer, flushed before the command ends: key
 * changes made from the command line are in the access log too, as nobody's organization and key.
 */
async function withAccessLog<T>(use: (db: DataSource, audit: AccessLogWriter) => Promise<T>): Promise<T> {
  return withDatabase(async (db) => {
    const audit = accessLogWriterOn(db, loadConfig());
    try {
      return await use(db, audit);
    } finally {
      await audit.flush();
    }
  });
}

/** Runs `use` with the command line's keys service, whose key events reach the access log. */
const withKeys = <T>(use: (keys: ApiKeysService) => Promise<T>): Promise<T> =>
  withAccessLog((db, audit) => use(apiKeysServiceOn(db, loadConfig(), audit)));
