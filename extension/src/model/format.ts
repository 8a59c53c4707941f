/** Numbers and values as the user reads them. */

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

/** The toolbar's count line; starts with the number of rows shown (tests read it). */
export function countLine(shown: number, total: number, selected: number, groups: number | null = null): string {
  let s = `${formatCount(shown)} of ${formatCount(total)} shown`;
  if (groups !== null) s += ` in ${formatCount(groups)} group${groups === 1 ? "" : "s"}`;
  if (selected) s += ` · ${formatCount(selected)} selected`;
  return s;
}

/** A time in UTC as people write it: "2024-03-09 12:30", or the date alone at midnight. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  const iso = new Date(ms).toISOString();
  return iso.slice(11, 16) === "00:00" ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/**
 * A range widened to round numbers (three significant digits of its span), for the side panel's
 * inputs: 0.0123456–0.98765 reads 0.012–0.988, and still holds every value.
 */
export function roundedRange(min: number, max: number): { lo: number; hi: number; step: number | null } {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return { lo: min, hi: max, step: null };
  const step = 10 ** (Math.floor(Math.log10(span)) - 2);
  // toPrecision drops the binary noise of the multiplication (0.30000000000000004).
  const round = (v: number) => Number(v.toPrecision(12));
  return { lo: round(Math.floor(min / step) * step), hi: round(Math.ceil(max / step) * step), step: round(step) };
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "—";
    if (Number.isInteger(v)) return formatCount(v);
    const abs = Math.abs(v);
    return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  }
  if (Array.isArray(v)) return v.map(formatValue).join(", ");
  return String(v);
}
