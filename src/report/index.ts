/**
 * report(): an audit as one self-contained HTML file to send to someone without a notebook:
 * the ranked findings with their fixes and evidence, the findings chart (interactive where scripts
 * run, SVG where they do not), a grid of each finding's first samples with filters, and the
 * checks not run. The same audit gives the same bytes: the only time in the file is the one the
 * caller passes.
 */

import * as path from "node:path";
import type { Audit, Finding } from "../analyze/audit";
import { values } from "../dataset/columns";
import { writeFileAtomic } from "../io/atomic";
import { withProgress } from "../progress";
import { findingsChart } from "./chart";
import { renderPage, type PageFinding, type PageTile } from "./page";
import { thumbnail } from "./thumbs";
import { compileVegaLite, renderSvg, vegaBrowserBuild } from "./vega";

export interface ReportOptions {
  /** The page's title (default "Audit of <dataset name>"). */
  title?: string;
  /** A time to print on the page (e.g. new Date().toISOString()); none by default, so that reruns give equal files. */
  timestamp?: string;
  /** Samples of each finding shown in the grid (default 24). */
  samplesPerFinding?: number;
  /** Longest side of a thumbnail in pixels (default 96). */
  thumbnailSize?: number;
  /** Evidence rows per finding (default 10). */
  evidenceRows?: number;
  onProgress?: (done: number, total: number) => void;
}

export const REPORT_DEFAULTS = { samplesPerFinding: 24, thumbnailSize: 96, evidenceRows: 10 } as const;

export interface ReportResult {
  file: string;
  bytes: number;
  findings: number;
  thumbnails: number;
}

export function report(input: Audit, file: string, options: ReportOptions = {}): Promise<ReportResult> {
  return withProgress("report: thumbnails", options, false, (o) => writeReport(input, file, o));
}

async function writeReport(a: Audit, file: string, options: ReportOptions): Promise<ReportResult> {
  const o = { ...REPORT_DEFAULTS, ...options };
  const ds = a.dataset;
  const tiles = await gridTiles(a, o.samplesPerFinding, o.thumbnailSize, options.onProgress);
  const s = a.summary;
  const lines = [
    `${s.samples} samples, ${s.findings} findings from ${s.checks.ran.length} checks` +
      (s.predictions
        ? `; effects measured on ${s.predictions}'s per-image errors (${s.errors})`
        : "; no predictions: ranked by size"),
    ...(options.timestamp ? [`made ${options.timestamp}`] : []),
  ];
  const spec = a.findings.length ? findingsChart(a.findings, s.errors) : null;
  const html = renderPage({
    title: o.title ?? `Audit of ${ds.name}`,
    lines,
    findings: a.findings.map((f) => pageFinding(f, o.evidenceRows)),
    tiles,
    skipped: a.skipped,
    chart: spec ? { svg: await renderSvg(spec), vega: await compileVegaLite(spec) } : null,
    vegaScript: vegaBrowserBuild(),
    tileSize: o.thumbnailSize,
  });
  const target = path.resolve(file);
  writeFileAtomic(target, html);
  return {
    file: target,
    bytes: Buffer.byteLength(html),
    findings: a.findings.length,
    thumbnails: tiles.filter((t) => "url" in t.thumb).length,
  };
}

/** Each finding's first samples, one tile per sample however many findings name it. */
async function gridTiles(
  a: Audit,
  perFinding: number,
  size: number,
  onProgress: ReportOptions["onProgress"],
): Promise<PageTile[]> {
  const ds = a.dataset;
  const ids = Array.from(values<string>(ds.samples, "id"));
  const rowOf = new Map(ids.map((id, r) => [id, r]));
  const filepath = values<string>(ds.samples, "filepath");
  const split = ds.samples.columnNames().includes("split") ? values<unknown>(ds.samples, "split") : null;
  const ranksOf = new Map<string, number[]>();
  for (const f of a.findings)
    for (const id of f.samples.slice(0, perFinding)) ranksOf.set(id, [...(ranksOf.get(id) ?? []), f.rank]);
  const tiles: PageTile[] = [];
  for (const [id, findings] of ranksOf) {
    const r = rowOf.get(id)!;
    tiles.push({
      id,
      caption: split && split[r] != null ? [String(split[r])] : [],
      findings,
      thumb: await thumbnail(ds, filepath[r], size),
    });
    onProgress?.(tiles.length, ranksOf.size);
  }
  return tiles;
}

function pageFinding(f: Finding, evidenceRows: number): PageFinding {
  const e = f.effect;
  const effect =
    e && f.score > 1
      ? `mean error ${e.inside.toFixed(2)} [${e.insideLow.toFixed(2)}, ${e.insideHigh.toFixed(2)}] inside against ` +
        `${e.outside.toFixed(2)} outside; ${(100 * e.excess).toFixed(1)} % of the errors beyond the rest's rate`
      : "";
  const columns = f.evidence.columnNames();
  const rows = (f.evidence.objects({ limit: evidenceRows }) as Record<string, unknown>[]).map((row) =>
    columns.map((c) => cellText(row[c])),
  );
  return {
    rank: f.rank,
    kind: f.kind,
    statement: f.statement,
    fix: f.fix,
    samples: f.samples.length,
    effect,
    evidence: { columns, rows, total: f.evidence.numRows() },
  };
}

/** A cell as short text: numbers to 4 significant digits, lists and objects as JSON, cut at 120 characters. */
function cellText(v: unknown): string {
  const text =
    v === null || v === undefined
      ? ""
      : typeof v === "number"
        ? Number.isInteger(v)
          ? String(v)
          : v.toPrecision(4)
        : typeof v === "object"
          ? JSON.stringify(v)
          : String(v);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
