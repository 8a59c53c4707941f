import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as ort from "onnxruntime-node";
import { GraphBuilder } from "../../src/onnx/graph";
import { openSession, releaseSessions } from "../../src/onnx/session";
import { rejection, removeTmpDirs, tmpDir } from "../helpers/data";

afterAll(async () => {
  await releaseSessions();
  removeTmpDirs();
});

function doubler(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", ["n"]);
  g.output(g.node("Mul", [x, g.scalar(2)]), "float32", ["n"], "y");
  return g.build();
}

/** True when this machine's onnxruntime-node has its CUDA provider and a GPU. */
let cudaLoads = false;
beforeAll(async () => {
  cudaLoads = await openSession(doubler(), { provider: "cuda" }).then(
    () => true,
    () => false,
  );
});

describe("openSession", () => {
  test("auto runs on CUDA when it loads, else on CPU, and says which", async () => {
    const { session, provider } = await openSession(doubler());
    expect(provider).toBe(cudaLoads ? "cuda" : "cpu");
    const r = await session.run({ x: new ort.Tensor("float32", Float32Array.of(1, 2), [2]) });
    expect(Array.from(r.y.data as Float32Array)).toEqual([2, 4]);
  });

  test("cuda asked explicitly, where it cannot load, fails with the reason and a fix", async (ctx) => {
    if (cudaLoads) ctx.skip();
    const err = await rejection(openSession(doubler(), { provider: "cuda" }));
    expect(err.message).toMatch(/CUDA execution provider could not be loaded/);
    expect(err.hint).toMatch(/cuda12/);
  });

  test("the same graph, built twice or read from a file, is compiled once per provider", async () => {
    const a = await openSession(doubler(), { provider: "cpu" });
    const b = await openSession(doubler(), { provider: "cpu" });
    expect(b.session).toBe(a.session);
    const file = path.join(tmpDir("session"), "doubler.onnx");
    fs.writeFileSync(file, doubler());
    expect((await openSession(file, { provider: "cpu" })).session).toBe(a.session);
    expect((await openSession(doubler(), { provider: "cpu", threads: 1 })).session).not.toBe(a.session);
  });

  test("bad models, paths and providers fail with a BlindspotError naming the file", async () => {
    const dir = tmpDir("session-bad");
    const bad = path.join(dir, "bad.onnx");
    fs.writeFileSync(bad, "not a model");
    expect((await rejection(openSession(bad))).message).toMatch(/bad\.onnx: onnxruntime cannot load the model/);
    expect((await rejection(openSession(path.join(dir, "missing.onnx")))).message).toMatch(
      /missing\.onnx: cannot read the ONNX model/,
    );
    expect((await rejection(openSession(doubler(), { provider: "gpu" as never }))).hint).toMatch(
      /"auto", "cuda" or "cpu"/,
    );
  });
});
