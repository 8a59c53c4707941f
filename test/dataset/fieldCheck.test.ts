import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { DatasetBuilder } from "../../src/dataset/builder";
import { closestName } from "../../src/dataset/fieldCheck";
import { BlindspotError } from "../../src/errors";

function cameras() {
  const b = new DatasetBuilder("cams", null);
  b.declareField({ name: "ground_truth", kind: "detections", predicted: false });
  for (let i = 0; i < 6; i++) {
    const fields = { camera: `cam_${"ab"[i % 2]}`, weather: "sun" };
    const id = b.addSample({ filepath: `${i}.jpg`, width: 10, height: 10, fields });
    b.addObject({ sampleId: id, field: "ground_truth", label: "car", x: 0, y: 0, w: 5, h: 5 });
  }
  return b.build();
}

/** The BlindspotError `run` throws. */
function thrown(run: () => unknown): BlindspotError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(BlindspotError);
    return err as BlindspotError;
  }
  throw new Error("nothing was thrown");
}

describe("a field named anywhere must exist", () => {
  const ds = cameras();

  it("where, sort, select, countBy, distinct and expressions refuse an unknown field and suggest the close one", () => {
    expect(ds.where("camera", "cam_a").count()).toBe(3);
    expect(thrown(() => ds.where("camra", "cam_a")).message).toMatch(
      new RegExp(
        /^where: no sample field "camra"; did you mean "camera"\?\n {2}/.source +
          /fix: sample fields are: id, filepath, .*camera, weather/.source,
      ),
    );
    expect(thrown(() => ds.filter("d => d.camera === 'cam_a'").where("camra", "cam_a")).message).toMatch(
      /did you mean "camera"/,
    );
    expect(thrown(() => ds.sort("wether")).message).toMatch(
      /^sort: no sample field "wether"; did you mean "weather"\?/,
    );
    expect(thrown(() => ds.select("camera", "wether")).message).toMatch(/^select: no sample field "wether"/);
    expect(thrown(() => ds.countBy("camra")).message).toMatch(
      /no sample or object field "camra"; did you mean "camera"\?/,
    );
    expect(thrown(() => ds.distinct("lable", { of: "objects" })).message).toMatch(
      /^distinct: no object field "lable"; did you mean/,
    );
    expect(thrown(() => ds.filter("d => d.camra === 'cam_a'")).message).toMatch(
      /^filter: no sample field "camra"; did you mean "camera"\?/,
    );
    expect(thrown(() => ds.matchObjects("d => d.lable === 'car'")).message).toMatch(
      /^matchObjects: no object field "lable"; did you mean "label"\?/,
    );
    expect(thrown(() => ds.matchObjects("d => d.label === 'car'", { field: "groundtruth" })).message).toMatch(
      /no label field "groundtruth"; did you mean "ground_truth"\?/,
    );
    expect(thrown(() => ds.where("zzz", 1)).message).not.toMatch(/did you mean/);
  });

  it("suggests only what is a likely typo", () => {
    expect(closestName("camra", ["split", "camera", "weather"])).toBe("camera");
    expect(closestName("Camera", ["camera"])).toBe("camera");
    expect(closestName("wetaher", ["weather", "camera"])).toBe("weather");
    expect(closestName("xyz", ["camera", "split"])).toBeNull();
    expect(closestName("b", ["a", "split"])).toBeNull();
  });

  it("an error prints as its message and fix, without stack frames or undefined fields", () => {
    const err = thrown(() => ds.where("camra", "cam_a"));
    const printed = inspect(err);
    expect(printed).toBe(`BlindspotError: ${err.message}`);
    expect(printed).not.toMatch(/\n\s+at |undefined/);
  });
});

describe("the list of fields in a hint", () => {
  it("comes in lines short enough that a notebook never breaks a name in two", () => {
    const b = new DatasetBuilder("wide", null);
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`capture_time_${i}`, i]));
    b.addSample({ filepath: "a.jpg", width: 1, height: 1, fields });
    const err = thrown(() => b.build().where("capture_tme_3", 1));
    const hint = err.message.slice(err.message.indexOf("fix: "));
    const lines = hint.split("\n");
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(96);
    const named = hint
      .replace(/^fix: sample fields are: /, "")
      .split(/,\s+/)
      .map((n) => n.trim());
    expect(named).toContain("capture_time_29");
    expect(named).toHaveLength(b.build().samples.numCols());
  });
});
