import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/dataset/view";
import { tmpDir } from "../helpers/data";
import { hasPython, PYTHON } from "../helpers/reference";

/** `blindspot eval classification` on CSV and JSON Lines tables: numbers against scikit-learn (live), and bad input. */
const BIN = path.resolve(__dirname, "../../bin/blindspot.js");
const TOL = 1e-12;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Rows {
  classes: string[];
  truth: number[];
  proba: number[][];
}

function generate(n: number, classes: string[], seed: number): Rows {
  const rand = mulberry32(seed);
  const truth: number[] = [],
    proba: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.floor(rand() * classes.length);
    const exp = classes.map((_, c) => Math.exp(rand() * 2 + (c === t ? 1 : 0)));
    const sum = exp.reduce((a, b) => a + b);
    truth.push(t);
    proba.push(exp.map((e) => e / sum));
  }
  return { classes, truth, proba };
}

const argmax = (row: number[]) => row.indexOf(Math.max(...row));
const dir = tmpDir("eval-cli");

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A CSV whose probability columns are named after the classes. */
function csv(name: string, r: Rows, edit: (lines: string[][]) => void = () => {}): string {
  const lines = [
    ["id", "label", ...r.classes],
    ...r.truth.map((t, i) => [`img${i}`, r.classes[t], ...r.proba[i].map(String)]),
  ];
  edit(lines);
  return write(name, lines.map((l) => l.join(",")).join("\n") + "\n");
}

/** JSON Lines with probability columns `score_<class>` and a predicted-label column. */
function jsonl(name: string, r: Rows): string {
  return write(
    name,
    r.truth
      .map((t, i) =>
        JSON.stringify({
          y: r.classes[t],
          pred: r.classes[argmax(r.proba[i])],
          ...Object.fromEntries(r.classes.map((c, k) => [`score_${c}`, r.proba[i][k]])),
        }),
      )
      .join("\n") + "\n",
  );
}

