import { loadConfig } from '@claimtrail/claims/config/app-config';
import { AdjudicationProcessor } from '../../apps/worker/src/adjudication.processor';
import { LedgerRelayLoop } from '../../apps/worker/src/ledger-relay.loop';
import { SweeperLoop } from '../../apps/worker/src/sweeper.loop';
import { createWorkerApp } from '../../apps/worker/src/worker-app';

/** A worker process runs only the roles it is given, so the relay can have a process of its own. */
describe('worker roles', () => {
  const started = async (roles: string) => {
    const app = await createWorkerApp(
      loadConfig({ ...process.env, WORKER_ROLES: roles, WORKER_METRICS_PORT: '0', LOG_LEVEL: 'warn' }),
    );
    const has = (token: unknown) => {
      try {
        app.get(token as never);
        return true;
      } catch {
        return false;
      }
    };
    const running = {
      adjudication: has(AdjudicationProcessor),
      relay: has(LedgerRelayLoop),
      sweeper: has(SweeperLoop),
    };
    await app.close();
    return running;
  };

  it('runs only the ledger relay when told so', async () => {
    expect(await started('relay')).toEqual({ adjudication: false, relay: true, sweeper: false });
  });

  it('runs adjudication and the sweeper without the relay', async () => {
    expect(await started('adjudication,sweeper')).toEqual({
      adjudication: true,
      relay: false,
      sweeper: true,
    });
  });
});
