import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseTrustAnchor } from '@claimtrail/ledger';
import { trustFingerprint } from './trust-file';

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
    .action(async (opts: { apiUrl: string; out: string }) => {
      const url = `${opts.apiUrl.replace(/\/$/, '')}/v1/ledger/trust`;
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
      const anchor = parseTrustAnchor(await res.json());
      await writeFile(opts.out, `${JSON.stringify(anchor, null, 2)}\n`);
      process.stdout.write(
        `wrote ${opts.out}: ${anchor.organizations.length} organization key(s), ${anchor.msps.length} MSP(s), ` +
          `${anchor.ledgerHeadKeyPem ? 'the ledger head key' : 'no ledger head key'}\n` +
          `fingerprint ${trustFingerprint(anchor)}: compare it with the platform's published one before you rely on it\n`,
      );
    });
}
