import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import {
  FabricLedger,
  isFabricProof,
  loadFabricNetworkConfig,
  verifyProofBundle,
  type FabricProofBundle,
  type ProofBundle,
} from '@claimtrail/ledger';
import { loadConfig } from '@claimtrail/claims/config/app-config';

/** `claimtrail verify <proof.json>`: checks a proof bundle offline. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('verify a ledger proof bundle offline; exits 1 if anything in it was altered')
    .argument('<proof>', 'path of a proof bundle (JSON), or - for standard input')
    .option(
      '--signer-key <pem>',
      "the signing organization's published public key (PEM file, from GET /v1/organizations/:id/public-key)",
    )
    .option(
      '--fabric',
      'also ask a peer of the Fabric network (FABRIC_NETWORK_CONFIG) for the block and compare it with the proof',
    )
    .action(async (path: string, opts: { signerKey?: string; fabric?: boolean }) => {
      const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`${path} is not JSON`);
      }
      const result = verifyProofBundle(parsed);
      const problems = result.ok ? [] : [...result.problems];
      if (isFabricProof(parsed)) {
        if (opts.signerKey)
          throw new Error('--signer-key applies to embedded-ledger proofs; Fabric proofs carry certificates');
        if (opts.fabric && problems.length === 0) problems.push(...(await peerProblems(parsed)));
        report(
          problems,
          () =>
            `OK: claim ${parsed.claimId} revision ${parsed.revision} is in block ${parsed.blockNumber} ` +
            `(${parsed.blockHash}) of channel ${parsed.channel}, transaction ${parsed.txId}` +
            (opts.fabric ? ', and a peer holds the same block' : ''),
        );
        return;
      }
      if (opts.fabric)
        throw new Error('--fabric applies to Fabric proofs; this one is from the embedded ledger');
      const bundle = parsed as ProofBundle;
      const keyProblem = opts.signerKey ? await signerKeyProblem(bundle, opts.signerKey) : null;
      if (keyProblem) problems.push(keyProblem);
      report(
        problems,
        () =>
          `OK: claim ${bundle.claimId} revision ${bundle.revision} is in block ${bundle.block.number}, ` +
          `chained to head ${bundle.head.number} (${bundle.head.hash})`,
      );
    });
}

function report(problems: string[], ok: () => string): void {
  if (problems.length === 0) {
    process.stdout.write(`${ok()}\n`);
    return;
  }
  process.stderr.write(`FAILED: the proof does not verify:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exitCode = 1;
}

/** Asks a peer for the proof's block; its header must hash to the proof's blockHash. */
async function peerProblems(bundle: FabricProofBundle): Promise<string[]> {
  const network = loadFabricNetworkConfig(loadConfig().FABRIC_NETWORK_CONFIG);
  if (network.channel !== bundle.channel)
    return [`the proof is for channel ${bundle.channel}, the network's is ${network.channel}`];
  const ledger = new FabricLedger(network);
  try {
    const onPeer = await ledger.blockHash(bundle.blockNumber);
    return onPeer === bundle.blockHash
      ? []
      : [
          `the peer's block ${bundle.blockNumber} has header hash ${onPeer}, not the proof's ${bundle.blockHash}`,
        ];
  } finally {
    ledger.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// A proof carries its signer's public key; only comparing it with the key the organization
// published shows the transaction was signed by that organization and not by someone else's key.
async function signerKeyProblem(bundle: ProofBundle, keyPath: string): Promise<string | null> {
  const der = (pem: string) =>
    createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
  let published: string;
  try {
    published = der(await readFile(keyPath, 'utf8'));
  } catch {
    throw new Error(`${keyPath} is not a PEM public key`);
  }
  const creator = bundle.transaction?.payload?.creator;
  try {
    return creator && der(creator.publicKeyPem) === published
      ? null
      : `the transaction was not signed with the published key in ${keyPath}`;
  } catch {
    return 'the transaction names no usable signer key';
  }
}
