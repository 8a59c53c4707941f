import * as fs from "node:fs";
import { isDir } from "../common/files";
import type { Capabilities, Format } from "../format";
import { readTfrecord } from "./read";
import { RECORD_FILE } from "./records";
import { plans, writeTfrecord } from "./write";

/**
 * TensorFlow Object Detection API TFRecord: a file of records, each a serialized
 * tf.train.Example, with `label_map.pbtxt` beside it (as CVAT and Datumaro export).
 *
 * Record framing: uint64 LE length, uint32 masked CRC32C of those 8 bytes, the data, uint32
 * masked CRC32C of the data. Both checksums are verified.
 *
 * Example keys used: image/filename, image/source_id, image/width, image/height, image/format,
 * image/encoded (the image bytes; ignored when reading, written when the image file is found),
 * image/key/sha256, image/object/bbox/{xmin,xmax,ymin,ymax} (fractions of the image size,
 * float32), image/object/class/text and image/object/class/label (ids of label_map.pbtxt),
 * image/object/is_crowd (the crowd flag), image/object/area (the objects' areas).
 * Any other per-object list `image/object/<name>` (difficult, truncated, group_of, ...) is the
 * attribute `<name>` of each object: numbers, or text. Keys that are none of these are not
 * loaded, and each file that has some gets an `ignored-field` problem naming them.
 *
 * `image/source_id` is text in the record; an id that reads as a number (COCO's image ids) is
 * read back as that number, so that results files naming it match.
 *
 * Reading a folder reads every TFRecord file in it; each file's name (shard suffix removed)
 * becomes the samples' split, except `default`, which means no split (as in CVAT's and
 * Datumaro's exports, and as VOC's ImageSets/Main/default.txt). Writing to a folder writes one
 * file per split (`<split>.tfrecord`, `default.tfrecord` for samples without one); a single
 * file holds no splits. Records are streamed to a temporary file beside each target, renamed
 * over it at the end.
 */

const HOLDS: Capabilities = {
  boxes: true,
  polygons: false,
  rle: false,
  crowd: true,
  confidence: false,
  classification: false,
  metadata: false,
  attributes: true,
  multipleFields: false,
  splits: true,
  sampleTags: false,
  objectTags: false,
  area: true,
  ids: true,
  categoryKeys: false,
};

export const tfrecord: Format = {
  name: "tfrecord",
  description: "TensorFlow Object Detection API TFRecord of tf.train.Example with label_map.pbtxt (boxes)",
  reads: "file",
  holds: HOLDS,
  detect: (input) =>
    RECORD_FILE.test(input) || (isDir(input) && fs.readdirSync(input).some((f) => RECORD_FILE.test(f))),
  read: readTfrecord,
  plan: async (ds, output, options) => (await plans.get(ds, output, options)).lost,
  write: writeTfrecord,
};
