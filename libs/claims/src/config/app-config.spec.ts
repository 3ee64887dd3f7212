import { loadConfig } from './app-config';
import { configProblems as problemsOf, DEV_ENV } from './testing/config-problems';

describe('WORKER_ROLES', () => {
  it('runs every role by default', () => {
    expect(loadConfig({ ...DEV_ENV }).WORKER_ROLES).toEqual([
      'adjudication',
      'relay',
      'sweeper',
      'reconciler',
    ]);
  });

  it('takes a comma-separated subset, ignoring spaces and empty entries', () => {
    expect(loadConfig({ ...DEV_ENV, WORKER_ROLES: ' relay, ,sweeper ' }).WORKER_ROLES).toEqual([
      'relay',
      'sweeper',
    ]);
  });

  it('names an unknown role and an empty list', () => {
    expect(problemsOf({ WORKER_ROLES: 'relay,payments' })).toEqual([
      'WORKER_ROLES.1 each must be one of adjudication, relay, sweeper, reconciler',
    ]);
    expect(problemsOf({ WORKER_ROLES: ' , ' })).toEqual([
      'WORKER_ROLES must name at least one of adjudication, relay, sweeper, reconciler',
    ]);
  });
});

describe('LEDGER_BATCHES_IN_FLIGHT', () => {
  it('defaults to one on the embedded ledger and four on Fabric', () => {
    expect(loadConfig({ ...DEV_ENV }).LEDGER_BATCHES_IN_FLIGHT).toBe(1);
    expect(loadConfig({ ...DEV_ENV, LEDGER: 'fabric' }).LEDGER_BATCHES_IN_FLIGHT).toBe(4);
  });

  it('takes a value given on either ledger', () => {
    expect(loadConfig({ ...DEV_ENV, LEDGER_BATCHES_IN_FLIGHT: '3' }).LEDGER_BATCHES_IN_FLIGHT).toBe(3);
    expect(
      loadConfig({ ...DEV_ENV, LEDGER: 'fabric', LEDGER_BATCHES_IN_FLIGHT: '1' }).LEDGER_BATCHES_IN_FLIGHT,
    ).toBe(1);
  });

  it('names a value out of range or not a whole number', () => {
    expect(problemsOf({ LEDGER_BATCHES_IN_FLIGHT: '0' })).toEqual([
      'LEDGER_BATCHES_IN_FLIGHT Too small: expected number to be >=1',
    ]);
    expect(problemsOf({ LEDGER_BATCHES_IN_FLIGHT: '17' })).toEqual([
      'LEDGER_BATCHES_IN_FLIGHT must be at most 16',
    ]);
    expect(problemsOf({ LEDGER_BATCHES_IN_FLIGHT: 'many' })).toHaveLength(1);
  });
});
