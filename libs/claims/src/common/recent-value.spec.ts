import { recentValue } from './recent-value';

describe('recentValue', () => {
  let now = 1_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  it('shares one load within its age and loads afresh after it', async () => {
    let loads = 0;
    const get = recentValue(250, async () => ++loads);
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    now += 250;
    expect(await get()).toBe(1);
    now += 1;
    expect(await get()).toBe(2);
  });

  it('forgets a failed load at once', async () => {
    let calls = 0;
    const get = recentValue(60_000, async () => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      return 'ok';
    });
    await expect(get()).rejects.toThrow('database down');
    expect(await get()).toBe('ok');
  });
});
