import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { decisionRecord, signingIdentity } from '@claimtrail/ledger/testing/decision-fixtures';
import { MemoryChain } from '@claimtrail/ledger/testing/memory-chain';

// What the database, queue and Fabric commands need: the help and an offline verify must not load it.
const HEAVY = [
  '@nestjs/common',
  '@nestjs/core',
  'typeorm',
  'pg',
  'bullmq',
  'ioredis',
  '@hyperledger/fabric-gateway',
  '@hyperledger/fabric-protos',
  '@grpc/grpc-js',
  '@peculiar/x509',
];
const loaded: string[] = [];
for (const name of HEAVY)
  jest.doMock(name, () => {
    loaded.push(name);
    return {};
  });

/** The program, loaded after the mocks above so that they see whatever it loads. */
const buildProgram = () => (require('./main') as typeof import('./main')).buildProgram();

/** Every command and subcommand of `program`, depth first. */
const allCommands = (program: Command): Command[] => program.commands.flatMap((c) => [c, ...allCommands(c)]);

describe('the claimtrail program', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'claimtrail-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    loaded.length = 0;
  });

  it('registers every command, with its help, without loading what the commands run on', () => {
    const program = buildProgram();
    const names = program.commands.map((c) => c.name());
    expect(names).toEqual(
      expect.arrayContaining(['start', 'org', 'verify', 'trust', 'ledger', 'audit', 'demo', 'access-log']),
    );
    expect(names).not.toContain('bench');
    for (const command of allCommands(program)) expect(command.helpInformation()).toContain(command.name());
    expect(program.commands.find((c) => c.name() === 'verify')!.helpInformation()).toContain('--kept-head');
    expect(loaded).toEqual([]);
  });

  it('verifies an embedded-ledger proof offline without loading them either', async () => {
    const payer = signingIdentity({ orgId: 'payer-1' });
    const target = decisionRecord({ payerId: 'payer-1' });
    const chain = new MemoryChain();
    await chain.commitBlock([{ records: [decisionRecord()], signer: payer }]);
    await chain.commitBlock([{ records: [target], signer: payer }]);
    const proof = join(dir, 'proof.json');
    const trust = join(dir, 'trust.json');
    writeFileSync(proof, JSON.stringify(await chain.prove(target.claimId, 1)));
    writeFileSync(
      trust,
      JSON.stringify({
        version: 1,
        organizations: [{ id: payer.orgId, kind: payer.kind, publicKeyPem: payer.publicKeyPem }],
        msps: [],
        ledgerHeadKeyPem: chain.headKey.publicKeyPem,
      }),
    );
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync(['verify', proof, '--trust', trust], { from: 'user' });
      expect(out.mock.calls.map(([text]) => String(text)).join('')).toContain(
        `OK: claim ${target.claimId} revision 1`,
      );
    } finally {
      out.mockRestore();
    }
    expect(process.exitCode ?? 0).toBe(0);
    expect(loaded).toEqual([]);
  });
});
