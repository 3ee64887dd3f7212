import { computeTxHash } from '../chain/transaction';
import { decisionRecord, signingIdentity } from '../testing/decision-fixtures';
import { MemoryChain } from '../testing/memory-chain';
import { columnsOf, fromColumns, type StoredBlock, type TransactionColumns } from './postgres-block-store';
import { storedBlockProblem } from './stored-chain-check';

const payer = signingIdentity({ orgId: 'payer-1' });

/** Genesis plus three blocks, the second holding two transactions, as the store's columns hold them. */
async function storedChain(): Promise<{ blocks: StoredBlock[]; txs: TransactionColumns[][] }> {
  const chain = new MemoryChain();
  const submission = () => ({ records: [decisionRecord({ payerId: payer.orgId })], signer: payer });
  await chain.commitBlock([submission()]);
  await chain.commitBlock([submission(), submission()]);
  await chain.commitBlock([submission()]);
  return {
    blocks: chain.blocks.map((b) => ({ ...b.header })),
    txs: chain.blocks.map((b) =>
      b.txs.map((t, txIndex) =>
        columnsOf(structuredClone(t), chain.responses.get(t.payload.txId)!, {
          blockNumber: b.header.number,
          txIndex,
          txHash: computeTxHash(t),
        }),
      ),
    ),
  };
}

function firstProblem({
  blocks,
  txs,
}: {
  blocks: StoredBlock[];
  txs: TransactionColumns[][];
}): string | null {
  for (let i = 0; i < blocks.length; i++) {
    const problem = storedBlockProblem(blocks[i], txs[i].map(fromColumns), i === 0 ? null : blocks[i - 1]);
    if (problem) return `block ${blocks[i].number}: ${problem}`;
  }
  return null;
}

describe('storedBlockProblem', () => {
  it('finds nothing wrong with an untouched chain', async () => {
    expect(firstProblem(await storedChain())).toBeNull();
  });

  it.each<[string, (c: Awaited<ReturnType<typeof storedChain>>) => void, string]>([
    [
      'an altered argument',
      (c) => (c.txs[2][1].texts!.args = c.txs[2][1].texts!.args.replace('KES', 'USD')),
      'block 2: transaction',
    ],
    [
      'an altered argument (reason)',
      (c) => (c.txs[2][1].texts!.args = c.txs[2][1].texts!.args.replace('"]', ' "]')),
      'signature does not verify',
    ],
    [
      'an altered result',
      (c) => (c.txs[2][1].texts!.result = c.txs[2][1].texts!.result.replace('recorded', 'unchanged')),
      'block 2: transaction',
    ],
    [
      'a stored digest that no longer matches its text',
      (c) => (c.txs[2][0].digests.result = '00'.repeat(32)),
      'block 2: transaction',
    ],
    ['altered events', (c) => (c.txs[1][0].texts!.events = '[]'), 'block 1: transaction'],
    [
      'an altered write set',
      (c) =>
        (c.txs[3][0].writes = c.txs[3][0].writes.replace(/"valueHash":"(.)/, (_m, d: string) =>
          d === 'f' ? '"valueHash":"e' : '"valueHash":"f',
        )),
      'block 3: transaction',
    ],
    [
      'a moved block timestamp',
      (c) => (c.blocks[2].timestamp = '2025-11-20T12:00:00.001Z'),
      'block 2: the block hash does not match its contents',
    ],
    [
      'a block timestamp that is not a canonical instant',
      (c) => (c.blocks[2].timestamp = '2025-11-20T12:00:00.000001Z'),
      'block 2: the block hash does not match its contents',
    ],
    ['a swapped signature', (c) => (c.txs[2][0].signature = c.txs[2][1].signature), 'block 2: transaction'],
    ['a stored hash that differs', (c) => (c.txs[1][0].txHash = '00'.repeat(32)), 'block 1: transaction'],
    [
      'a removed transaction',
      (c) => c.txs[2].pop(),
      'block 2: the block holds 1 transaction(s) but its header says 2',
    ],
    ['transactions out of order', (c) => c.txs[2].reverse(), 'block 2: transaction'],
    [
      'a different Merkle root',
      (c) => (c.blocks[3].merkleRoot = c.blocks[1].merkleRoot),
      "block 3: the Merkle root does not match the block's transactions",
    ],
    [
      'a different block hash',
      (c) => (c.blocks[3].hash = '11'.repeat(32)),
      'block 3: the block hash does not match its contents',
    ],
    [
      'a missing block',
      (c) => (c.blocks.splice(2, 1), c.txs.splice(2, 1)),
      'block 3: block 3 follows block 1: block 2 is missing',
    ],
  ])('names the first bad block for %s', async (_name, alter, message) => {
    const chain = await storedChain();
    alter(chain);
    expect(firstProblem(chain)).toContain(message);
  });

  it('reports a block whose hash is recomputed after tampering as not linking to the next one', async () => {
    const chain = await storedChain();
    // A careful forger rebuilds block 1 consistently; block 2 still points at the old hash.
    const other = await storedChain();
    chain.blocks[1] = other.blocks[1];
    chain.txs[1] = other.txs[1];
    expect(firstProblem(chain)).toBe("block 2: the previous hash does not match block 1's hash");
  });
});
