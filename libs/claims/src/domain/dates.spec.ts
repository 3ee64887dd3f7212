import { latestDateOnEarth } from './dates';

describe('latestDateOnEarth', () => {
  it('is the date in UTC+14, the furthest-ahead time zone', () => {
    expect(latestDateOnEarth(new Date('2026-12-03T09:59:59.999Z'))).toBe('2026-12-03');
    expect(latestDateOnEarth(new Date('2026-12-03T10:00:00.000Z'))).toBe('2026-12-04');
    // New Year in Kiribati while it is still the morning of 31 December in London.
    expect(latestDateOnEarth(new Date('2026-12-31T10:30:00.000Z'))).toBe('2027-01-01');
  });
});
