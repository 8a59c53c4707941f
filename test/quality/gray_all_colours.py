"""Writes cv2.cvtColor(COLOR_RGB2GRAY) and PIL's convert("L") of all 2^24 colours (colour
c = R << 16 | G << 8 | B) as cv2.bin and pil.bin, one byte per colour, into the folder named
in the JSON file argv[1], and prints null; for test/quality/opencv.test.ts."""
import json
import os
import sys

import cv2
import numpy as np
from PIL import Image

folder = json.load(open(sys.argv[1]))
c = np.arange(1 << 24, dtype=np.uint32)
rgb = np.stack([c >> 16, (c >> 8) & 255, c & 255], axis=-1).astype(np.uint8).reshape(4096, 4096, 3)
cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).tofile(os.path.join(folder, "cv2.bin"))
np.asarray(Image.fromarray(rgb).convert("L")).tofile(os.path.join(folder, "pil.bin"))
print("null")
