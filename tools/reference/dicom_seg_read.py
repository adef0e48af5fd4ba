"""Reads a DICOM SEG with highdicom, for @seahorse/dicom's round-trip test.

Usage: dicom_seg_read.py <seg.dcm> <source SOP instance UIDs, JSON list in slice order> <out.npy>
Writes the label map [Z, Y, X] uint8 (segment numbers, 0 background) on the source slices, in
the order given, and prints {"npy", "segments": [{number, label, type, modifier}]}.
"""
import json
import sys

import highdicom as hd
import numpy as np


def main(seg_file, uids_json, out):
    seg = hd.seg.segread(seg_file)
    uids = json.load(open(uids_json))
    numbers = [int(s.SegmentNumber) for s in seg.SegmentSequence]
    arr = seg.get_pixels_by_source_instance(source_sop_instance_uids=uids, segment_numbers=numbers,
                                            combine_segments=True, skip_overlap_checks=False)
    np.save(out, arr.astype(np.uint8))
    segments = []
    for s in seg.SegmentSequence:
        mod = s.SegmentedPropertyTypeCodeSequence[0].get("SegmentedPropertyTypeModifierCodeSequence")
        segments.append({"number": int(s.SegmentNumber), "label": s.SegmentLabel,
                         "type": s.SegmentedPropertyTypeCodeSequence[0].CodeMeaning,
                         "modifier": mod[0].CodeMeaning if mod else None})
    print(json.dumps({"npy": out, "segments": segments}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