function json(...args: string[]) {
  const r = cli("eval", "classification", ...args, "--json");
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const animals = generate(400, ["cat", "dog", "bird", "fish"], 3);
const binary = generate(250, ["neg", "pos"], 4);

describe.runIf(hasPython())("blindspot eval classification equals scikit-learn's, run live", () => {
  const cases = [animals, binary].map((r, i) => ({
    name: String(i),
    k: r.classes.length,
    truth: r.truth,
    pred: r.proba.map(argmax),
    proba: r.proba,
  }));
  const casesFile = write("cases.json", JSON.stringify(cases));
  const expected = JSON.parse(
    execFileSync(PYTHON, [path.join(__dirname, "../eval/sklearn_metrics.py"), casesFile], { encoding: "utf8" }),
  );
  const close = (actual: number[], want: number[]) =>
    actual.forEach((a, i) => expect(Math.abs(a - want[i]), `entry ${i}: ${a} vs ${want[i]}`).toBeLessThanOrEqual(TOL));

  it("CSV with probability columns named after the classes", () => {
    const out = json(csv("animals.csv", animals), "--truth", "label", "--probs", "cat,dog,bird,fish");
    const e = expected["0"];
    expect(out.file).toMatch(/animals\.csv$/);
    expect([out.classes, out.evaluated, out.skipped.total]).toEqual([animals.classes, 400, 0]);
    close(
      [
        out.accuracy,
        out.averages.macro.f1,
        out.probabilistic.logLoss,
        out.probabilistic.rocAuc.ovrMacro,
        out.probabilistic.rocAuc.ovrWeighted,
        out.probabilistic.rocAuc.ovo,
      ],
      [e.accuracy, e.f1_macro, e.log_loss, e.auc_ovr_macro, e.auc_ovr_weighted, e.auc_ovo_macro],
    );
    expect(out.confusion.matrix.flat()).toEqual(e.confusion);
  });

  it("JSON Lines with --classes naming the columns and --pred the predicted labels (binary)", () => {
    const out = json(
      jsonl("binary.jsonl", binary),
      "--truth",
      "y",
      "--probs",
      "score_neg,score_pos",
      "--classes",
      "neg,pos",
      "--pred",
      "pred",
    );
    const e = expected["1"];
    expect(out.probabilistic.binary.positive).toBe("pos");
    close(
      [
        out.accuracy,
        out.averages.macro.f1,
        out.probabilistic.logLoss,
        out.probabilistic.binary.rocAuc,
        out.probabilistic.binary.brier,
      ],
      [e.accuracy, e.f1_macro, e.log_loss, e.binary.auc, e.binary.brier],
    );
  });
});

describe("blindspot eval classification", () => {
  it("prints a readable summary without --json", () => {
    const r = cli(
      "eval",
      "classification",
      csv("summary.csv", animals),
      "--truth",
      "label",
      "--probs",
      "cat,dog,bird,fish",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/400 rows, 400 evaluated, 0 skipped/);
    expect(r.stdout).toMatch(/accuracy 0\.\d{4} .*macro F1 0\.\d{4}/);
    expect(r.stdout).toMatch(/log loss \d\.\d{4} .*ROC AUC 0\.\d{4} \(one-vs-rest macro/);
    expect(r.stdout).toMatch(/^fish +(0\.\d{4} +){3}\d+ +0\.\d{4} +0\.\d{4}$/m);
    expect(r.stdout).toMatch(/confusion matrix/);
  });

  it("labels only (--pred): label metrics, no probabilities", () => {
    const out = json(jsonl("labels.jsonl", animals), "--truth", "y", "--pred", "pred");
    expect(out.classes).toEqual(["bird", "cat", "dog", "fish"]);
    expect(out.probabilistic).toBeNull();
    expect(out.accuracy).toBe(animals.truth.filter((t, i) => t === argmax(animals.proba[i])).length / 400);
  });

  it("counts rows without a true label and warns about them", () => {
    const file = csv("gaps.csv", animals, (l) => {
      l[1][1] = "";
      l[2][1] = "";
    });
    const r = cli("eval", "classification", file, "--truth", "label", "--probs", "cat,dog,bird,fish", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).skipped.byReason).toEqual({ missing_truth: 2 });
    expect(r.stderr).toContain(`warning: ${file}: 2 of 400 rows not evaluated (missing_truth 2)`);
  });

  it("warns with a count when probabilities do not sum to 1", () => {
    const file = csv("sums.csv", animals, (l) => {
      l[1][2] = "0.99";
      l[5][3] = "0";
      l[9][4] = "0.5";
    });
    const r = cli("eval", "classification", file, "--truth", "label", "--probs", "cat,dog,bird,fish", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).probabilistic.unnormalizedRows).toBe(3);
    expect(r.stderr).toMatch(/3 of 400 rows' probabilities do not sum to 1.*\n  fix: /);
  });

  it("takes probabilities rounded to 6 decimals as summing to 1 (the tolerance follows the file's precision)", () => {
    const rounded = animals.proba.map((row) => row.map((p) => Number(p.toFixed(6))));
    const off = rounded.filter((row) => Math.abs(row.reduce((a, b) => a + b) - 1) > 1e-7).length;
    expect(off).toBeGreaterThan(50);
    const file = csv("rounded.csv", animals, (l) =>
      l.slice(1).forEach((row) => row.splice(2, 4, ...row.slice(2).map((p) => Number(p).toFixed(6)))),
    );
    const r = cli("eval", "classification", file, "--truth", "label", "--probs", "cat,dog,bird,fish", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).probabilistic.unnormalizedRows).toBe(0);
    expect(r.stderr).not.toContain("do not sum to 1");
  });

  it("names the cause of rows that do not sum to 1: a left-out column, or scores that are no distribution", () => {
    const file = csv("sigmoid.csv", animals, (l) =>
      l.slice(1).forEach((row) => (row[2] = String(Number(row[2]) + 0.2))),
    );
    const noFish = csv("no-fish.csv", animals, (l) => l.splice(0, l.length, ...l.filter((row) => row[1] !== "fish")));
    const partial = cli("eval", "classification", noFish, "--truth", "label", "--probs", "cat,dog,bird");
    expect(partial.stderr).toMatch(
      /fix: pass every class's probability column to --probs; the table has other numeric columns: fish/,
    );
    const all = cli("eval", "classification", file, "--truth", "label", "--probs", "cat,dog,bird,fish", "--json");
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(
      /400 of 400 rows' probabilities do not sum to 1, by more than floating-point error explains/,
    );
    expect(all.stderr).toMatch(
      /fix: every numeric column of the table is passed, so these scores are not one distribution/,
    );
  });

  const fails = (args: string[], ...patterns: (string | RegExp)[]) => {
    const r = cli("eval", ...args);
    expect(r.code).toBe(1);
    for (const p of patterns) expect(r.stderr).toMatch(p);
    expect(r.stderr).toMatch(/\n  fix: /);
  };

  it("names the file, line, column and fix for bad input", () => {
    const good = csv("good.csv", animals);
    fails(
      ["classification", good, "--truth", "label", "--probs", "cat,dog,bird,zebra"],
      good,
      /no column "zebra" \(named by --probs\); the columns are id, label, cat, dog, bird, fish/,
    );
    fails(
      ["classification", good, "--truth", "class", "--probs", "cat,dog,bird,fish"],
      /no column "class" \(named by --truth\)/,
    );
    const text = csv("text.csv", animals, (l) => {
      l[2][3] = "high";
    });
    fails(
      ["classification", text, "--truth", "label", "--probs", "cat,dog,bird,fish"],
      `${text} (line 3, column dog): probability "high" is not a number`,
    );
    const nan = csv("nan.csv", animals, (l) => {
      l[4][4] = "NaN";
    });
    fails(
      ["classification", nan, "--truth", "label", "--probs", "cat,dog,bird,fish"],
      `${nan} (line 5, column bird): probability "NaN" is not a number`,
    );
    const empty = write("empty.jsonl", `{"y": "cat", "cat": 1, "dog": null}\n`);
    fails(
      ["classification", empty, "--truth", "y", "--probs", "cat,dog"],
      `${empty} (line 1, column dog): probability null is not a number`,
    );
    const horse = csv("horse.csv", animals, (l) => {
      l[7][1] = "horse";
    });
    fails(
      ["classification", horse, "--truth", "label", "--probs", "cat,dog,bird,fish"],
      `${horse} (line 8, column label): true label "horse" is not one of the classes (cat, dog, bird, fish)`,
      /add its probability column to --probs/,
    );
    fails(
      ["classification", good, "--truth", "label", "--probs", "cat,dog,bird,fish", "--classes", "a,b"],
      /2 classes for 4 columns/,
    );
    fails(
      ["classification", write("t.txt", ""), "--truth", "label", "--probs", "a"],
      /t\.txt: cannot tell the table's format from its extension ".txt"/,
    );
    fails(["classification", good, "--probs", "cat"], /needs FILE, --truth and --probs/);
    fails(
      ["classification", good, "--truth", "label", "--pred", "label", "--top", "3"],
      /unknown option --top for eval classification/,
    );
  });

  it("lists the kinds of evaluation for an unknown one", () => {
    fails(["segmentation", "x.csv"], /unknown kind of evaluation "segmentation"/, /kinds: classification/);
    fails([], /eval needs a kind of evaluation/);
  });
});
