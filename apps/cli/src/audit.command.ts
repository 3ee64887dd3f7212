import type { Command } from 'commander';
import type { AuditOptions } from './audit.action';

/** `claimtrail audit <fundId>`: compares the API's fund report with one rebuilt from the ledger. */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description(
      "rebuild a fund's report from ledger records alone and compare it with the API's, and check each " +
        "claim's decision, payment and allocation records against each other; exits 1 naming every claim that fails",
    )
    .argument('<fundId>', 'fund id')
    .option(
      '--api-url <url>',
      'the claimtrail API (default: CLAIMTRAIL_API_URL, or this machine on PORT, 3000 when unset)',
      process.env.CLAIMTRAIL_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`,
    )
    .option('--api-key <key>', "the funder's API key (or CLAIMTRAIL_API_KEY)", process.env.CLAIMTRAIL_API_KEY)
    .action((fundId: string, opts: AuditOptions) =>
      (require('./audit.action') as typeof import('./audit.action')).audit(fundId, opts),
    );
}
