/** Arrow columns to the row objects Vega wants, with one tight loop per column. */

export function toRecords(
  names: readonly string[],
  columns: readonly ArrayLike<unknown>[],
  rows?: ArrayLike<number>,
): Record<string, unknown>[] {
  const n = rows ? rows.length : columns.length ? columns[0].length : 0;
  const out: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = {};
  names.forEach((name, c) => {
    const col = columns[c];
    if (rows) for (let i = 0; i < n; i++) out[i][name] = plain(col[rows[i]]);
    else for (let i = 0; i < n; i++) out[i][name] = plain(col[i]);
  });
  return out;
}

// Vega cannot compare BigInt (int64 columns) with numbers.
function plain(v: unknown): unknown {
  return typeof v === "bigint" ? Number(v) : v;
}
