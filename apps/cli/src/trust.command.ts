import type { Command } from 'commander';

/** `claimtrail trust fetch`: fetches the keys a verifier pins, once. */
export function registerTrustCommands(program: Command): void {
  const trust = program.command('trust').description('the trust file proofs are verified against');
  trust
    .command('fetch')
    .description(
      "fetch every organization's signing key, the Fabric MSPs and the ledger's head key (GET /v1/ledger/trust) into a trust file to keep",
    )
    .requiredOption('--api-url <url>', 'the platform API, e.g. https://claims.example.org')
    .requiredOption('--out <file>', 'where to write the trust file')
    .action((opts: { apiUrl: string; out: string }) =>
      (require('./trust.action') as typeof import('./trust.action')).fetchTrust(opts),
    );
}
