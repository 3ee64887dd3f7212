import { Command, Option } from 'commander';
import { ApiKeysService } from '@claimtrail/claims/application/api-keys.service';
import { OrganizationsService, type Principal } from '@claimtrail/claims/application/organizations.service';
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
      const { organization, apiKey } = await withDatabase((db) =>
        new OrganizationsService(db).create(opts.kind, name),
      );
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

// Whoever can reach the database holds the operator's power; the CLI acts as the operator.
const CLI_OPERATOR: Principal = {
  orgId: '00000000-0000-4000-8000-000000000000',
  kind: 'operator',
  keyId: '',
};

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** `claimtrail org keys list|create|revoke|rotate`: API keys of an organization. */
function registerKeyCommands(org: Command): void {
  const keys = org.command('keys').description("manage an organization's API keys");
  keys
    .command('list')
    .description('list the keys of an organization (never their secrets)')
    .requiredOption('--org <id>', 'organization id')
    .action(async (opts: { org: string }) =>
      print(await withDatabase((db) => new ApiKeysService(db).list(CLI_OPERATOR, opts.org))),
    );
  keys
    .command('create')
    .description('issue a new key; it is printed once')
    .requiredOption('--org <id>', 'organization id')
    .option('--label <label>', 'what the key is for', 'default')
    .action(async (opts: { org: string; label: string }) =>
      print(await withDatabase((db) => new ApiKeysService(db).create(CLI_OPERATOR, opts.org, opts.label))),
    );
  keys
    .command('revoke')
    .description('revoke a key at once')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--key <keyId>', 'key id')
    .action(async (opts: { org: string; key: string }) =>
      print(await withDatabase((db) => new ApiKeysService(db).revoke(CLI_OPERATOR, opts.org, opts.key))),
    );
  keys
    .command('rotate')
    .description('issue a replacement key and revoke the old one after a grace period')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--key <keyId>', 'key id')
    .option(
      '--grace <seconds>',
      'seconds the old key keeps working (0-86400)',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 86_400)
          throw new Error('--grace must be a whole number from 0 to 86400');
        return n;
      },
      0,
    )
    .action(async (opts: { org: string; key: string; grace: number }) =>
      print(
        await withDatabase((db) =>
          new ApiKeysService(db).rotate(CLI_OPERATOR, opts.org, opts.key, opts.grace),
        ),
      ),
    );
}
