/**
 * blindspot's bbox evaluation of results.json against gt.json; prints one JSON line like the
 * Python runners'. The evaluation runs REPS times (default 2) and the best time counts.
 *
 *   node dist/bench/detection/blindspot_run.js GT RESULTS [REPS]
 */
import { importLabels, load } from "../../src/formats/api";
import { evaluateDetections, type DetectionEvaluation } from "../../src/eval/detection";

async function main() {
  const [gtFile, resultsFile, reps = "2"] = process.argv.slice(2);
  const t0 = performance.now();
  const ds = await load(gtFile, { format: "coco" });
  await importLabels(ds, resultsFile, { format: "coco-results", field: "predictions" });
  const loadS = (performance.now() - t0) / 1000;

  const evalS: number[] = [];
  let ev: DetectionEvaluation | undefined;
  for (let r = 0; r < Number(reps); r++) {
    const t = performance.now();
    ev = evaluateDetections(ds, "predictions", { gt: "ground_truth", iouType: "bbox" });
    evalS.push((performance.now() - t) / 1000);
  }
  // Keyed by category id, as pycocotools_run.py writes it; -1 where pycocotools has no AP.
  const idOf = new Map(ds.categories.map((c) => [c.name, c.id]));
  const perCategory: Record<string, number> = {};
  for (const row of ev!.perClass().objects() as { class: string; AP: number | null }[])
    perCategory[String(idOf.get(row.class))] = row.AP ?? -1;

  console.log(
    JSON.stringify({
      tool: "blindspot",
      load_s: loadS,
      eval_s: Math.min(...evalS),
      eval_runs_s: evalS,
      stats: ev!.stats,
      per_category_ap: perCategory,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
