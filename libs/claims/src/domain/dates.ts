import type { Period } from './rule-set-sections';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date (UTC calendar arithmetic, no clock). */
export function dayNumber(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** The YYYY-MM-DD date `days` after `isoDate` (negative goes back). */
export function addDays(isoDate: string, days: number): string {
  return new Date((dayNumber(isoDate) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * Age in whole years on `onDate`. Someone born on 29 February turns a year older on 1 March in
 * a common year, because "02-28" sorts before "02-29".
 */
export function ageOn(birthDate: string, onDate: string): number {
  const years = Number(onDate.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return onDate.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** First day of the period that ends on `endDate` (inclusive at both ends). */
export function periodStart(period: Period, endDate: string): string {
  if ('rollingDays' in period) return addDays(endDate, 1 - period.rollingDays);
  return period.calendar === 'year' ? `${endDate.slice(0, 4)}-01-01` : `${endDate.slice(0, 7)}-01`;
}

/**
 * The latest calendar date anywhere on earth at `now`: the date in UTC+14, the furthest-ahead time
 * zone. A clinic's "today" is never later, so a service date or birth date after it is in the future
 * wherever the clinic is.
 */
export function latestDateOnEarth(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}
