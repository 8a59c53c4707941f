import * as aq from "arquero";
import { expect, test } from "vitest";
import { plot } from "../../kernel/plot";
import { MIME, type ChartBundle } from "../../kernel/protocol";
import { show } from "../../kernel/show";
import { DatasetBuilder } from "../../src/dataset/builder";
import { captureOutputs, readArrow } from "./helpers";
import { linkGroup } from "../../kernel/linkGroup";

/** plot.issues: one bar per flagged quality issue, each bar selecting the samples it affects. */
test("counts the samples of each flagged issue and links every bar to them", async () => {
  const b = new DatasetBuilder("q", null);
  for (let i = 0; i < 6; i++) b.addSample({ id: `${i}.jpg`, filepath: `${i}.jpg` });
  const ds = b.build();
  ds.setFields(
    aq.table({
      id: ["0.jpg", "1.jpg", "2.jpg", "3.jpg", "4.jpg", "5.jpg"],
      is_dark: [true, true, false, false, null, false],
      is_blurry: [false, true, false, false, false, true],
      is_light: [false, false, false, false, false, false],
    }),
  );
  const { outputs, notebookDir } = captureOutputs("issues");
  await show(plot.issues(ds));
  const chart = outputs.at(-1)!.data[MIME.chart] as ChartBundle;
  expect(chart.title).toBe("Image quality issues (6 samples checked)");
  const counts = (chart.spec.datasets as Record<string, { x: string; count: number }[]>).counts;
  expect(Object.fromEntries(counts.map((c) => [c.x, c.count]))).toEqual({ dark: 2, blurry: 2 });
  const rows = readArrow(notebookDir, chart.link!.rows);
  const pairs = Array.from(
    { length: rows.numRows },
    (_, i) => `${rows.getChild("x").get(i)}:${rows.getChild("id").get(i)}`,
  );
  expect(pairs.sort()).toEqual(["blurry:1.jpg", "blurry:5.jpg", "dark:0.jpg", "dark:1.jpg"]);
  expect(chart.group).toBe(linkGroup(ds));
});

test("says to run computeQuality first when there are no flags", () => {
  const b = new DatasetBuilder("none", null);
  b.addSample({ id: "a.jpg", filepath: "a.jpg" });
  expect(() => plot.issues(b.build())).toThrow(/no quality flags on "none"[\s\S]*computeQuality/);
});
