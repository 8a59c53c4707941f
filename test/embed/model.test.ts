import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillInput, parseCard, type ModelCard } from "../../src/embed/model/card";
import { bundledExport, parseLiteral } from "../../src/embed/model/literal";
import { loadModel } from "../../src/embed/model/load";
import { convertBuiltin, MOBILENET, MOBILENET_PROBABILITIES, tarball } from "../../src/embed/model/mobilenet";
import { modelsDir, sha256 } from "../../src/embed/model/store";
import { GraphBuilder } from "../../src/onnx/graph";
import { releaseSessions } from "../../src/onnx/session";
import { rejection, tmpDir } from "../helpers/data";

afterAll(releaseSessions);

describe("built-in MobileNetV2s (nsfwjs's TF.js models converted to ONNX)", () => {
  it.each([
    [MOBILENET, 1792, [2, 1792]],
    ["mobilenet_v2_1.0", 1280, [2, 1, 1, 1280]],
  ])("%s converts to the same bytes every time, and onnxruntime runs it: %i-d embeddings", async (name, dim, dims) => {
    const model = await loadModel(name); // the models cache scripts/setup.sh filled
    const bytes = convertBuiltin(name, await tarball({ dir: modelsDir() }));
    expect(sha256(bytes)).toBe(model.sha256);
    expect(model.card.output.dim).toBe(dim);

    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(["images"]);
    const x = new Float32Array(2 * 224 * 224 * 3);
    for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 256) / 255;
    const out = await session.run({ images: new ort.Tensor("float32", x, [2, 224, 224, 3]) });
    expect(out.embedding.dims).toEqual(dims);
    // Features after ReLU6 and average pooling lie in [0, 6], and the image is not blank to the model.
    const e = out.embedding.data as Float32Array;
    expect(Math.min(...e)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...e)).toBeLessThanOrEqual(6);
    expect(e.filter((v) => v > 0).length).toBeGreaterThan(100);
    if (name === MOBILENET) {
      const p = out[MOBILENET_PROBABILITIES].data as Float32Array;
      expect(out[MOBILENET_PROBABILITIES].dims).toEqual([2, 5]);
      expect(p[0] + p[1] + p[2] + p[3] + p[4]).toBeCloseTo(1, 5);
    }
    await session.release();
  });

  it("refuses a tarball that is not the published one", async () => {
    const dir = tmpDir("model-tgz");
    const fake = path.join(dir, "nsfwjs-4.4.0.tgz");
    fs.writeFileSync(fake, "not the package");
    const err = await rejection(tarball({ dir, tarball: fake }));
    expect(err.message).toMatch(/not the published nsfwjs-4.4.0.tgz: its integrity is sha512-.*, expected sha512-krC1/);
  });
});

/** A tiny model the project builds: global average pool of an NCHW image, 3-d. */
function tinyModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input("pixels", "float32", ["batch", 3, 8, 8]);
  g.output(g.node("Flatten", [g.node("GlobalAveragePool", [x])]), "float32", ["batch", 3], "features");
  return g.build();
}

const TINY_CARD: ModelCard = parseCard(
  { name: "tiny", input: { name: "pixels", width: 8, height: 8 }, output: { name: "features", dim: 3 } },
  "test",
);

describe("models by URL", () => {
  const bytes = tinyModel();
  const hash = sha256(bytes);
  let server: http.Server;
  let base = "";
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === "/m.onnx") res.end(Buffer.from(bytes));
      else if (req.url === "/changed.onnx") res.end(Buffer.concat([Buffer.from(bytes), Buffer.from([0])]));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // fetch keeps its connection alive
        server.close(() => resolve());
      }),
  );

  it("download once, check the sha256, and come from the cache afterwards", async () => {
    const dir = tmpDir("model-url");
    hits.length = 0;
    const first = await loadModel(`${base}/m.onnx`, { sha256: hash, card: TINY_CARD, dir });
    expect(hits).toEqual(["/m.onnx"]);
    expect(first.sha256).toBe(hash);
    expect(new Uint8Array(fs.readFileSync(first.path))).toEqual(bytes);
    // The second time needs neither the network nor the card: both are in the cache.
    const second = await loadModel(`${base}/m.onnx`, { sha256: hash.toUpperCase(), dir });
    expect(hits).toEqual(["/m.onnx"]);
    expect(second).toEqual(first);

    const session = await ort.InferenceSession.create(second.path);
    const input = new Float32Array(3 * 64);
    fillInput(second.card, new Uint8Array(64 * 3).fill(255), input, 0);
    const out = await session.run({ pixels: new ort.Tensor("float32", input, [1, 3, 8, 8]) });
    expect(Array.from(out.features.data as Float32Array)).toEqual([1, 1, 1]);
    await session.release();
  });

  it("refuse a download whose sha256 differs, naming the URL, expected and got, and keep nothing", async () => {
    const dir = tmpDir("model-url-bad");
    const url = `${base}/changed.onnx`;
    const err = await rejection(loadModel(url, { sha256: hash, card: TINY_CARD, dir }));
    expect(err.file).toBe(url);
    expect(err.message).toContain(`expected ${hash}`);
    expect(err.message).toMatch(/sha256 is [0-9a-f]{64}/);
    expect(fs.readdirSync(dir).flatMap((d) => fs.readdirSync(path.join(dir, d)))).toEqual([]);
  });

  it("need a sha256 and a card, and report HTTP errors", async () => {
    const dir = tmpDir("model-url-args");
    expect((await rejection(loadModel(`${base}/m.onnx`, { card: TINY_CARD, dir }))).message).toMatch(
      /needs its sha256/,
    );
    expect((await rejection(loadModel(`${base}/m.onnx`, { sha256: hash, dir }))).message).toMatch(/has no card/);
    expect(
      (await rejection(loadModel(`${base}/missing.onnx`, { sha256: hash, card: TINY_CARD, dir }))).message,
    ).toMatch(/HTTP 404/);
  });
});

