import { describe, expect, test } from "vitest";
import { MIME, type ChartBundle, type GridBundle, type TableBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { values } from "../../src/dataset/columns";
import { BACKGROUND, evaluateDetections } from "../../src/eval/detection";
import { evaluateClassification } from "../../src/eval/classification";
import { DatasetBuilder } from "../../src/dataset/builder";
import { linkGroup } from "../../kernel/linkGroup";
import { captureOutputs, demoDataset, readArrow } from "./helpers";

/** `show(evaluation)`: summary, PR curves, a linked confusion matrix, per-class table, slice bars and a grid. */
describe("show(evaluation)", () => {
  test("detection: every part, the matrix's cells and the slice bars linked to the grid's samples", async () => {
    const ds = await demoDataset();
    const ev = evaluateDetections(ds, "model");
    const { outputs: all, notebookDir } = captureOutputs("eval-view");
    await show(ev, { slices: ["camera"], bootstrap: 20 });
    // Progress bars come and go while thumbnails are made; the parts are the blindspot outputs.
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.chart, MIME.table, MIME.chart, MIME.grid]);
    for (const o of outputs) expect(o.data["text/plain"]).toBeTruthy();

    const summary = outputs[0].data[MIME.table] as TableBundle;
    expect(summary.rows![0]).toEqual(["AP", ev.stats[0]]);
    const curves = outputs[1].data[MIME.chart] as ChartBundle;
    expect(curves.title).toMatch(/Precision against recall at IoU 0.5/);
    // A click on a curve selects the samples holding objects of its class.
    expect(curves.link).toMatchObject({ param: "pick", type: "point", fields: { color: "color" }, highlight: null });
    const curveRows = readArrow(notebookDir, curves.link!.rows);
    const carSamples = new Set(
      Array.from(curveRows.getChild("id").toArray() as string[]).filter(
        (_, i) => curveRows.getChild("color").get(i) === "car",
      ),
    );
    expect(carSamples).toEqual(new Set(ds.objects.filter("d => d.label === 'car'").array("sample_id") as string[]));
    expect((outputs[1].data["image/svg+xml"] as string).startsWith("<svg")).toBe(true);

    // The confusion matrix: one row per match or miss, each carrying its sample id.
    const confusion = outputs[2].data[MIME.chart] as ChartBundle;
    expect(confusion.link).toMatchObject({ param: "pick", type: "point", fields: { x: "x", y: "y" } });
    const rows = readArrow(notebookDir, confusion.link!.rows);
    const matches = ev.matchTable();
    expect(rows.numRows).toBe(matches.numRows());
    const x = Array.from(rows.getChild("x").toArray() as string[]),
      y = Array.from(rows.getChild("y").toArray() as string[]),
      id = Array.from(rows.getChild("id").toArray() as string[]);
    const fnSamples = new Set(id.filter((_, i) => x[i] === BACKGROUND && y[i] === "car"));
    const fn = values<number>(ds.samples, `${ev.key}_fn`);
    const anyCarMissed = Array.from(values<string>(ds.samples, "id")).filter((_, i) => fn[i] > 0);
    expect(fnSamples.size).toBeGreaterThan(0);
    for (const s of fnSamples) expect(anyCarMissed).toContain(s);

    const perClass = outputs[3].data[MIME.table] as TableBundle;
    expect(perClass.columns.map((c) => c.name)).toEqual([
      "class",
      "AP",
      "AP50",
      "AR",
      "truth",
      "predicted",
      "tp",
      "fp",
      "fn",
      "precision",
      "recall",
    ]);

    // Slice bars: worst camera first, each bar selecting that camera's samples.
    const bars = outputs[4].data[MIME.chart] as ChartBundle;
    expect(bars.title).toBe("mAP by camera (bars: bootstrap interval)");
    const sliceRows = readArrow(notebookDir, bars.link!.rows);
    expect(sliceRows.numRows).toBe(ds.count());
    expect((bars.spec.datasets as Record<string, { slice: string }[]>).bars[0].slice).toBe("cam_e");

    const grid = outputs[5].data[MIME.grid] as GridBundle;
    expect(grid.group).toBe(linkGroup(ds));
    // The grid's boxes carry the evaluation's outcomes, which colour them.
    const boxes = readArrow(notebookDir, grid.objects!.files[0]);
    expect(new Set(Array.from({ length: boxes.numRows }, (_, i) => boxes.getChild("outcome").get(i)))).toEqual(
      new Set(["tp", "fp", "fn"]),
    );
    expect(
      outputs.every((o) =>
        [linkGroup(ds)].includes(
          (Object.values(o.data).find((v) => typeof v === "object" && v !== null && "group" in v) as { group: string })
            .group,
        ),
      ),
    ).toBe(true);
  });

  test("classification: summary, PR curves, confusion over the samples and the per-class table", async () => {
    const b = new DatasetBuilder("cls", null);
    b.declareField({ name: "ground_truth", kind: "classification", predicted: false });
    b.declareField({ name: "net", kind: "classification", predicted: true, classes: ["cat", "dog"] });
    for (let i = 0; i < 40; i++) {
      const truth = i % 2 ? "cat" : "dog",
        p = (i % 7) / 7;
      b.addSample({
        id: `${i}.jpg`,
        filepath: `${i}.jpg`,
        fields: {
          ground_truth: truth,
          net: p > 0.5 ? "cat" : "dog",
          net_confidence: Math.max(p, 1 - p),
          net_probs: [p, 1 - p],
        },
      });
    }
    const ds = b.build();
    const ev = evaluateClassification(ds, "net");
    const { outputs: all } = captureOutputs("eval-view-cls");
    await show(ev);
    const outputs = all.filter((o) => Object.keys(o.data).some((m) => m.startsWith("application/vnd.blindspot")));
    const kinds = outputs.map((o) => Object.keys(o.data).find((m) => m.startsWith("application/vnd.blindspot")));
    expect(kinds).toEqual([MIME.table, MIME.chart, MIME.chart, MIME.table, MIME.grid]);
    const summary = outputs[0].data[MIME.table] as TableBundle;
    expect(summary.rows![0]).toEqual(["accuracy", ev.accuracy]);
    const confusion = outputs[2].data[MIME.chart] as ChartBundle;
    expect(confusion.link?.fields).toEqual({ x: "x", y: "y" });
  });
});
