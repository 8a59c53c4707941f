/**
 * The report's page: one HTML file with everything inside (styles, thumbnails as data URLs, the
 * chart as SVG and as a Vega spec with vega's browser build, a small script). A content security
 * policy forbids any request, so the page opens from file:// and never reaches the network.
 * Every text from the data is escaped; the JSON inside script elements cannot close them.
 */

import { escapeHtml, formatCount } from "./escape";

export interface PageFinding {
  rank: number;
  kind: string;
  statement: string;
  fix: string;
  samples: number;
  /** "mean error 3.69 [3.52, 3.86] inside against 1.58 outside; 21.3 % of the errors beyond the rest's rate", or "". */
  effect: string;
  evidence: { columns: string[]; rows: string[][]; total: number };
}

export interface PageTile {
  id: string;
  caption: string[];
  /** Ranks of the findings the sample belongs to. */
  findings: number[];
  thumb: { url: string; width: number; height: number } | { missing: string };
}

export interface Page {
  title: string;
  lines: string[];
  findings: PageFinding[];
  tiles: PageTile[];
  skipped: { check: string; reason: string }[];
  chart: { svg: string; vega: unknown } | null;
  vegaScript: string;
  tileSize: number;
}

const STYLE = `
body{font-family:system-ui,sans-serif;font-size:14px;margin:24px;color:#222;max-width:1200px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.lines{color:#555;margin:0 0 12px}
ol.findings{padding-left:0;list-style:none}
.finding{border-left:4px solid #ccc;padding:6px 10px;margin:6px 0}
.finding.picked{border-left-color:#d62728;background:#fff6f6}
.finding .kind{font-size:11px;text-transform:uppercase;color:#777;letter-spacing:.04em}
.finding .fix{color:#2b5b2b}.finding .effect{color:#555;font-size:12px}
.finding button{font-size:12px;margin-top:4px;cursor:pointer}
details table{border-collapse:collapse;font-size:11px;margin-top:4px}
details td,details th{border:1px solid #ddd;padding:2px 6px;text-align:left;max-width:260px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.filters{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.tiles{display:flex;flex-wrap:wrap;gap:6px}
.tile{margin:0;font-size:10px;color:#333}
.tile img{display:block}.tile .missing{background:#eee;color:#777;font-size:9px;overflow:hidden}
.tile figcaption div{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
`;

/** The page script: the finding filter, the text filter, the chart's clicks. */
const SCRIPT = `
(function () {
  var tiles = Array.prototype.slice.call(document.querySelectorAll(".tile"));
  var pick = document.getElementById("finding-filter"), text = document.getElementById("text-filter");
  var shown = document.getElementById("shown");
  function apply() {
    var rank = pick.value, q = text.value.trim().toLowerCase(), n = 0;
    tiles.forEach(function (t) {
      var ok = (!rank || (" " + t.getAttribute("data-findings") + " ").indexOf(" " + rank + " ") >= 0) &&
        (!q || t.getAttribute("data-text").indexOf(q) >= 0);
      t.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + " of " + tiles.length + " samples shown";
    Array.prototype.forEach.call(document.querySelectorAll(".finding"), function (li) {
      li.classList.toggle("picked", li.getAttribute("data-rank") === rank);
    });
  }
  function choose(rank) {
    pick.value = rank ? String(rank) : "";
    apply();
    if (rank) document.getElementById("samples").scrollIntoView({ block: "start" });
  }
  pick.addEventListener("change", apply);
  text.addEventListener("input", apply);
  Array.prototype.forEach.call(document.querySelectorAll(".finding button"), function (b) {
    b.addEventListener("click", function () { choose(b.getAttribute("data-rank")); });
  });
  var spec = document.getElementById("vega-spec");
  if (spec && window.vega) {
    var el = document.getElementById("chart-view");
    var view = new vega.View(vega.parse(JSON.parse(spec.textContent)), { renderer: "svg", container: el, hover: true });
    view.runAsync().then(function () {
      el.setAttribute("data-live", "true");
      view.addEventListener("click", function (event, item) { choose(item && item.datum ? item.datum.rank : ""); });
    });
  }
  apply();
})();
`;

