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
