import type { Command } from 'commander';

/** `claimtrail access-log verify`: re-checks the access log's hash chain and its ledger anchors. */
export function registerAccessLogCommands(program: Command): void {
  const log = program.command('access-log').description('the audit trail of reads, refusals and key events');
  log
    .command('verify')
    .description(
      "re-check every row's sequence, link and hash, and every ledger anchor of the head; exits 1 naming the first bad row",
    )
    .action(() => (require('./access-log.action') as typeof import('./access-log.action')).verifyAccessLog());
}
