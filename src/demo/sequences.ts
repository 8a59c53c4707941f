import { Rng, STREAM, hashSeed } from "./random";
import { SPLITS, type SamplePlan } from "./types";

/** Samples per recording: a camera's consecutive captures, cut at random lengths in this range. */
const LENGTH = { min: 8, max: 24 };

/**
 * Gives every sample a `sequence` (the recording it comes from, the demo's group field): each
 * split's samples by camera and capture time, cut into runs, so every recording stays in one
 * split, except one planted leak: a test recording renamed after a train recording, so that one
 * name spans train and test. Its own random stream, drawn last: nothing else of the demo moves.
 */
export function assignSequences(plans: SamplePlan[], seed: number): void {
  const rng = new Rng(hashSeed(seed, STREAM.sequences));
  const runs: { split: string; members: SamplePlan[] }[] = [];
  for (const split of SPLITS) {
    const members = plans
      .filter((p) => p.context.split === split)
      .sort(
        (a, b) =>
          compare(a.context.camera, b.context.camera) ||
          compare(a.context.capture_time, b.context.capture_time) ||
          a.index - b.index,
      );
    let run: SamplePlan[] = [];
    let length = rng.int(LENGTH.min, LENGTH.max);
    for (const p of members) {
      if (run.length === length || (run.length && run[0].context.camera !== p.context.camera)) {
        runs.push({ split, members: run });
        run = [];
        length = rng.int(LENGTH.min, LENGTH.max);
      }
      run.push(p);
    }
    if (run.length) runs.push({ split, members: run });
  }
  // Names in a shuffled order, so that a name says nothing about the split.
  const numbers = rng.shuffle(runs.map((_, i) => i + 1));
  const digits = Math.max(4, String(runs.length).length);
  runs.forEach((r, i) => {
    for (const p of r.members) p.sequence = `seq_${String(numbers[i]).padStart(digits, "0")}`;
  });
  // A full-length train run (a camera's last run can be short), where there is one.
  const full = runs.filter((r) => r.split === "train" && r.members.length >= LENGTH.min);
  const train = full.length ? full : runs.filter((r) => r.split === "train");
  const test = runs.filter((r) => r.split === "test");
  const leaked = rng.pick(test);
  const name = rng.pick(train).members[0].sequence;
  for (const p of leaked.members) {
    p.sequence = name;
    p.sequenceLeak = true;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
