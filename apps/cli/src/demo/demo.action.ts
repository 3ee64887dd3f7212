// The demo's services and entities are decorated for NestJS and TypeORM.
import 'reflect-metadata';
import { startDemoStack, printableUrl } from './demo-stack';
import { runDemoStory } from './demo-story';

/** What `claimtrail demo` was given. */
export interface DemoOptions {
  claims: number;
  keep?: boolean;
}

/** `claimtrail demo`: the whole story on a fresh database, in one process. */
export async function demo(opts: DemoOptions): Promise<void> {
  const started = Date.now();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`claimtrail demo: ${opts.claims} claims on a fresh database`);
  const stack = await startDemoStack();
  let outcome;
  try {
    outcome = await runDemoStory(stack.db, stack.baseUrl, { claims: opts.claims, log });
  } finally {
    await stack.close(Boolean(opts.keep));
  }
  const ok = outcome.ok;
  for (const p of outcome.problems) log(`PROBLEM: ${p}`);
  log(
    opts.keep
      ? `Database kept: ${printableUrl(stack.databaseUrl)}`
      : 'Demo database dropped (use --keep to keep it).',
  );
  log(
    `${ok ? 'Demo finished' : 'Demo finished with problems'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (!ok) process.exitCode = 1;
}
