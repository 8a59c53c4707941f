/**
 * The data model, documented once.
 *
 * Samples table: one row per image.
 *   id        string   unique sample id (by default the image path relative to the images folder)
 *   filepath  string   image path relative to the dataset's images folder (or absolute)
 *   width     int32    image width in pixels (null when unknown)
 *   height    int32    image height in pixels (null when unknown)
 *   split     string   train / val / test / ... (null when none)
 *   tags      string[] free tags
 *   problems  string[] kinds of the problems recorded on this sample (see Dataset.problems)
 *   <label field>                 classification label (string), e.g. `ground_truth`
 *   <label field>_confidence      its confidence (float64)
 *   <label field>_probs           class probabilities (float64[]), in the order of FieldInfo.classes
 *   any other column              free metadata
 *
 * Objects table: one row per box.
 *   id          int32    row id, unique within the dataset
 *   sample_id   string   the sample's id
 *   field       string   `ground_truth` or a prediction field such as a model's name
 *   label       string   class name
 *   x, y, w, h  float64  BOX CONVENTION: absolute pixels, origin at the image's top-left
 *                        corner, x/y the top-left corner of the box, w/h its size, in
 *                        continuous coordinates (a box over pixel columns 0..9 has x=0, w=10).
 *                        This is COCO's convention; every importer and exporter converts at
 *                        the edge (VOC/CVAT corners, YOLO/Open Images normalised values).
 *   confidence  float64  score of a prediction (null for ground truth)
 *   iscrowd     int8     1 for a crowd region (COCO iscrowd, Open Images IsGroupOf)
 *   area        float64  area as given by the source (COCO `area`), null when not given
 *   segmentation string  JSON of COCO's segmentation: polygons [[x,y,...],...] or RLE {size,counts}
 *   attributes  string   JSON object of other per-object attributes (occluded, difficult, ...)
 *   source_id   string   the object's id in the source file, kept for exact round trips
 *   tags        string[] free tags
 */

export const SAMPLE_CORE_COLUMNS = ["id", "filepath", "width", "height", "split", "tags", "problems"] as const;
export const OBJECT_COLUMNS = [
  "id",
  "sample_id",
  "field",
  "label",
  "x",
  "y",
  "w",
  "h",
  "confidence",
  "iscrowd",
  "area",
  "segmentation",
  "attributes",
  "source_id",
  "tags",
] as const;

export const GROUND_TRUTH = "ground_truth";

export interface Category {
  /** Numeric id as in the source (COCO category id, YOLO index + 1 when none given). */
  id: number;
  name: string;
  supercategory?: string;
  /** Other keys the source gave the category (COCO keypoints, skeleton, ...), kept for writing back. */
  attributes?: Record<string, unknown>;
}

/** What kind of labels a dataset's label field holds. */
export type FieldKind = "detections" | "classification";

export interface FieldInfo {
  name: string;
  kind: FieldKind;
  /** True for model predictions (scored), false for ground truth. */
  predicted: boolean;
  /** Classification: the class of each entry of `<field>_probs`. */
  classes?: string[];
}
