import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'claimtrail.js');

/** Runs the built `claimtrail demo` as a user would, on the e2e project's PostgreSQL server. */
function runDemo(args: string[]): Promise<{ status: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, 'demo', ...args], {
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('claimtrail demo', () => {
  it('tells the whole story on a fresh database in under a minute', async () => {
    const result = await runDemo(['--claims', '300']);
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
    expect(result.ms).toBeLessThan(60_000);
  });
});
