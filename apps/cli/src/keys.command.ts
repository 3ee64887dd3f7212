import type { Command } from 'commander';

/** `claimtrail keys rotate-phi`: re-encrypts stored PHI under the first key of PHI_KEYS. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('manage encryption keys');
  keys
    .command('rotate-phi')
    .description(
      're-encrypt every encrypted column under the first key of PHI_KEYS; ' +
        'an old key may be removed once every column reports 0 remaining',
    )
    .option('--batch-size <rows>', 'rows per UPDATE', '500')
    .action((opts: { batchSize: string }) =>
      (require('./keys.action') as typeof import('./keys.action')).rotatePhiKeys(opts),
    );
}
