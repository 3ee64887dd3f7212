import { Command, InvalidArgumentError } from 'commander';
import type { KeptHead, VerifyOptions } from './verify.action';

/** `claimtrail verify <proof.json>`: checks a proof bundle offline. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'verify a ledger proof bundle offline against a trust file; exits 1 if anything in it was altered or is not trusted',
    )
    .argument('<proof>', 'path of a proof bundle (JSON), or - for standard input')
    .option(
      '--trust <file>',
      'the trust file you pinned (claimtrail trust fetch; on Fabric, claimtrail ledger fabric-trust): organization keys, MSP roots and the ledger head key (required)',
    )
    .option(
      '--heads <file>',
      'the signed heads seen so far, compared with the proof and updated (default: <trust file without .json>.heads.json)',
    )
    .option(
      '--fabric',
      "also ask a peer of the Fabric network (FABRIC_NETWORK_CONFIG) whether its block holds the proof's transaction and marks it valid",
    )
    .option(
      '--kept-head <number:hash>',
      "a head kept earlier (GET /v1/ledger/head): the proof's history must pass through it, or the ledger was rewritten",
      parseKeptHead,
    )
    .action((path: string, opts: VerifyOptions) =>
      (require('./verify.action') as typeof import('./verify.action')).verify(path, opts),
    );
}

function parseKeptHead(value: string): KeptHead {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value);
  if (!match) throw new InvalidArgumentError('must be <block number>:<64 hex digits of its hash>');
  return { number: Number(match[1]), hash: match[2] };
}