/** JSON inside a script element: no "<" at all, so nothing in it can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

export function renderPage(p: Page): string {
  const csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline' 'unsafe-eval'";
  const findings = p.findings.map(findingHtml).join("");
  const options = p.findings
    .map(
      (f) =>
        `<option value="${f.rank}">${f.rank}. ${escapeHtml(f.kind)}: ${escapeHtml(f.statement.slice(0, 80))}</option>`,
    )
    .join("");
  const tiles = p.tiles.map((t) => tileHtml(t, p.tileSize)).join("");
  const skipped = p.skipped.length
    ? `<h2>Checks not run</h2><ul>${p.skipped.map((s) => `<li>${escapeHtml(s.check)}: ${escapeHtml(s.reason)}</li>`).join("")}</ul>`
    : "";
  const chart = p.chart
    ? `<h2>What each finding costs</h2><div id="chart-view">${p.chart.svg}</div>` +
      `<script type="application/json" id="vega-spec">${scriptJson(p.chart.vega)}</script>`
    : "";
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<title>${escapeHtml(p.title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(p.title)}</h1>` +
    `<p class="lines">${p.lines.map(escapeHtml).join("<br>")}</p>` +
    chart +
    `<h2>Findings, most costly first</h2><ol class="findings">${findings}</ol>` +
    `<h2 id="samples">Samples</h2><div class="filters"><label>finding <select id="finding-filter"><option value="">all</option>${options}</select></label>` +
    `<label>text <input id="text-filter" type="search" placeholder="id, split, ..."></label><span id="shown"></span></div>` +
    `<div class="tiles">${tiles}</div>` +
    skipped +
    // vega's build holds no "</script" today; should one appear in a string, "\\x3c" is the same character there.
    `<script>${p.vegaScript.replace(/<\/script/gi, "\\x3c/script")}</script>` +
    `<script>${SCRIPT}</script></body></html>\n`
  );
}

function findingHtml(f: PageFinding): string {
  const evidence = f.evidence.rows.length
    ? `<details><summary>evidence (${f.evidence.rows.length < f.evidence.total ? `first ${f.evidence.rows.length} of ` : ""}` +
      `${formatCount(f.evidence.total)} rows)</summary><table><tr>${f.evidence.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr>` +
      f.evidence.rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`).join("") +
      `</table></details>`
    : "";
  return (
    `<li class="finding" data-rank="${f.rank}"><div class="kind">${f.rank}. ${escapeHtml(f.kind)}</div>` +
    `<div>${escapeHtml(f.statement)}</div>` +
    (f.effect ? `<div class="effect">${escapeHtml(f.effect)}</div>` : "") +
    `<div class="fix">fix: ${escapeHtml(f.fix)}</div>` +
    `<button type="button" data-rank="${f.rank}">show its ${formatCount(f.samples)} samples</button>${evidence}</li>`
  );
}

function tileHtml(t: PageTile, size: number): string {
  const text = [t.id, ...t.caption].join(" ").toLowerCase();
  const picture =
    "url" in t.thumb
      ? `<img src="${t.thumb.url}" width="${t.thumb.width}" height="${t.thumb.height}" alt="${escapeHtml(t.id)}">`
      : `<div class="missing" style="width:${size}px;height:${size}px">${escapeHtml(t.thumb.missing)}</div>`;
  return (
    `<figure class="tile" style="width:${size}px" data-findings="${t.findings.join(" ")}" data-text="${escapeHtml(text)}">` +
    `${picture}<figcaption>${[t.id, ...t.caption].map((c) => `<div>${escapeHtml(c)}</div>`).join("")}</figcaption></figure>`
  );
}
