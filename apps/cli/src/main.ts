import 'reflect-metadata';
import { Command } from 'commander';
import { registerAuditCommand } from './audit.command';
import { registerBenchCommand } from './bench/bench.command';
import { registerDemoCommand } from './demo/demo.command';
import { registerKeysCommands } from './keys.command';
import { registerLedgerCommands } from './ledger.command';
import { registerOrgCommands } from './org.command';
import { registerReplayCommand } from './replay.command';
import { registerStartCommands } from './start.command';
import { registerVerifyCommand } from './verify.command';

/** The `claimtrail` command-line program. */
export function buildProgram(): Command {
  const program = new Command('claimtrail')
    .description('claimtrail: health-insurance claims with a tamper-evident ledger trail')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  registerStartCommands(program);
  registerOrgCommands(program);
  registerVerifyCommand(program);
  registerLedgerCommands(program);
  registerReplayCommand(program);
  registerKeysCommands(program);
  registerAuditCommand(program);
  registerDemoCommand(program);
  registerBenchCommand(program);
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
