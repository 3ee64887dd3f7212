import { createHash } from 'node:crypto';
import type { ClientIdentity } from 'fabric-shim-api';
import { KIND_ATTRIBUTE, ORG_ID_ATTRIBUTE } from '@claimtrail/chaincode/caller-identity';
import type { TransactionCreator } from '../chain/transaction';

/**
 * A Fabric ClientIdentity for a transaction's creator. Where Fabric reads attributes from the
 * X.509 certificate, the embedded ledger takes them from the signed payload's creator.
 */
export class EmbeddedClientIdentity implements ClientIdentity {
  private readonly attributes: ReadonlyMap<string, string>;

  constructor(private readonly creator: TransactionCreator) {
    this.attributes = new Map([
      [KIND_ATTRIBUTE, creator.kind],
      [ORG_ID_ATTRIBUTE, creator.orgId],
    ]);
  }

  /** `embedded::CN=<orgId>::SHA256=<public key fingerprint>`, in the spirit of Fabric's `x509::subject::issuer`. */
  getID(): string {
    const fingerprint = createHash('sha256').update(this.creator.publicKeyPem, 'utf8').digest('hex');
    return `embedded::CN=${this.creator.orgId}::SHA256=${fingerprint}`;
  }

  getMSPID(): string {
    return this.creator.mspId;
  }

  getAttributeValue(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  assertAttributeValue(name: string, value: string): boolean {
    return this.getAttributeValue(name) === value;
  }

  /** The creator's public key (PEM), standing in for Fabric's certificate bytes. */
  getIDBytes(): Uint8Array {
    return Buffer.from(this.creator.publicKeyPem, 'utf8');
  }
}
