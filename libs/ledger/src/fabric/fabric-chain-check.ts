import { common } from '@hyperledger/fabric-protos';
import type { ChainCheck } from '../ledger.port';
import { blockHeaderHash, dataHashMatches } from '../proof/fabric/fabric-block';
import type { FabricReader } from './fabric-reader';

/** Re-verifies every block a peer holds: its number, its data hash, its link to the block before. */
export async function checkFabricChain(reader: FabricReader): Promise<ChainCheck> {
  const { height } = await reader.head();
  let previous: common.BlockHeader | undefined;
  for (let n = 0; n < height; n++) {
    const block = common.Block.deserializeBinary(await reader.block(n));
    const problem = checkBlock(block, n, previous);
    if (problem) return { ok: false, blocksChecked: n, firstBadBlock: { number: n, reason: problem } };
    previous = block.getHeader();
  }
  return { ok: true, blocksChecked: height };
}

/** The hash (hex) of the header of the block a peer holds at `blockNumber`. */
export async function fabricBlockHash(reader: FabricReader, blockNumber: number): Promise<string> {
  const header = common.Block.deserializeBinary(await reader.block(blockNumber)).getHeader()!;
  return blockHeaderHash(header).toString('hex');
}

/** Why block `n` is not what the chain says it is, or undefined. */
function checkBlock(
  block: common.Block,
  n: number,
  previous: common.BlockHeader | undefined,
): string | undefined {
  const header = block.getHeader();
  if (!header) return 'block has no header';
  if (Number(header.getNumber()) !== n) return `header says block ${header.getNumber()}`;
  if (!dataHashMatches(block, header)) return 'data hash does not match the transactions';
  if (previous && !Buffer.from(header.getPreviousHash_asU8()).equals(blockHeaderHash(previous))) {
    return 'previous hash does not match the previous block header';
  }
  return undefined;
}
