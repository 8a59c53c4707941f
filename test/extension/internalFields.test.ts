import { describe, expect, it } from "vitest";
import { isInternalField } from "../../extension/src/model/internalFields";

describe("internal fields of the large view", () => {
  it("are hashes, digests and thumbnail keys, by name or by a long hexadecimal value", () => {
    for (const name of ["quality_md5", "quality_phash", "md5", "thumb_hex", "dhash", "sha256", "thumbnail"]) {
      expect(isInternalField(name, "x"), name).toBe(true);
    }
    expect(isInternalField("checksum", "d41d8cd98f00b204e9800998ecf8427e")).toBe(true);
  });

  it("are not the fields people read", () => {
    for (const [name, value] of [
      ["weather", "rain"],
      ["quality_brightness", 0.4],
      ["ground_truth", "car"],
      ["camera", "cam_a"],
      ["hashtag", "#city"],
      ["id", "2007_000027"],
      ["quality_near_duplicate_group", 12],
    ] as const) {
      expect(isInternalField(name, value), name).toBe(false);
    }
  });
});
