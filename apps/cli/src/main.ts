import { Command } from 'commander';
import { DEV_SECRETS_SWITCH } from '@claimtrail/claims/config';
import { registerAccessLogCommands } from './access-log.command';
import { registerAuditCommand } from './audit.command';
import { registerDemoCommand } from './demo/demo.command';
import { registerKeysCommands } from './keys.command';
import { registerLedgerCommands } from './ledger.command';
import { registerOrgCommands } from './org.command';
import { registerReplayCommand } from './replay.command';
import { registerStartCommands } from './start.command';
import { registerTrustCommands } from './trust.command';
import { registerVerifyCommand } from './verify.command';

/**
 * The `claimtrail` command-line program. Registering a command costs only its name, options and
 * help: each loads its modules (NestJS, TypeORM, BullMQ, the Fabric client) when it runs, from its
 * `*.action.ts`, so that `claimtrail verify` or `--help` starts in a fraction of a second.
 */
export function buildProgram(): Command {
  const program = new Command('claimtrail')
    .description('claimtrail: health-insurance claims with a tamper-evident ledger trail')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) })
    .option(
      '--dev-secrets',
      `use the public development secrets for any secret not set (the same as ${DEV_SECRETS_SWITCH}=1); ` +
        'for local development only, never for real data',
    )
    .hook('preAction', () => {
      // Set before any command loads its configuration; the API and worker it starts inherit it.
      if (program.opts<{ devSecrets?: boolean }>().devSecrets) process.env[DEV_SECRETS_SWITCH] = '1';
    });
  registerStartCommands(program);
  registerOrgCommands(program);
  registerVerifyCommand(program);
  registerTrustCommands(program);
  registerLedgerCommands(program);
  registerReplayCommand(program);
  registerKeysCommands(program);
  registerAuditCommand(program);
  registerAccessLogCommands(program);
  registerDemoCommand(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`claimtrail: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
