/**
 * onnxruntime sessions: execution-provider choice and one compiled session per model.
 *
 * `auto` tries CUDA, then CPU: onnxruntime never falls back by itself, and its CUDA provider
 * is a separate download that offline installs skip, so loading it fails on most machines.
 * The result says which provider ran. Asking for `cuda` explicitly fails with the reason.
 *
 * Sessions are cached per process by (sha256 of the model bytes, provider, threads): building a
 * graph twice, or opening the same file under two names, compiles it once.
 */

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as ort from "onnxruntime-node";
import { BlindspotError } from "../errors";

export type Provider = "auto" | "cuda" | "cpu";
export type RanOn = "cuda" | "cpu";

export interface SessionOptions {
  /** Where to run (default `auto`: CUDA when it loads, else CPU). */
  provider?: Provider;
  /** Threads for one operator (onnxruntime's intraOpNumThreads; default: one per physical core). */
  threads?: number;
  /**
   * onnxruntime's graph optimisation level (default `extended`). Measured on CPU here: the
   * quality graphs run ~2.5x faster with `extended`; CNN backbones ~2x faster with `all` (its
   * NCHWc kernels include a fast depthwise convolution).
   */
  optimization?: "extended" | "all";
  /** Let idle operator threads spin between runs (default true); off leaves the cores to decoding. */
  spinning?: boolean;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: RanOn;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
/** The reason CUDA could not load, once tried (it will not load later in the same process). */
let cudaFailure: unknown;

/** Opens (or reuses) a session on a model given as bytes or as a path to an .onnx file. */
export async function openSession(model: Uint8Array | string, options: SessionOptions = {}): Promise<OpenedSession> {
  const provider = options.provider ?? "auto";
  if (provider !== "auto" && provider !== "cuda" && provider !== "cpu") {
    throw new BlindspotError({
      message: `unknown execution provider "${String(provider)}"`,
      hint: 'use "auto", "cuda" or "cpu"',
    });
  }
  const file = typeof model === "string" ? model : undefined;
  const bytes = file === undefined ? (model as Uint8Array) : readModel(file);
  const hash = createHash("sha256").update(bytes).digest("hex");
  if (provider !== "cpu" && cudaFailure === undefined) {
    try {
      return { session: await cached(hash, "cuda", bytes, file, options), provider: "cuda" };
    } catch (err) {
      // Under `auto`, any CUDA failure falls back to CPU; only a missing provider is remembered.
      if (isProviderLoadError(err)) cudaFailure = err;
      else if (provider === "cuda") throw modelError(err, file);
    }
  }
  if (provider === "cuda") throw cudaError(cudaFailure);
  try {
    return { session: await cached(hash, "cpu", bytes, file, options), provider: "cpu" };
  } catch (err) {
    throw modelError(err, file);
  }
}

/** Releases every cached session (frees model memory, GPU memory included). */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(
    all.map((p) =>
      p.then(
        (s) => s.release(),
        () => undefined,
      ),
    ),
  );
}

function cached(
  hash: string,
  ep: RanOn,
  bytes: Uint8Array,
  file: string | undefined,
  o: SessionOptions,
): Promise<ort.InferenceSession> {
  const { threads, optimization = "extended", spinning = true } = o;
  const key = `${hash}:${ep}:${threads ?? ""}:${optimization}:${spinning}`;
  let p = sessions.get(key);
  if (!p) {
    // A failed CUDA load is expected under `auto`, and ORT would print it to stderr (red text in a
    // notebook) besides throwing it. Its process-wide log is set once, at the first session:
    // keep it to fatal errors unless the caller chose a level other than the default. Failures still throw.
    if (ort.env.logLevel === "warning") ort.env.logLevel = "fatal";
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: [ep],
      graphOptimizationLevel: optimization,
      ...(threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 }),
      ...(spinning ? {} : { extra: { session: { intra_op: { allow_spinning: "0" } } } }),
    };
    // A path lets onnxruntime find external weight files next to the model.
    p = file === undefined ? ort.InferenceSession.create(bytes, options) : ort.InferenceSession.create(file, options);
    sessions.set(key, p);
    p.catch(() => sessions.delete(key));
  }
  return p;
}

function readModel(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new BlindspotError({
      file,
      message: `cannot read the ONNX model: ${(err as Error).message}`,
      hint: "check the path",
      cause: err,
    });
  }
}

/** onnxruntime's messages when the CUDA provider library, or CUDA/cuDNN under it, is missing. */
function isProviderLoadError(err: unknown): boolean {
  const m = String((err as Error)?.message ?? err);
  return new RegExp(
    /Failed to load (shared )?library|cannot open shared object/.source +
      "|" +
      /libonnxruntime_providers|libcudnn|libcublas|libcudart/.source,
    "i",
  ).test(m);
}

function cudaError(cause: unknown): BlindspotError {
  return new BlindspotError({
    message: `the CUDA execution provider could not be loaded: ${(cause as Error)?.message ?? String(cause)}`,
    hint:
      "onnxruntime-node needs its CUDA 12 provider files (reinstall with `npm install onnxruntime-node " +
      "--onnxruntime-node-install=cuda12`, " +
      'online) plus CUDA 12 and cuDNN 9 libraries on the library path; or use provider "auto" or "cpu"',
    cause,
  });
}

function modelError(err: unknown, file: string | undefined): BlindspotError {
  if (err instanceof BlindspotError) return err;
  return new BlindspotError({
    file,
    message: `onnxruntime cannot load the model: ${(err as Error)?.message ?? String(err)}`,
    hint: "check that the file is an ONNX model (opset 7 or later) that onnxruntime 1.30 supports",
    cause: err,
  });
}
