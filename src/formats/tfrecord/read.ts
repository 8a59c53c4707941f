import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetBuilder } from "../../dataset/builder";
import type { Dataset } from "../../dataset/dataset";
import { GROUND_TRUTH } from "../../dataset/schema";
import { fail } from "../../errors";
import { ProtobufError } from "../../io/protobuf";
import { addNormalisedCorners } from "../common/boxes";
import { finishImport } from "../common/finish";
import { finiteNumber, isDir, listFiles, readText } from "../common/files";
import { dict, imagesDirFor } from "../common/labels";
import type { ReadOptions } from "../format";
import { decodeExample, numbers, texts, type Feature } from "./example";
import { LABEL_MAP, parseLabelMap } from "./labelMap";
import { IMAGE_KEYS, OBJECT, OBJECT_KEYS, sourceIdValue } from "./keys";
import { DEFAULT_STEM, readRecords, RECORD_FILE } from "./records";

function recordFiles(input: string): { files: string[]; dir: string } {
  if (!isDir(input)) return { files: [input], dir: path.dirname(input) };
  const files = listFiles(input, (rel) => RECORD_FILE.test(rel)).map((rel) => path.join(input, rel));
  if (files.length === 0)
    fail(
      input,
      undefined,
      "no TFRecord file in this folder",
      "pass the .tfrecord file itself, or the folder holding it (files ending .tfrecord, .tfrecords or .record)",
    );
  return { files, dir: input };
}

function labelMapFor(dir: string): string | null {
  const standard = path.join(dir, LABEL_MAP);
  if (fs.existsSync(standard)) return standard;
  const others = fs.readdirSync(dir).filter((f) => f.endsWith(".pbtxt"));
  return others.length === 1 ? path.join(dir, others[0]) : null;
}

