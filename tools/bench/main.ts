// The benchmark's services and entities are decorated for NestJS and TypeORM.
import 'reflect-metadata';
import { Command } from 'commander';
import { DEV_SECRETS_SWITCH } from '@claimtrail/claims/config/secrets';
import { configureBench, registerReconcileBenchCommand } from './bench.command';

/**
 * The benchmark, a development tool beside the product (`npm run bench -- [options]`, or
 * `node dist/tools/bench/main.js` after `npm run build`): the pipeline benchmark by default,
 * `reconcile` for a full reconciliation of a large ledger.
 */
export function buildBenchProgram(): Command {
  const program = new Command('bench')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) })
    // The benchmark's options and `reconcile`'s both have --out and --keep: each goes to whom it follows.
    .enablePositionalOptions()
    .option(
      '--dev-secrets',
      `use the public development secrets for any secret not set (the same as ${DEV_SECRETS_SWITCH}=1); ` +
        'for local development only, never for real data',
    )
    .hook('preAction', () => {
      // Set before the benchmark loads its configuration; the API and worker it starts inherit it.
      if (program.opts<{ devSecrets?: boolean }>().devSecrets) process.env[DEV_SECRETS_SWITCH] = '1';
    });
  configureBench(program);
  registerReconcileBenchCommand(program);
  return program;
}

if (require.main === module) {
  buildBenchProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
