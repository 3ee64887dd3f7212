import { runCli } from '../support/cli';

describe('claimtrail demo', () => {
  it('tells the whole story on a fresh database', async () => {
    // How fast it tells it is the benchmark's business, not this test's.
    const result = await runCli(['demo', '--claims', '300'], { timeoutMs: 120_000 });
    if (result.status !== 0)
      throw new Error(`demo exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'Audit of the maternity fund: CLEAN - the API report matches the ledger, claim by claim',
    );
    const tampered = /Tampering: payment_allocations of claim ([0-9a-f-]{36})/.exec(result.stdout);
    expect(tampered).not.toBeNull();
    const mismatches = result.stdout.split('\n').filter((l) => l.trim().startsWith('MISMATCH: claim'));
    expect(mismatches).toEqual([`  MISMATCH: claim ${tampered![1]} <- the altered claim`]);
    expect(result.stdout).toContain('chain check OK');
    expect(result.stdout).toContain('Demo database dropped');
  });
});
