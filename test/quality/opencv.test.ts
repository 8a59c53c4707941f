import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { graphAccepts, graphRawStats, openQualityGraph } from "../../src/quality/graph";
import { laplacianSums, opencvGray, varianceOfSums } from "../../src/quality/opencv";
import { pilGray } from "../../src/quality/pil";
import { referenceRawStats } from "../../src/quality/scores";
import type { QualityImage } from "../../src/quality/stats";
import { hasPython } from "../helpers/reference";
import { HAS_SHARED, onSharedData, tmpDir } from "../helpers/data";
import { python, randomImage, SIGN_FILES, storedImage, VOC_FILES } from "./helpers";

/**
 * Variance of the Laplacian, by the TypeScript reference and by the ONNX graph, against
 * cv2.Laplacian(cv2.cvtColor(img, COLOR_BGR2GRAY), cv2.CV_64F).var() run live
 * (test/quality/opencv_laplacian.py), on every image of voc100 and sign-digits and on tiny
 * generated images (the borders' reflection matters most there).
 */
const TOL = 1e-6;

describe.runIf(HAS_SHARED && hasPython())(onSharedData("variance of the Laplacian equals OpenCV's"), () => {
  it("on every voc100 and sign-digits image and on tiny images, TypeScript and ONNX", async () => {
    const dir = tmpDir("laplacian");
    const tiny = [];
    for (const [w, h] of [
      [1, 1],
      [1, 6],
      [7, 1],
      [2, 2],
      [2, 9],
      [3, 5],
      [64, 3],
    ])
      tiny.push(await randomImage(dir, w, h, w * 31 + h));
    const files = [...VOC_FILES, ...SIGN_FILES, ...tiny];
    expect(VOC_FILES.length).toBe(100);
    expect(SIGN_FILES.length).toBe(2062);
    const cv = python<Record<string, number>>("opencv_laplacian.py", files);

    const { session, provider } = await openQualityGraph("auto");
    const images: QualityImage[] = [];
    for (const f of files) images.push(await storedImage(f));
    const worst = { typescript: 0, onnx: 0 };
    const bySize = new Map<string, number[]>();
    images.forEach((im, i) =>
      bySize.set(`${im.width}x${im.height}`, [...(bySize.get(`${im.width}x${im.height}`) ?? []), i]),
    );
    const relative = (v: number, i: number) => {
      const want = cv[files[i]];
      return want === 0 ? Math.abs(v) : Math.abs(v - want) / want;
    };
    let onnxImages = 0;
    for (const indices of bySize.values()) {
      const { width, height } = images[indices[0]];
      for (const i of indices) {
        const { laplacian } = referenceRawStats(images[i], 8);
        const err = relative(varianceOfSums(laplacian.sum, laplacian.sumSquares, width * height), i);
        expect(err, `${files[i]} (TypeScript)`).toBeLessThanOrEqual(TOL);
        worst.typescript = Math.max(worst.typescript, err);
      }
      if (!graphAccepts(width, height)) continue;
      for (let k = 0; k < indices.length; k += 64) {
        const batch = indices.slice(k, k + 64);
        const stats = await graphRawStats(
          session,
          batch.map((i) => images[i]),
          8,
        );
        stats.forEach(({ laplacian }, j) => {
          const err = relative(varianceOfSums(laplacian.sum, laplacian.sumSquares, width * height), batch[j]);
          expect(err, `${files[batch[j]]} (ONNX)`).toBeLessThanOrEqual(TOL);
          worst.onnx = Math.max(worst.onnx, err);
          onnxImages++;
        });
      }
    }
    console.log(
      `variance of the Laplacian vs cv2 on ${files.length} images (${VOC_FILES.length} voc100, ` +
        `${SIGN_FILES.length} sign-digits, ${tiny.length} tiny): ` +
        `max relative error TypeScript ${worst.typescript.toExponential(2)}, ONNX on ${provider} ` +
        `${worst.onnx.toExponential(2)} (${onnxImages} images; ` +
        "the graph needs 2 pixels a side, smaller images are scored by the reference)",
    );
  });

  it("OpenCV's and Pillow's gray conversions equal cv2 and PIL on all 2^24 colours", () => {
    const dir = tmpDir("gray");
    python<unknown>("gray_all_colours.py", dir);
    const cv = fs.readFileSync(path.join(dir, "cv2.bin")),
      pil = fs.readFileSync(path.join(dir, "pil.bin"));
    let cvWrong = 0,
      pilWrong = 0;
    for (let c = 0; c < 1 << 24; c++) {
      const r = c >> 16,
        g = (c >> 8) & 255,
        b = c & 255;
      if (opencvGray(r, g, b) !== cv[c]) cvWrong++;
      if (pilGray(r, g, b) !== pil[c]) pilWrong++;
    }
    expect([cvWrong, pilWrong]).toEqual([0, 0]);
  });
});

describe("Laplacian sums", () => {
  it("reflect the borders as BORDER_REFLECT_101: a one-pixel side reflects onto itself", () => {
    // 1 x 3 image [1 2 4]: row neighbours reflect (2 | 1 2 4 | 2), the column onto itself.
    // Laplacians: 2+2-2 = 2, 1+4-4+2+2-... computed by hand below.
    const lap = (v: number[], x: number) => {
      const left = v[x === 0 ? 1 : x - 1],
        right = v[x === v.length - 1 ? v.length - 2 : x + 1];
      return left + right + 2 * v[x] - 4 * v[x];
    };
    const v = [1, 2, 4];
    const want = v.map((_, x) => lap(v, x));
    const s = laplacianSums(Uint8Array.from(v), 3, 1);
    expect(s).toEqual({ sum: want.reduce((a, b) => a + b), sumSquares: want.reduce((a, b) => a + b * b, 0) });
  });
});
