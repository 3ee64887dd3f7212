import { loadConfig } from './app-config';
import { configProblems as problemsOf } from './testing/config-problems';

describe('WORKER_ROLES', () => {
  it('runs every role by default', () => {
    expect(loadConfig({}).WORKER_ROLES).toEqual(['adjudication', 'relay', 'sweeper']);
  });

  it('takes a comma-separated subset, ignoring spaces and empty entries', () => {
    expect(loadConfig({ WORKER_ROLES: ' relay, ,sweeper ' }).WORKER_ROLES).toEqual(['relay', 'sweeper']);
  });

  it('names an unknown role and an empty list', () => {
    expect(problemsOf({ WORKER_ROLES: 'relay,payments' })).toEqual([
      'WORKER_ROLES.1 each must be one of adjudication, relay, sweeper',
    ]);
    expect(problemsOf({ WORKER_ROLES: ' , ' })).toEqual([
      'WORKER_ROLES must name at least one of adjudication, relay, sweeper',
    ]);
  });
});
