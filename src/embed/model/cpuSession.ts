import * as ort from "onnxruntime-node";
import { openSession, type OpenedSession, type SessionOptions } from "../../onnx/session";

/**
 * A session for an embedding model. openSession compiles every graph with onnxruntime's
 * "extended" optimisations, the faster level for the quality graphs; a CNN backbone runs twice as
 * fast on CPU with "all", whose NCHWc kernels include a fast depthwise convolution (MobileNetV2-1.4,
 * batches of 8, 2 cores: ~140 images/s against ~70). Until openSession takes the level as an
 * option, the CPU session is compiled here a second time with "all"; openSession still chooses the
 * provider and reports a model onnxruntime cannot load. Its threads do not spin between runs: on
 * a small machine the spinning takes the cores that decode the next batch.
 */
const sessions = new Map<string, Promise<ort.InferenceSession>>();

export async function embeddingSession(file: string, sha256: string, options: SessionOptions): Promise<OpenedSession> {
  const opened = await openSession(file, options);
  if (opened.provider === "cuda") return opened;
  const key = `${sha256}:${options.threads ?? ""}`;
  let session = sessions.get(key);
  if (!session) {
    const threads = options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 };
    session = ort.InferenceSession.create(file, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      extra: { session: { intra_op: { allow_spinning: "0" } } },
      ...threads,
    });
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  return { session: await session, provider: "cpu" };
}