/** A record file's split name: the file name without extension and shard suffix. */
function splitOf(file: string): string | null {
  const stem = path.basename(file).replace(RECORD_FILE, "");
  return stem === "" || stem === DEFAULT_STEM ? null : stem;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A feature's values as attribute values (numbers, or text); null when bytes are not UTF-8 text. */
function attributeValues(f: Feature): unknown[] | null {
  if (f.kind !== "bytes") return f.value;
  try {
    return f.value.map((v) => strictUtf8.decode(v));
  } catch {
    return null;
  }
}

export async function readTfrecord(input: string, options: ReadOptions): Promise<Dataset> {
  const { files, dir } = recordFiles(input);
  const imagesDir = imagesDirFor(options);
  const mapFile = labelMapFor(dir);
  const labelMap = mapFile === null ? [] : parseLabelMap(readText(mapFile), mapFile);
  const nameOf = new Map(labelMap.map((c) => [c.id, c.name]));
  const b = new DatasetBuilder(
    options.name ?? (isDir(input) ? path.basename(path.resolve(input)) : path.basename(input).replace(RECORD_FILE, "")),
    imagesDir,
  );
  b.categories = labelMap.map((c) => ({ ...c }));
  const field = options.field ?? GROUND_TRUTH;
  b.declareField({ name: field, kind: "detections", predicted: false });
  const useSplits = isDir(input);

  // Boxes stay normalised until every image size is known.
  const boxRow: number[] = [],
    labels: string[] = [],
    coords: number[] = [];
  const crowd: number[] = [],
    area: (number | null)[] = [],
    attributes: (Record<string, unknown> | null)[] = [];
  const reported = new Set<string>();
  for (const file of files) {
    const split = useSplits ? splitOf(file) : null;
    /** Keys not loaded in this file: in how many records, and why. */
    const ignored = new Map<string, { records: number; why: string }>();
    const ignore = (key: string, why: string) => {
      const seen = ignored.get(key);
      if (seen) seen.records++;
      else ignored.set(key, { records: 1, why });
    };
    for (const rec of readRecords(file)) {
      const place = `record ${rec.index} at byte ${rec.offset}`;
      let ex: Map<string, Feature>;
      try {
        ex = decodeExample(rec.data);
      } catch (err) {
        if (!(err instanceof ProtobufError)) throw err;
        fail(
          file,
          place,
          `not a valid tf.train.Example: ${err.message}`,
          "the record's checksum is right, so the writer wrote something else than tf.train.Example; check " +
            "the exporter",
        );
      }
      const filename = texts(ex.get("image/filename"))[0] ?? "";
      const sourceId = texts(ex.get("image/source_id"))[0] ?? "";
      const filepath = filename || sourceId;
      if (filepath === "")
        fail(
          file,
          place,
          "the example has no image/filename and no image/source_id",
          "write the image's file name in image/filename",
        );
      const width = finiteNumber(numbers(ex.get("image/width"))[0], true);
      const height = finiteNumber(numbers(ex.get("image/height"))[0], true);
      const fields: Record<string, unknown> = {};
      if (sourceId !== "") fields.source_id = sourceIdValue(sourceId);
      const id = b.addSample({ filepath, width, height, split, fields });
      const row = b.sampleCount - 1;

      const [xmin, xmax, ymin, ymax] = ["xmin", "xmax", "ymin", "ymax"].map((k) =>
        numbers(ex.get(`${OBJECT}bbox/${k}`)),
      );
      const text = texts(ex.get(`${OBJECT}class/text`));
      const ids = numbers(ex.get(`${OBJECT}class/label`));
      const n = xmin.length;
      if (xmax.length !== n || ymin.length !== n || ymax.length !== n) {
        fail(
          file,
          `${place} (${filepath})`,
          `the box lists differ in length: xmin ${n}, xmax ${xmax.length}, ymin ${ymin.length}, ymax ${ymax.length}`,
          "write one xmin, xmax, ymin and ymax per object",
        );
      }
      if (
        (text.length !== n && text.length !== 0) ||
        (ids.length !== n && ids.length !== 0) ||
        (n > 0 && text.length === 0 && ids.length === 0)
      ) {
        fail(
          file,
          `${place} (${filepath})`,
          `${n} boxes but ${text.length} class texts and ${ids.length} class labels`,
          "write one image/object/class/text (or class/label) per box",
        );
      }

      // The other per-object lists: the crowd flag, the area, and attributes.
      let crowdOf: number[] | null = null,
        areaOf: number[] | null = null;
      const attrLists: [string, unknown[]][] = [];
      for (const [key, f] of ex) {
        if (IMAGE_KEYS.has(key) || f.value.length === 0) continue; // an empty list holds nothing
        const name = key.startsWith(OBJECT) ? key.slice(OBJECT.length) : null;
        if (name !== null && OBJECT_KEYS.has(name) && name !== "is_crowd" && name !== "area") continue;
        if (name === null) {
          ignore(key, "not a key blindspot reads");
          continue;
        }
        if (f.value.length !== n) {
          ignore(key, `its list does not have one value per box`);
          continue;
        }
        if (name === "is_crowd" || name === "area") {
          if (f.kind === "bytes") {
            ignore(key, "holds bytes, not numbers");
            continue;
          }
          if (name === "is_crowd") crowdOf = f.value;
          else areaOf = f.value;
          continue;
        }
        const vals = attributeValues(f);
        if (vals === null) ignore(key, "holds binary data, not text");
        else attrLists.push([name, vals]);
      }

      for (let k = 0; k < n; k++) {
        let label = text[k] ?? "";
        const cid = ids[k];
        if (cid !== undefined) {
          const named = nameOf.get(cid) ?? options.classes?.[cid - 1];
          if (label === "" && named !== undefined) label = named;
          else if (label === "") {
            label = `class-${cid}`;
            if (!reported.has(label)) {
              reported.add(label);
              b.addProblem({
                kind: "unknown-category",
                sampleId: id,
                file: mapFile ?? file,
                place,
                message:
                  `class label ${cid} has no name in ` +
                  `${mapFile === null ? "a label map (none found)" : "the label map"}; kept as ${label}`,
                hint: `put ${LABEL_MAP} beside the TFRecord file, or pass the class names (classes)`,
              });
            }
          } else if (named !== undefined && named !== label && nameOf.has(cid)) {
            const key = `${cid}:${label}`;
            if (!reported.has(key)) {
              reported.add(key);
              b.addProblem({
                kind: "label-mismatch",
                sampleId: id,
                file,
                place,
                message:
                  `class text ${JSON.stringify(label)} but class label ${cid} is ${JSON.stringify(named)} in ` +
                  `the label map; kept ${JSON.stringify(label)}`,
                hint: "fix the label map or the exporter so ids and names agree",
              });
            }
          }
        }
        boxRow.push(row);
        labels.push(label);
        coords.push(xmin[k], xmax[k], ymin[k], ymax[k]);
        crowd.push(crowdOf?.[k] ? 1 : 0);
        area.push(areaOf === null ? null : areaOf[k]);
        let a: Record<string, unknown> | null = null;
        for (const [name, vals] of attrLists) (a ??= dict())[name] = vals[k];
        attributes.push(a);
      }
    }
    if (ignored.size > 0) {
      const what = [...ignored]
        .map(([key, { records, why }]) => `${key} (${records} record${records > 1 ? "s" : ""}: ${why})`)
        .join(", ");
      b.addProblem({
        kind: "ignored-field",
        file,
        message: `not loaded: ${what}`,
        hint:
          "blindspot reads the image keys, boxes, classes, is_crowd, area, and other per-object lists under " +
          "image/object/ (one value per box, numbers or text) as attributes",
      });
    }
  }

  // Records usually give the size; where one does not, finishImport reads it from the image header.
  const labelsFile = files.length === 1 ? files[0] : input;
  const addBoxes = (b: DatasetBuilder) =>
    addNormalisedCorners(
      b,
      boxRow,
      coords,
      (k) => ({ field, label: labels[k], iscrowd: crowd[k], area: area[k], attributes: attributes[k] }),
      labelsFile,
      "the record gives no image/width and image/height, and the image's size could not be read",
      imagesDir === null
        ? "pass --images with the folder that holds the images, so sizes come from the image headers"
        : "put the image in the images folder (see the sample's other problems), then load again",
    );
  return finishImport(b, labelsFile, options, addBoxes);
}
