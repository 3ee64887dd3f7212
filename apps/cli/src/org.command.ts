import { Command, Option } from 'commander';
import { OrganizationsService } from '@claimtrail/claims/application/organizations.service';
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
}
