"""Reads an RTSTRUCT that `seahorse serve` returned, and one image of its source series, with pydicom,
and prints the fields InnerEye-Inference's end-to-end test and the InnerEye RTSTRUCT contract check.

Usage: serve_rtstruct_fields.py <rtstruct.dcm> <one source image.dcm>
Prints JSON: modality, manufacturer, softwareVersions, rois [{number, name, color, interpretedType,
generationAlgorithm, contours}], and whether patient/study identity and the frame of reference
equal the source image's.
"""
import json
import sys

import pydicom


def main(rt_file, image_file):
    ds = pydicom.dcmread(rt_file)
    im = pydicom.dcmread(image_file, stop_before_pixels=True)
    contours = {c.ReferencedROINumber: len(getattr(c, "ContourSequence", [])) for c in ds.ROIContourSequence}
    colors = {c.ReferencedROINumber: [int(v) for v in c.ROIDisplayColor] for c in ds.ROIContourSequence}
    types = {o.ReferencedROINumber: o.RTROIInterpretedType for o in ds.RTROIObservationsSequence}
    rois = [{
        "number": int(r.ROINumber), "name": r.ROIName, "color": colors[r.ROINumber],
        "interpretedType": types[r.ROINumber], "generationAlgorithm": r.ROIGenerationAlgorithm,
        "contours": contours[r.ROINumber],
    } for r in ds.StructureSetROISequence]
    print(json.dumps({
        "modality": ds.Modality,
        "manufacturer": ds.Manufacturer,
        "softwareVersions": str(ds.SoftwareVersions),
        "rois": rois,
        "samePatient": ds.PatientID == im.PatientID and str(ds.PatientName) == str(im.PatientName),
        "sameStudy": ds.StudyInstanceUID == im.StudyInstanceUID,
        "sameFrameOfReference": ds.ReferencedFrameOfReferenceSequence[0].FrameOfReferenceUID == im.FrameOfReferenceUID,
        "newSeries": ds.SeriesInstanceUID != im.SeriesInstanceUID,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
