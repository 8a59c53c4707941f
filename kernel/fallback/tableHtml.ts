import { escapeHtml, formatCount } from "../../src/report/escape";

export type Cell = string | number | boolean | null;

/** A plain HTML table of the first rows; every name and value is escaped text. */
export function tableHtml(p: { title: string; columns: string[]; rows: Cell[][]; total: number }): string {
  const head = p.columns.map((c) => `<th style="text-align:left;padding:2px 6px">${escapeHtml(c)}</th>`).join("");
  const body = p.rows
    .map(
      (row) =>
        `<tr>${row
          .map(
            (v) =>
              `<td style="padding:2px ` +
              `6px;${typeof v === "number" ? "text-align:right" : ""}">${escapeHtml(formatCell(v))}</td>`,
          )
          .join("")}</tr>`,
    )
    .join("");
  const more =
    p.rows.length < p.total
      ? `First ${p.rows.length} of ${formatCount(p.total)} rows. `
      : `${formatCount(p.total)} rows. `;
  return (
    `<div style="font-family:sans-serif;font-size:12px">` +
    `<div style="font-weight:600;margin-bottom:4px">${escapeHtml(p.title)}</div>` +
    `<table style="border-collapse:collapse"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    `<p style="margin:6px 0 0 0;color:#555">${more}Sorting and linking need the blindspot JupyterLab ` +
    `extension.</p></div>`
  );
}

function formatCell(v: Cell): string {
  if (v === null) return "";
  if (typeof v === "number" && !Number.isInteger(v)) return String(Number(v.toPrecision(6)));
  return String(v);
}
