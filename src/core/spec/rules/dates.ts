/**
 * The timestamp parser of the rules: whether a text is an ISO 8601 date or date-time naming
 * a real date, and its time. The timestamps the tools write are read without Date.parse.
 */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether a timestamp is an ISO 8601 date-time: the pattern, and a date Date.parse accepts. */
export function isValidDate(ts: string): boolean {
  if (isCanonical(ts)) return true;
  if (!TIMESTAMP.test(ts)) return false;
  return !Number.isNaN(Date.parse(ts.length === 10 ? ts : ts.replace(" ", "T")));
}

/** Date.parse(ts), for a valid timestamp. */
export function timeOf(ts: string): number {
  return isCanonical(ts) ? canonicalTime(ts) : Date.parse(ts);
}

/** The two decimal digits of `s` at `at`, or -1. */
function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Whether a timestamp has the form the tools write, YYYY-MM-DDTHH:MM:SS[.f|.ff|.fff]Z, with
 * a year from 1000 and every other field in range. Such a text is valid without asking
 * Date.parse (which was most of the metadata rule's time): Date.parse takes it in the
 * ECMAScript date-time format and returns Date.UTC of its fields (canonicalTime; a day past
 * the end of its month rolls over in both).
 */
function isCanonical(ts: string): boolean {
  const n = ts.length;
  if (n !== 20 && (n < 22 || n > 24)) return false;
  if (
    ts.charCodeAt(4) !== 45 || // -
    ts.charCodeAt(7) !== 45 ||
    ts.charCodeAt(10) !== 84 || // T
    ts.charCodeAt(13) !== 58 || // :
    ts.charCodeAt(16) !== 58 ||
    ts.charCodeAt(n - 1) !== 90 || // Z
    (n > 20 && ts.charCodeAt(19) !== 46) // .
  )
    return false;
  const century = twoDigits(ts, 0);
  const month = twoDigits(ts, 5);
  const day = twoDigits(ts, 8);
  const hour = twoDigits(ts, 11);
  const minute = twoDigits(ts, 14);
  const second = twoDigits(ts, 17);
  if (century < 10 || twoDigits(ts, 2) < 0 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  for (let i = 20; i < n - 1; i++) {
    const d = ts.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/**
 * Date.UTC of a canonical timestamp's fields (isCanonical), by arithmetic: the days from the
 * epoch of a proleptic Gregorian date (H. Hinnant's days_from_civil, linear in the day, so
 * a day past the end of its month rolls over as in Date.UTC) plus the time of day. (The
 * first call of Date in a process sets up its caches, which a one-spec run would notice.)
 */
function canonicalTime(ts: string): number {
  const n = ts.length;
  let ms = 0;
  // One, two or three digits of a second: tenths, hundredths or milliseconds.
  for (let i = 20, unit = 100; i < n - 1; i++, unit /= 10) ms += (ts.charCodeAt(i) - 48) * unit;
  const month = twoDigits(ts, 5);
  // Years counted from March, so that a leap day ends its year.
  const y = twoDigits(ts, 0) * 100 + twoDigits(ts, 2) - (month <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + twoDigits(ts, 8) - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return ((days * 24 + twoDigits(ts, 11)) * 60 + twoDigits(ts, 14)) * 60000 + twoDigits(ts, 17) * 1000 + ms;
}
