import { ledgerMigrations } from '@claimtrail/ledger';
import { migrations } from './data-source';

describe('platform migrations', () => {
  const timestampOf = (m: { name: string }) => Number(/(\d{13})$/.exec(m.name)![1]);

  it('are listed in the order they apply', () => {
    const stamps = migrations.map(timestampOf);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('include every migration of the embedded ledger', () => {
    expect(migrations).toEqual(expect.arrayContaining(ledgerMigrations));
  });
});
