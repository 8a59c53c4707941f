import type { Dataset } from "../dataset/dataset";

/** What a label format can hold; `convert` refuses to drop anything a target cannot hold. */
export interface Capabilities {
  boxes: boolean;
  polygons: boolean;
  rle: boolean;
  crowd: boolean;
  confidence: boolean;
  classification: boolean;
  /** Free per-sample metadata columns. */
  metadata: boolean;
  /** Per-object attributes (occluded, difficult, ...). */
  attributes: boolean;
  /** Several label fields (ground truth and predictions) in one file set. */
  multipleFields: boolean;
  /** Each sample's split (train / val / test ...). */
  splits: boolean;
  /** Tags on samples. */
  sampleTags: boolean;
  /** Tags on objects. */
  objectTags: boolean;
  /** An object's own area where it is not the box's (COCO areas of masks, which evaluation uses). */
  area: boolean;
  /** Image ids (`source_id`) and category ids as given, not renumbered: COCO results files refer to them. */
  ids: boolean;
  /** Categories' other keys (COCO keypoints, skeleton, ...). */
  categoryKeys: boolean;
}

export interface ReadOptions {
  /** Folder the images are in; image paths in the labels are relative to it. */
  images?: string;
  /** Label field the labels go into (default `ground_truth`). */
  field?: string;
  /** Class names in index order, for formats that store class indices (YOLO, detection text files). */
  classes?: string[];
  /** Dataset name (default: derived from the path). */
  name?: string;
  /**
   * `header` (default) checks every image is there and its header reads (size, corruption); `exists` only stats the
   * files; `none` skips.
   */
  checkImages?: "none" | "exists" | "header";
  /**
   * The dataset the labels refer to, for formats that name images and classes by ids defined
   * elsewhere (COCO results refer to a COCO ground-truth file's image and category ids).
   */
  reference?: Dataset;
  /** Progress callback: done and total counts of one phase. */
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface WriteOptions {
  /** Label field to write (default: the ground truth field, or the only field). */
  field?: string;
  /** Write even when the target cannot hold everything; what is dropped is reported. */
  lossy?: boolean;
}

export interface WriteReport {
  files: number;
  /** Boxes written (set by exportDataset from the fields written and the format's capabilities). */
  objects?: number;
  /** What the target format could not hold, one line each with a count. */
  dropped: string[];
}

export interface Format {
  name: string;
  description: string;
  /** Reads labels from a file or folder. */
  read?(input: string, options: ReadOptions): Promise<Dataset>;
  /** Writes a dataset's labels to a file or folder. */
  write?(ds: Dataset, output: string, options: WriteOptions): Promise<WriteReport>;
  /**
   * What writing would leave out beyond what `holds` tells (images without boxes in a
   * box-per-row file, masks a one-polygon-per-shape format cannot take, ...), one line each
   * with counts. Runs before anything is written, so a refused write writes nothing.
   */
  plan?(ds: Dataset, output: string, options: WriteOptions): string[] | Promise<string[]>;
  /** Whether a path looks like this format (used when no format is given). */
  detect?(input: string): boolean;
  /**
   * `file`: the labels are one file, so a folder given for them stands for the one file in it
   * that `detect` takes (`info DIR --format coco`); `folder`: the labels are a folder.
   */
  reads: "file" | "folder";
  holds: Capabilities;
}
