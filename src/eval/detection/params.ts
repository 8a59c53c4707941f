/**
 * COCO evaluation parameters, with pycocotools' defaults. Thresholds are built the way numpy's
 * `linspace` builds them (start + i * step, the last one exactly `stop`), so that an IoU exactly
 * on a threshold compares the same way it does in pycocotools.
 */
export interface CocoParams {
  /** IoU thresholds, ascending (default 0.50:0.05:0.95). */
  iouThresholds: Float64Array;
  /** Recall points where precision is sampled (default 0:0.01:1, 101 points). */
  recallThresholds: Float64Array;
  /** Area ranges [min, max] in square pixels, both ends inclusive, with names. */
  areaRanges: { name: string; min: number; max: number }[];
  /** Detections kept per image and class, ascending (default 1, 10, 100). */
  maxDets: number[];
}

export const AREA_ALL = 0;

export function defaultParams(): CocoParams {
  return {
    iouThresholds: linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1),
    recallThresholds: linspace(0, 1, Math.round((1 - 0) / 0.01) + 1),
    areaRanges: [
      { name: "all", min: 0, max: 1e5 ** 2 },
      { name: "small", min: 0, max: 32 ** 2 },
      { name: "medium", min: 32 ** 2, max: 96 ** 2 },
      { name: "large", min: 96 ** 2, max: 1e5 ** 2 },
    ],
    maxDets: [1, 10, 100],
  };
}

/** numpy.linspace(start, stop, num) with endpoint=True. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}
