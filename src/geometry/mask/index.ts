/** COCO segmentation masks as run-length encodings, computed exactly as pycocotools does. */
export { rleArea, rleMerge, rleToBbox, type Rle } from "./rle";
export { rleEncode, rleDecode } from "./codec";
export { rleFromPolygon } from "./polygon";
export { rleFromSegmentation } from "./segmentation";
export { rleIou } from "./iou";
