import { createPublicKey } from 'node:crypto';
import { canonicalJson } from '@claimtrail/chaincode/canonical-json';
import { signBytes, verifyBytes } from '../signing';

/**
 * A block named by number and hash, signed by the ledger's head key: a checkpoint written every
 * few blocks, or the head at the time a proof was made. Two signed heads with the same number and
 * different hashes are the ledger's own evidence of a fork.
 */
export interface SignedHead {
  number: number;
  hash: string;
  /** True for a checkpoint signed when the block was appended; false for the head at signing time. */
  checkpoint: boolean;
  /** ECDSA P-256 / SHA-256 over `headStatement`, DER, base64. */
  signature: string;
}

/** The bytes the ledger's head key signs for block `number` with hash `hash`, as a checkpoint or a head. */
export function headStatement(number: number, hash: string, checkpoint: boolean): Buffer {
  return Buffer.from(
    canonicalJson({ checkpoint, hash, number, statement: 'claimtrail-ledger-head-v1' }),
    'utf8',
  );
}

/** Signs a block as a head or checkpoint with the ledger's head key. */
export function signHead(
  block: { number: number; hash: string },
  privateKeyPem: string,
  checkpoint = false,
): SignedHead {
  return {
    number: block.number,
    hash: block.hash,
    checkpoint,
    signature: signBytes(headStatement(block.number, block.hash, checkpoint), privateKeyPem),
  };
}

/** True when the head's signature verifies with `publicKeyPem`; never throws. */
export function headSignatureValid(head: SignedHead, publicKeyPem: string): boolean {
  return verifyBytes(headStatement(head.number, head.hash, head.checkpoint), head.signature, publicKeyPem);
}

/** The SPKI PEM public key of a PKCS#8 PEM private key. */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}
