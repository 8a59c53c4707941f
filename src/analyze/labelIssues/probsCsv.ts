/**
 * A model's predicted probabilities from a CSV file, matched to the samples by id: a header of the
 * id column then one column per class (the class order), one row per sample. Samples without a
 * row have no probabilities (left out of the scores); a row whose id is no sample's, or a value
 * that is not a number, is an error that names the file and the line.
 */

import type { Dataset } from "../../dataset/dataset";
import { values } from "../../dataset/columns";
import { BlindspotError } from "../../errors";
import { parseCsv } from "../../formats/common/csv";
import { readText } from "../../formats/common/files";

export interface ProbsFromCsv {
  name: string;
  classes: string[];
  rows: (Float64Array | null)[];
}

export function probsFromCsv(ds: Dataset, file: string, idColumn = "id"): ProbsFromCsv {
  const table = parseCsv(readText(file), { file });
  const idAt = table.header.indexOf(idColumn);
  const classes = table.header.filter((_, c) => c !== idAt);
  if (idAt < 0 || classes.length < 2) {
    throw new BlindspotError({
      file,
      message: `the header ${JSON.stringify(table.header.join(","))} needs a column ${JSON.stringify(idColumn)} and two or more classes`,
      hint: `write the sample id then one probability column per class: ${idColumn},cat,dog,...`,
    });
  }
  const rowOf = new Map(Array.from(values<string>(ds.samples, "id"), (id, r) => [id, r]));
  const rows: (Float64Array | null)[] = new Array(ds.count()).fill(null);
  table.rows.forEach((fields, i) => {
    const line = table.lines[i];
    const r = rowOf.get(fields[idAt]);
    if (r === undefined) {
      throw new BlindspotError({
        file,
        place: `line ${line}`,
        message: `${JSON.stringify(fields[idAt])} is not a sample id of the dataset`,
        hint: `the ${idColumn} column must hold the dataset's sample ids (ds.samples' id), e.g. ${JSON.stringify(ds.count() ? values<string>(ds.samples, "id")[0] : "")}`,
      });
    }
    const probs = fields.filter((_, c) => c !== idAt).map(Number);
    const bad = probs.findIndex((p) => !Number.isFinite(p));
    if (probs.length !== classes.length || bad >= 0) {
      throw new BlindspotError({
        file,
        place: `line ${line}`,
        message:
          probs.length !== classes.length
            ? `${probs.length} probabilities for ${classes.length} classes`
            : `${JSON.stringify(fields.filter((_, c) => c !== idAt)[bad])} for ${classes[bad]} is not a number`,
        hint: "each row holds the sample id and one probability per class column",
      });
    }
    rows[r] = Float64Array.from(probs);
  });
  return { name: file, classes, rows };
}
