"""pycocotools' answers for the masks in a JSON file (argv[1]), printed as JSON, for
test/eval/mask.test.ts.

Input: {"cases": [{"segmentation", "h", "w"}], "iou": [{"dt": [case], "gt": [case], "crowd": [0|1]}]}.
Each case goes through COCO.annToRLE with an image of size h x w; the answer is the RLE string
(re-encoded by merge, so compressed input comes back in pycocotools' own encoding), area and
toBbox, or the exception pycocotools raised. Each IoU set is mask.iou of those RLEs (D x G).
"""
import json
import sys

from pycocotools import mask
from pycocotools.coco import COCO

data = json.load(open(sys.argv[1]))
coco = COCO()
rles, answers = [], []
for case in data["cases"]:
    coco.imgs = {0: {"height": case["h"], "width": case["w"]}}
    try:
        rle = coco.annToRLE({"image_id": 0, "segmentation": case["segmentation"]})
        merged = mask.merge([rle])
        answers.append({
            "counts": merged["counts"].decode("latin-1"),
            "size": [int(v) for v in merged["size"]],
            "area": int(mask.area(rle)),
            "bbox": mask.toBbox(rle).tolist(),
        })
    except Exception as e:  # the test expects blindspot to refuse the same input
        rle = None
        answers.append({"error": f"{type(e).__name__}: {e}"})
    rles.append(rle)

ious = []
for s in data["iou"]:
    iou = mask.iou([rles[i] for i in s["dt"]], [rles[i] for i in s["gt"]], s["crowd"])
    ious.append([list(map(float, row)) for row in iou])
print(json.dumps({"cases": answers, "iou": ious}))
