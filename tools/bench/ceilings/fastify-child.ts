/**
 * Child-process entry of the `fastify-trivial-post` ceiling, spawned from its compiled form
 * (`fastify-child.js`) beside fastify-trivial-post.js: a bare Fastify server that answers
 * POST / with {"ok":true}, tells its parent the port over IPC, and exits when told or orphaned.
 */
import { fastify } from 'fastify';

async function main(): Promise<void> {
  // Without an IPC channel nobody would learn the port or ever stop the server.
  if (!process.send) throw new Error('must be spawned with an IPC channel by fastify-trivial-post');
  const app = fastify({ logger: false });
  app.post('/', async () => ({ ok: true }));
  const stop = () => void app.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP port');
  process.send({ port: address.port });
}

main().catch((err: unknown) => {
  process.stderr.write(`fastify-child: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
