import { BlindspotError } from "../errors";
import { evaluateDetections, STAT_NAMES, type DetectionEvaluation } from "../eval/detection";
import { importLabels, load } from "../formats/api";
import { checkOptions, numberOption, stringOption, type ParsedArgs } from "./args";
import { classesOption } from "./classes";
import { warnProblems } from "./problems";
import { progressLine } from "./progress";

/**
 * `blindspot eval detection --gt FILE --pred FILE [--iou-type bbox|segm] [--iou T]
 * [--class-agnostic] [--gt-format F] [--pred-format F] [--images DIR] [--classes LIST|FILE]
 * [--json]`: COCO-style evaluation of predictions (a COCO results list by default) against
 * ground truth (COCO by default, or any format blindspot reads). `--images` and `--classes`
 * are read options of both files (YOLO and text box files name classes by index).
 */
export async function evalDetection(args: ParsedArgs): Promise<number> {
  const known = [
    "gt",
    "pred",
    "iou-type",
    "iou",
    "class-agnostic",
    "gt-format",
    "pred-format",
    "images",
    "classes",
    "json",
  ];
  checkOptions(args, known, "eval detection");
  const gtFile = stringOption(args, "gt"),
    predFile = stringOption(args, "pred");
  if (!gtFile || !predFile)
    throw new BlindspotError({
      message: "eval detection needs --gt and --pred",
      hint: "blindspot eval detection --gt instances.json --pred results.json [--iou-type segm] [--json]",
    });
  const iouType = stringOption(args, "iou-type") ?? "bbox";
  if (iouType !== "bbox" && iouType !== "segm")
    throw new BlindspotError({
      place: "--iou-type",
      message: `unknown IoU type ${JSON.stringify(iouType)}`,
      hint: "use bbox (boxes) or segm (masks)",
    });
  const onProgress = progressLine();
  const read = { images: stringOption(args, "images"), classes: classesOption(args), onProgress };
  const ds = await load(gtFile, { ...read, format: stringOption(args, "gt-format") ?? "coco" });
  const predFormat = stringOption(args, "pred-format") ?? "coco-results";
  await importLabels(ds, predFile, { ...read, format: predFormat, field: "predictions" });
  const ev = evaluateDetections(ds, "predictions", {
    iouType,
    iou: numberOption(args, "iou", 0.5),
    classwise: !args.options.has("class-agnostic"),
  });
  warnProblems(ds.problems);
  for (const w of ev.warnings) console.error(`warning: ${w}`);
  console.log(
    args.options.has("json")
      ? JSON.stringify({ files: { gt: gtFile, pred: predFile }, ...ev.toJSON() }, null, 2)
      : describe(ev),
  );
  return 0;
}

/** pycocotools' printout, then the per-class AP table. */
function describe(ev: DetectionEvaluation): string {
  const labels: Record<(typeof STAT_NAMES)[number], string> = {
    AP: "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
    AP50: "Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ]",
    AP75: "Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ]",
    AP_small: "Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
    AP_medium: "Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
    AP_large: "Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]",
    AR1: "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ]",
    AR10: "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ]",
    AR100: "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
    AR_small: "Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
    AR_medium: "Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
    AR_large: "Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]",
  };
  const lines = STAT_NAMES.map((n, i) => ` ${labels[n]} = ${ev.stats[i].toFixed(3)}`);
  lines.push(
    "",
    `per class (outcomes at IoU ${ev.iou}):`,
    "  class                 AP     AP50   AR     truth  tp     fp     fn",
  );
  for (const r of ev.perClass().objects() as Record<string, number | string | null>[]) {
    const f = (v: unknown) => (typeof v === "number" ? v.toFixed(3) : "  -  ").padEnd(7);
    const c = (v: unknown) => String(v).padEnd(7);
    lines.push(
      `  ${String(r.class).padEnd(20).slice(0, 20)}  ` +
        `${f(r.AP)}${f(r.AP50)}${f(r.AR)}${c(r.truth)}${c(r.tp)}${c(r.fp)}${c(r.fn)}`,
    );
  }
  return lines.join("\n");
}
