import { Command, Option } from 'commander';
import type { CreateOrganizationOptions } from './org.action';

const action = () => require('./org.action') as typeof import('./org.action');

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
    .action((opts: CreateOrganizationOptions) => action().createOrganization(opts));

  registerKeyCommands(org);
}

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
    .action((opts: { org: string }) => action().listKeys(opts.org));
  keys
    .command('revoke')
    .description('revoke a key at once')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--key <keyId>', 'key id')
    .action((opts: { org: string; key: string }) => action().revokeKey(opts.org, opts.key));
  keys
    .command('recover')
    .description(
      'issue an admin key to an organization left without one (its last was revoked); printed once',
    )
    .requiredOption('--org <id>', 'organization id')
    .action((opts: { org: string }) => action().recoverAdminKey(opts.org));
}
