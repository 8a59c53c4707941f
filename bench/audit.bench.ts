/**
 * Audit benchmark: `audit()` of the 2,000-sample demo (its images written by generateDemo into
 * bench/out/audit), twice. "From nothing": quality scores and duplicate sets computed by the
 * audit itself, no cache; then "scored": the same dataset, its images already scored, audited
 * again (every check but the image pass). Prints each phase's time and the checks' findings, and
 * compares them with the targets (60 s and 10 s on a 2-core machine). No reference tool runs all
 * these checks in one call; the per-analysis benches (coverage, drift, slices, fairness, box
 * issues) compare each against its reference. Exits non-zero when a target is missed.
 *
 *   npm run bench:audit [-- --samples 2000]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { audit } from "../src/analyze/audit";
import { generateDemo } from "../src/demo";

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, "bench/out/audit");
const TARGETS_S = { fromNothing: 60, scored: 10 };

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

async function main(): Promise<number> {
  const samples = option("samples", 2000);
  fs.rmSync(OUT, { recursive: true, force: true });
  const { dataset: ds } = await generateDemo({ samples, seed: 0, out: OUT });
  // No cache anywhere: "from nothing" decodes and scores every image.
  delete process.env.BLINDSPOT_CACHE;
  let t = performance.now();
  const first = await audit(ds, { groups: "sequence", sensitive: ["camera"] });
  const fromNothing = (performance.now() - t) / 1000;
  t = performance.now();
  const again = await audit(ds, { groups: "sequence", sensitive: ["camera"] });
  const scored = (performance.now() - t) / 1000;
  console.log(
    `audit of the demo, ${samples} images: ${first.findings.length} findings, ${first.skipped.length} checks skipped`,
  );
  for (const f of again.findings.slice(0, 5)) console.log(`  ${f.rank}. [${f.kind}] ${f.statement}`);
  const rows = [
    ["from nothing (quality scores and duplicate sets included)", fromNothing, TARGETS_S.fromNothing],
    ["images already scored", scored, TARGETS_S.scored],
  ] as const;
  for (const [what, s, target] of rows)
    console.log(`${what}: ${s.toFixed(2)} s (target ${target} s: ${s <= target ? "met" : "MISSED"})`);
  return rows.every(([, s, target]) => s <= target) ? 0 : 1;
}

main().then((code) => (process.exitCode = code));
