import { readHead } from "../common/files";
import { rootName } from "../common/xmlScan";
import type { Format } from "../format";
import { readCvat } from "./read";
import { plans, writeCvat } from "./write";

/**
 * CVAT for images 1.1 XML (`annotations.xml`).
 *
 * - `<meta><task|project|job><labels>` gives the class list, in order (categories 1..n), and
 *   each label's attribute specs (`input_type` checkbox / number / text / select / radio).
 * - `<image id name width height [subset]>`: one sample; id = name, filepath = name,
 *   `subset` becomes the split, the CVAT image id the `source_id` metadata column, other
 *   image attributes metadata columns (text).
 * - `<box xtl ytl xbr ybr>`: corners in continuous pixel coordinates, so x = xtl, w = xbr - xtl
 *   (no +1/-1). `<polygon points="x1,y1;x2,y2;...">`: a COCO polygon [[x1,y1,x2,y2,...]] and
 *   its extent as the box.
 * - Shape attributes `occluded` (boolean), `z_order`, `group_id`, `rotation` (numbers),
 *   `source` (text) and `<attribute name=...>` children (typed by the label's spec) go to the
 *   object's attributes; an attribute `iscrowd` (or CVAT/Datumaro's `is_crowd`) is the crowd flag.
 *   The writer puts only such values in shape attributes (an `occluded` that is not a boolean,
 *   such as VOC's 0 / 1, is an <attribute> child), so that each reads back as it was.
 * - Other shapes (polylines, points, masks, ellipses, cuboids, skeletons, tags) are not loaded:
 *   each image that has some gets an `unsupported-shape` problem saying how many.
 */

export const cvat: Format = {
  name: "cvat",
  description: "CVAT for images 1.1 XML (boxes, polygons, attributes, crowd via an iscrowd attribute)",
  reads: "file",
  holds: {
    boxes: true,
    polygons: true,
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
    area: false,
    ids: false,
    categoryKeys: false,
  },
  detect: detectCvat,
  read: readCvat,
  plan: (ds, output, options) => plans.get(ds, output, options).lost,
  write: writeCvat,
};

// ---------------------------------------------------------------------------------------------
// detect

function detectCvat(input: string): boolean {
  if (!/\.xml$/i.test(input)) return false;
  const head = readHead(input);
  return head !== null && rootName(head) === "annotations";
}
