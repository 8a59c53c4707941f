"""Prints OpenCV's variance of the Laplacian, cv2.Laplacian(gray, cv2.CV_64F).var() with gray =
cv2.cvtColor(image, COLOR_BGR2GRAY), for every image file named in a JSON list (argv[1]), as a
JSON object file -> variance, for test/quality/opencv.test.ts. cv2.imread applies EXIF
orientation, as blindspot's decoder does (a rotation leaves the variance unchanged anyway)."""
import json
import sys

import cv2

out = {}
for f in json.load(open(sys.argv[1])):
    image = cv2.imread(f, cv2.IMREAD_COLOR)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    out[f] = float(cv2.Laplacian(gray, cv2.CV_64F).var())
print(json.dumps(out))
