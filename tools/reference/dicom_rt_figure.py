"""Draws an RTSTRUCT's contours over the slice of the source series they reference most, with
pydicom and Pillow (independent of Seahorse's reader), for the README's figure.

Usage: dicom_rt_figure.py <rtstruct.dcm> <series folder> <out.png>
"""
import collections
import json
import os
import sys

import numpy as np
import pydicom
from PIL import Image, ImageDraw


def main(rt_file, series, out):
    rt = pydicom.dcmread(rt_file)
    colours = {int(r.ReferencedROINumber): tuple(int(c) for c in r.ROIDisplayColor) for r in rt.ROIContourSequence}
    per_slice = collections.Counter()
    for r in rt.ROIContourSequence:
        for c in r.get("ContourSequence", []):
            per_slice[c.ContourImageSequence[0].ReferencedSOPInstanceUID] += int(c.NumberOfContourPoints)
    uid = per_slice.most_common(1)[0][0]
    img = next(d for d in (pydicom.dcmread(os.path.join(series, f)) for f in sorted(os.listdir(series))) if d.SOPInstanceUID == uid)
    px = img.pixel_array.astype(float) * float(img.get("RescaleSlope", 1)) + float(img.get("RescaleIntercept", 0))
    lo, hi = np.percentile(px, [1, 99.5])
    grey = (np.clip((px - lo) / (hi - lo), 0, 1) * 255).astype(np.uint8)
    scale = 3
    canvas = Image.fromarray(grey).convert("RGB").resize((grey.shape[1] * scale, grey.shape[0] * scale), Image.NEAREST)
    draw = ImageDraw.Draw(canvas)
    o = np.array(img.ImageOrientationPatient, dtype=float)
    ipp = np.array(img.ImagePositionPatient, dtype=float)
    dr, dc = (float(v) for v in img.PixelSpacing)
    drawn = 0
    for r in rt.ROIContourSequence:
        for c in r.get("ContourSequence", []):
            if c.ContourImageSequence[0].ReferencedSOPInstanceUID != uid:
                continue
            p = np.array(c.ContourData, dtype=float).reshape(-1, 3) - ipp
            col = p @ o[:3] / dc
            row = p @ o[3:] / dr
            pts = [((x + 0.5) * scale, (y + 0.5) * scale) for x, y in zip(col, row)]
            draw.line(pts + [pts[0]], fill=colours[int(r.ReferencedROINumber)], width=2)
            drawn += 1
    canvas.save(out)
    print(json.dumps({"png": out, "contours": drawn, "instance": int(img.InstanceNumber)}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
