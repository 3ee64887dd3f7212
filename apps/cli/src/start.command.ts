import type { Command } from 'commander';

const action = () => require('./start.action') as typeof import('./start.action');

/** `claimtrail migrate` and `claimtrail start` (migrate, then run the API and the worker). */
export function registerStartCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() => action().migrateCommand());

  program
    .command('start')
    .description('apply pending migrations, then run the API and the worker until stopped')
    .action(() => action().start());
}