describe("models by path", () => {
  it("read the card beside the model, and check the sha256 when given", async () => {
    const dir = tmpDir("model-path");
    const file = path.join(dir, "tiny.onnx");
    fs.writeFileSync(file, tinyModel());
    expect((await rejection(loadModel(file))).message).toMatch(/has no card/);
    fs.writeFileSync(path.join(dir, "tiny.card.json"), JSON.stringify(TINY_CARD));
    expect((await loadModel(file)).card).toEqual(TINY_CARD);
    expect((await rejection(loadModel(file, { sha256: "0".repeat(64) }))).message).toMatch(/expected 0{64}/);
    expect((await rejection(loadModel(path.join(dir, "none.onnx")))).message).toMatch(/no such model file/);
  });
});

describe("model cards", () => {
  it("fill in RGB, x/255, mean 0, std 1, NCHW and fill by default, and name a bad field", () => {
    expect(TINY_CARD.input).toEqual({
      name: "pixels",
      layout: "NCHW",
      width: 8,
      height: 8,
      colorOrder: "RGB",
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: "fill",
    });
    expect(() => parseCard({ ...TINY_CARD, input: { ...TINY_CARD.input, layout: "HWC" } }, "c.json")).toThrow(
      /c.json \(input.layout\): input.layout must be NCHW or NHWC/,
    );
    expect(() => parseCard({ ...TINY_CARD, input: { ...TINY_CARD.input, std: [1, 0, 1] } }, "c.json")).toThrow(
      /must not be 0/,
    );
    expect(() => parseCard({ ...TINY_CARD, output: { name: "f", dim: 0 } }, "c.json")).toThrow(
      /output.dim must be a positive integer/,
    );
  });

  it("normalise and lay out pixels as the card says", () => {
    const card = parseCard(
      {
        name: "c",
        input: {
          name: "x",
          width: 2,
          height: 1,
          layout: "NCHW",
          colorOrder: "BGR",
          scale: 1,
          mean: [1, 2, 3],
          std: [2, 2, 2],
        },
        output: { name: "y", dim: 1 },
      },
      "test",
    );
    const rgb = Uint8Array.of(10, 20, 30, 40, 50, 60); // two pixels
    const out = new Float32Array(12);
    fillInput(card, rgb, out, 1);
    // Row 1; channel 0 is blue: (30 - 1) / 2, (60 - 1) / 2; then green, then red.
    expect(Array.from(out.subarray(6))).toEqual([14.5, 29.5, 9, 24, 3.5, 18.5]);
    const nhwc = parseCard({ ...card, input: { ...card.input, layout: "NHWC", colorOrder: "RGB" } }, "test");
    fillInput(nhwc, rgb, out, 0);
    expect(Array.from(out.subarray(0, 6))).toEqual([4.5, 9, 13.5, 19.5, 24, 28.5]);
  });
});

describe("bundled literals (how nsfwjs ships model.json and weights)", () => {
  it("read minified data literals without running them", () => {
    expect(parseLiteral('{a:1,"b c":[.5,-1e-3,!0,!1,null],d:{e:"x\\"y\\x41"}}')).toEqual({
      a: 1,
      "b c": [0.5, -0.001, true, false, null],
      d: { e: 'x"yA' },
    });
    expect(
      bundledExport('!function(e){}({1:[function(t,e,a){e.exports={format:"graph-model"}},{}]},{},[1])(1)'),
    ).toEqual({ format: "graph-model" });
    expect(() => parseLiteral("{a:alert(1)}")).toThrow(/unexpected "alert/);
    expect(() => bundledExport('{1:[function(t,e,a){e.exports={a:1};require("x")},{}]}')).toThrow(
      /does more than export a literal/,
    );
    expect(Object.getPrototypeOf(parseLiteral("{__proto__:{polluted:1}}"))).toBe(Object.prototype);
  });
});
