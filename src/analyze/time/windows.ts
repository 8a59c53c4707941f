/**
 * Consecutive time windows over a sample field: calendar windows in UTC (an hour, a day, an ISO
 * week from Monday, a month, a quarter, a year) or windows of a fixed width in the field's own
 * unit (milliseconds for dates), from the window of the earliest sample to that of the latest.
 * Windows without samples are kept, so a gap in the data shows as a gap.
 */

import type { ColumnTable } from "arquero";
import { values } from "../../dataset/columns";
import { checkField } from "../../dataset/fieldCheck";
import { BlindspotError } from "../../errors";
import { readTimes } from "./readTimes";

export type WindowSize = "hour" | "day" | "week" | "month" | "quarter" | "year" | number;

export interface TimeWindows {
  field: string;
  size: WindowSize;
  /** Window of each sample row (oldest first), -1 where the sample has no time. */
  windowOf: Int32Array;
  /** Per window: its start (inclusive) and end (exclusive), a name, and its samples. */
  start: number[];
  end: number[];
  names: string[];
  counts: Int32Array;
  /** Samples without a value in the field. */
  missing: number;
}

/** Beyond this many windows the size is surely a mistake (a day-wide window over years of seconds). */
const MAX_WINDOWS = 10_000;
const HOUR = 3_600_000,
  DAY = 24 * HOUR;
const CALENDAR = ["hour", "day", "week", "month", "quarter", "year"] as const;

export function timeWindows(samples: ColumnTable, field: string, size: WindowSize, place: string): TimeWindows {
  checkField(field, samples.columnNames(), `${place}: time`);
  const column = values<unknown>(samples, field);
  const times = readTimes(column);
  if (times.unparsable.count) {
    const ids = values<string>(samples, "id");
    const examples = times.unparsable.examples.map((e) => `sample ${ids[e.row]}: ${JSON.stringify(e.value)}`);
    throw new BlindspotError({
      place: `${place}: time "${field}"`,
      message: `${times.unparsable.count} of ${column.length} values are not times (${examples.join("; ")})`,
      hint: "fix or clear those values (null counts as no time), or name a field of dates, ISO text or numbers",
    });
  }
  if (typeof size === "number" ? !(size > 0 && Number.isFinite(size)) : !CALENDAR.includes(size))
    throw new BlindspotError({
      place: `${place}: window`,
      message: `unknown window ${JSON.stringify(size)}`,
      hint: `use one of ${CALENDAR.map((c) => JSON.stringify(c)).join(", ")}, or a width in the field's unit (ms for dates)`,
    });
  const dates = Array.prototype.some.call(column, (v) => typeof v === "string" || v instanceof Date);
  if (typeof size === "string" && !dates)
    throw new BlindspotError({
      place: `${place}: window`,
      message: `"${field}" holds numbers, not dates, so a ${size} is not defined on it`,
      hint: "pass the window as a width in the field's own unit, e.g. window: 100",
    });
  const { at } = times;
  let lo = Infinity,
    hi = -Infinity;
  for (const t of at) if (!Number.isNaN(t)) [lo, hi] = [Math.min(lo, t), Math.max(hi, t)];
  if (lo === Infinity)
    throw new BlindspotError({
      place: `${place}: time "${field}"`,
      message: "no sample has a time",
      hint: "fill the field, or name another one",
    });
  const start: number[] = [];
  for (let t = floor(lo, size); t <= hi; t = next(t, size)) {
    start.push(t);
    if (start.length > MAX_WINDOWS)
      throw new BlindspotError({
        place: `${place}: window`,
        message: `a window of ${JSON.stringify(size)} cuts the time span into more than ${MAX_WINDOWS} windows`,
        hint: "choose a wider window",
      });
  }
  const end = start.map((t) => next(t, size));
  const windowOf = new Int32Array(at.length).fill(-1);
  const counts = new Int32Array(start.length);
  for (let r = 0; r < at.length; r++) {
    if (Number.isNaN(at[r])) continue;
    // Binary search: the last window starting at or before the time.
    let a = 0,
      b = start.length - 1;
    while (a < b) {
      const m = (a + b + 1) >> 1;
      if (start[m] <= at[r]) a = m;
      else b = m - 1;
    }
    windowOf[r] = a;
    counts[a]++;
  }
  return {
    field,
    size,
    windowOf,
    start,
    end,
    names: start.map((t, w) => windowName(t, end[w], size, dates)),
    counts,
    missing: times.missing,
  };
}

function floor(t: number, size: WindowSize): number {
  if (typeof size === "number") return Math.floor(t / size) * size;
  const d = new Date(t);
  switch (size) {
    case "hour":
      return Math.floor(t / HOUR) * HOUR;
    case "day":
      return Math.floor(t / DAY) * DAY;
    case "week": {
      const day = Math.floor(t / DAY) * DAY;
      return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY; // back to Monday
    }
    case "month":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case "quarter":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3), 1);
    case "year":
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

function next(t: number, size: WindowSize): number {
  if (typeof size === "number") return t + size;
  const d = new Date(t);
  const months = { month: 1, quarter: 3, year: 12 } as Record<string, number>;
  if (size in months) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months[size], 1);
  return t + { hour: HOUR, day: DAY, week: 7 * DAY }[size as "hour" | "day" | "week"];
}

/** "2024-05", "2024-Q2", "2024-05-03", "week of 2024-04-29", "2024-05-03 14:00", or "a to b". */
function windowName(t: number, end: number, size: WindowSize, dates: boolean): string {
  const iso = new Date(t).toISOString();
  switch (size) {
    case "hour":
      return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
    case "day":
      return iso.slice(0, 10);
    case "week":
      return `week of ${iso.slice(0, 10)}`;
    case "month":
      return iso.slice(0, 7);
    case "quarter":
      return `${iso.slice(0, 4)}-Q${Math.floor(new Date(t).getUTCMonth() / 3) + 1}`;
    case "year":
      return iso.slice(0, 4);
    default:
      return dates
        ? `${iso.replace(".000Z", "Z")} to ${new Date(end).toISOString().replace(".000Z", "Z")}`
        : `${t} to ${end}`;
  }
}
