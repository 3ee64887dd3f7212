import { computeTxHash } from '../chain/transaction';
import { decisionRecord, signingIdentity } from '../testing/decision-fixtures';
import { MemoryChain } from '../testing/memory-chain';
import type { StoredBlock, StoredTransaction } from './postgres-block-store';
import { storedBlockProblem } from './stored-chain-check';

const payer = signingIdentity({ orgId: 'payer-1' });

/** Genesis plus three blocks, the second holding two transactions, shaped as the store returns them. */
async function storedChain(): Promise<{ blocks: StoredBlock[]; txs: StoredTransaction[][] }> {
  const chain = new MemoryChain();
  const submission = () => ({ records: [decisionRecord({ payerId: payer.orgId })], signer: payer });
  await chain.commitBlock([submission()]);
  await chain.commitBlock([submission(), submission()]);
  await chain.commitBlock([submission()]);
  return {
    blocks: chain.blocks.map((b) => ({ ...b.header, txCount: b.txs.length })),
    txs: chain.blocks.map((b) =>
      b.txs.map((t, txIndex) => ({
        ...structuredClone(t),
        blockNumber: b.header.number,
        txIndex,
        txHash: computeTxHash(t),
      })),
    ),
  };
}

function firstProblem({ blocks, txs }: { blocks: StoredBlock[]; txs: StoredTransaction[][] }): string | null {
  for (let i = 0; i < blocks.length; i++) {
    const problem = storedBlockProblem(blocks[i], txs[i], i === 0 ? null : blocks[i - 1]);
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
      (c) => (c.txs[2][1].payload.args[0] = c.txs[2][1].payload.args[0].replace('KES', 'USD')),
      'block 2: transaction',
    ],
    [
      'an altered argument (reason)',
      (c) => (c.txs[2][1].payload.args[0] += ' '),
      'signature does not verify',
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
