import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '@claimtrail/claims/config/app-config';
import { createApiApp } from '../../apps/api/src/api-app';
import { createWorkerApp } from '../../apps/worker/src/worker-app';

/** A running API and worker against the test database, Redis and the embedded ledger. */
export interface Stack {
  config: AppConfig;
  baseUrl: string;
  api: NestFastifyApplication;
  worker: INestApplicationContext;
  close(): Promise<void>;
}

/** The operations token of test stacks: what /health/ready and /metrics want as a bearer token. */
export const TEST_OPS_TOKEN = 'test-operations-token-0123456789abcdef';

/** Starts the real API (listening on a free port) and the real worker in this process. */
export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const env = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    WORKER_METRICS_PORT: '0',
    LEDGER_BATCH_WAIT_MS: '20',
    LOG_LEVEL: 'warn',
    // Every suite calls from 127.0.0.1, several at once: the per-address limit is not what they test.
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
    OPS_TOKEN: TEST_OPS_TOKEN,
    ...overrides,
  };
  Object.assign(process.env, env);
  const config = loadConfig(env);
  const api = await createApiApp(config);
  await api.listen(0, '127.0.0.1');
  const { port } = api.getHttpServer().address() as AddressInfo;
  const worker = await createWorkerApp(config);
  return {
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    api,
    worker,
    async close() {
      await worker.close();
      await api.close();
    },
  };
}

/** A small HTTP client for one organization's API key. */
export function client(baseUrl: string, apiKey?: string) {
  return async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
