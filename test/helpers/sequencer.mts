import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The order files start in. First the two that fill the run's result cache (TEST_CACHE) for many
 * others, one per worker: the 2,062 sign-digit photos' embeddings and the 2,000-sample demo's
 * quality scores, so that no two workers compute them at once. Then the slowest files (times of a
 * CI run on the 2-core machine), so that the two workers end together; the rest as vitest orders them.
 */
const FIRST = [
  "test/analyze/flippedSignDigits.test.ts",
  "test/quality/demoIssues.test.ts",
  "test/e2e/crossNotebook.test.ts",
  "test/quality/nearDuplicatesReal.test.ts",
  "test/e2e/fairness.test.ts",
  "test/e2e/modelFailures.test.ts",
  "test/e2e/auditReport.test.ts",
  "test/e2e/quickstart.test.ts",
  "test/e2e/dataFailures.test.ts",
  "test/e2e/quality.test.ts",
  "test/e2e/leakage.test.ts",
  "test/formats/roundtrip.test.ts",
  "test/e2e/evaluation.test.ts",
  "test/e2e/export.test.ts",
  "test/embed/embed.test.ts",
  "test/embed/model.tfjs.test.ts",
  "test/e2e/patches.test.ts",
  "test/e2e/labelErrors.test.ts",
];

export default class CacheFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return i < 0 ? FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
