import { Command, Option } from 'commander';
import type { DataSource } from 'typeorm';
import { AccessLogWriter } from '@claimtrail/claims/access/access-log/access-log-writer';
import { keyEvent } from '@claimtrail/claims/access/access-log/key-event';
import { parseApiKey } from '@claimtrail/claims/access/api-keys';
import { ApiKeysService } from '@claimtrail/claims/access/api-keys.service';
import {
  accessLogWriterOn,
  apiKeysServiceOn,
  organizationsServiceOn,
} from '@claimtrail/claims/infra/repositories/access-on-data-source';
import { COMMAND_LINE } from '@claimtrail/claims/access/principal';
import { loadConfig } from '@claimtrail/claims/config/app-config';
import type { OrganizationKind } from '@claimtrail/claims/infra/entities';
import { withDatabase } from './database';

/** `claimtrail org create`: bootstraps organizations and their first API key. */
export function registerOrgCommands(program: Command): void {
  const org = program.command('org').description('manage organizations');
  org
    .command('create')
    .description('create an organization and print its id and first API key (shown once)')
    .addOption(
      new Option('--kind <kind>', 'organization kind')
        .choices(['payer', 'provider', 'funder', 'operator'])
        .makeOptionMandatory(),
    )
    .requiredOption('--name <name>', 'display name')
    .option('--json', 'print JSON instead of text')
    .action(async (opts: { kind: OrganizationKind; name: string; json?: boolean }) => {
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
    });

  registerKeyCommands(org);
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

/**
 * `claimtrail org keys list|revoke|recover`: API keys of an organization. The command line acts as the
 * operator, which creates an organization with its first key and may revoke keys but never issues
 * or rotates keys of an existing organization: its own admin key does (POST /v1/organizations/:id/keys).
 * `recover` is the one exception, for an organization left without an admin key.
 */
function registerKeyCommands(org: Command): void {
  const keys = org.command('keys').description("manage an organization's API keys");
  keys
    .command('list')
    .description('list the keys of an organization (never their secrets)')
    .requiredOption('--org <id>', 'organization id')
    .action(async (opts: { org: string }) =>
      print(await withKeys((keys) => keys.list(COMMAND_LINE, opts.org))),
    );
  keys
    .command('revoke')
    .description('revoke a key at once')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--key <keyId>', 'key id')
    .action(async (opts: { org: string; key: string }) =>
      print(await withKeys((keys) => keys.revoke(COMMAND_LINE, opts.org, opts.key))),
    );
  keys
    .command('recover')
    .description(
      'issue an admin key to an organization left without one (its last was revoked); printed once',
    )
    .requiredOption('--org <id>', 'organization id')
    .action(async (opts: { org: string }) => print(await withKeys((keys) => keys.recoverAdminKey(opts.org))));
}
