import * as fs from "node:fs";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  applyCorrections as applyDecisions,
  type CorrectionOptions,
  type Corrections,
  type ReviewDecision,
} from "../src/analyze/review/applyCorrections";
import { values } from "../src/dataset/columns";
import type { Dataset } from "../src/dataset/dataset";
import { BlindspotError } from "../src/errors";
import { artifactFile, bundlePath } from "./artifacts/location";
import { linkGroup } from "./linkGroup";
import { readReviewFile, selectionFileName, type ReviewRead } from "./protocol";

/**
 * The decisions made in the large view of the dataset's grids (accept or reject each suggested
 * correction), as a table: kind (object or sample), object_id, sample_id, issue_type, decision,
 * decided_at; oldest first. Nothing decided yet gives an empty table. A review file that is not
 * valid (edited by hand) is an error naming it; the file is left as it is.
 */
export function reviewDecisions(ds: Dataset): ColumnTable {
  const file = artifactFile("reviews", selectionFileName(linkGroup(ds)));
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      throw corrupt(file, `cannot be read (${(err as Error).message})`);
  }
  const read: ReviewRead =
    text === null ? { file: { version: 1, group: "", dataset: null, decisions: {} } } : readReviewFile(text);
  if (read.problem !== undefined) throw corrupt(file, read.problem);
  const entries = Object.entries(read.file.decisions).sort((a, b) => a[1].at.localeCompare(b[1].at));
  const objectSample = new Map<number, string>();
  const ids = values<number>(ds.objects, "id"),
    sampleIds = values<string>(ds.objects, "sample_id");
  for (let r = 0; r < ids.length; r++) objectSample.set(ids[r], sampleIds[r]);
  const rows = entries.map(([key, e]) => {
    const [kind, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    const objectId = kind === "object" ? Number(id) : null;
    return {
      kind,
      object_id: objectId,
      sample_id: objectId === null ? id : (objectSample.get(objectId) ?? null),
      issue_type: e.issue,
      decision: e.decision,
      decided_at: e.at,
    };
  });
  const column = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  return aq.table({
    kind: column("kind"),
    object_id: column("object_id"),
    sample_id: column("sample_id"),
    issue_type: column("issue_type"),
    decision: column("decision"),
    decided_at: column("decided_at"),
  });
}

/**
 * Writes a new label field with the accepted corrections (see the engine's applyCorrections);
 * `from: "review"` takes the decisions made in the large view.
 */
export function applyCorrections(
  ds: Dataset,
  options: Omit<CorrectionOptions, "from"> & { from: "review" | Iterable<ReviewDecision> },
): Corrections {
  const from = options.from === "review" ? decisionsOf(reviewDecisions(ds)) : options.from;
  return applyDecisions(ds, { ...options, from });
}

function decisionsOf(table: ColumnTable): ReviewDecision[] {
  return (
    table.objects() as {
      kind: "object" | "sample";
      object_id: number | null;
      sample_id: string;
      issue_type: string;
      decision: "accept" | "reject";
    }[]
  ).map((r) => ({
    kind: r.kind,
    id: r.kind === "object" ? r.object_id! : r.sample_id,
    decision: r.decision,
    issue: r.issue_type,
  }));
}

function corrupt(file: string, what: string): BlindspotError {
  return new BlindspotError({
    file: bundlePath(file),
    message: `the review file ${what}`,
    hint: "the large view writes this file; restore it, or delete it to start the review again",
  });
}
