import { common } from '@hyperledger/fabric-protos';
import { backOff } from 'exponential-backoff';
import type { FundOutcome, RecordOutcome } from '@claimtrail/chaincode/records';
import type { FundReceipt, LedgerReceipt, SigningIdentity } from '../ledger.port';
import { commitTransaction, RETRY_BACKOFF, type Committed } from './commit-transaction';
import { endorsersDisagree, isTransient } from './fabric-errors';
import type { FabricReader } from './fabric-reader';
import type { GatewayPool } from './gateway-pool';

/** Submits the contract's write transactions with retry, and turns what committed into receipts. */
export class TransactionSubmitter {
  constructor(
    private readonly pool: GatewayPool,
    private readonly reader: FabricReader,
  ) {}

  /** Submits a batch of records; one receipt per record, naming the block of its transaction. */
  async records(signer: SigningIdentity, fn: string, arg: string): Promise<LedgerReceipt[]> {
    const done = await this.submit(signer, fn, arg);
    const results = (JSON.parse(done.result) as { results: RecordOutcome[] }).results;
    const blocks = await this.locate(
      done,
      results.map((r) => r.txId),
    );
    return results.map((r) => ({
      claimId: r.claimId,
      revision: r.revision,
      outcome: r.outcome,
      txId: r.txId,
      blockNumber: r.outcome === 'conflict' ? null : (blocks.get(r.txId) ?? null),
    }));
  }

  /** Submits a fund's creation or top-up; the receipt names the block of its transaction. */
  async fund(signer: SigningIdentity, fn: string, arg: string): Promise<FundReceipt> {
    const done = await this.submit(signer, fn, arg);
    const outcome = JSON.parse(done.result) as FundOutcome;
    const blocks = await this.locate(done, [outcome.txId]);
    return {
      fundId: outcome.fundId,
      outcome: outcome.outcome,
      txId: outcome.txId,
      blockNumber: blocks.get(outcome.txId) ?? null,
    };
  }

  /**
   * Endorses, orders and waits for the commit of one transaction. The Gateway picks the endorsers:
   * its own organization's peer first, then, from what that peer's run of the contract wrote, the
   * peers every policy involved needs — the chaincode's (the payer's peer) and the key-level
   * policies of the keys written (a fund's funder's peer for RecordPayments and TopUpFund).
   * Transient failures (a peer or orderer unavailable, an MVCC read conflict with a concurrent
   * transaction, another organization's peer disagreeing with the Gateway's own) are retried with
   * backoff; a chaincode refusal by the Gateway's own peer is a CHAINCODE_REJECTED LedgerError at
   * once.
   */
  async submit(signer: SigningIdentity, fn: string, arg: string): Promise<Committed> {
    const contract = this.pool.contract(await this.pool.gatewayFor(signer));
    const ownMspId = this.pool.mspIdOf(signer);
    return backOff(() => commitTransaction(contract, fn, arg), {
      ...RETRY_BACKOFF,
      numOfAttempts: this.pool.settings.attempts,
      retry: (err) => isTransient(err) || endorsersDisagree(err, ownMspId),
    });
  }

  /** Block numbers of transactions: this one from its commit status, earlier ones from a peer. */
  private async locate(done: Committed, txIds: string[]): Promise<Map<string, number>> {
    const found = new Map([[done.txId, done.blockNumber]]);
    for (const txId of new Set(txIds)) {
      if (found.has(txId)) continue;
      const block = common.Block.deserializeBinary(await this.reader.blockByTxId(txId));
      found.set(txId, Number(block.getHeader()!.getNumber()));
    }
    return found;
  }
}
