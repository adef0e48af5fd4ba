"""Reading a Seahorse dataset manifest (InnerEye `dataset.csv` or MSD `dataset.json`) into training
cases: a normalised float32 image and an integer class map, both [Z, Y, X], exactly as Seahorse's
runtime prepares the scan (`@seahorse/preprocess`: reorientation as nibabel does, then the
normalisation the model package declares)."""
import csv
import json
import os
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import nibabel as nib
import numpy as np


class ManifestProblem(ValueError):
    """A bad manifest: the message names the file, the field and the value."""


@dataclass
class CaseFiles:
    subject: str
    image: str
    # InnerEye: one binary mask per foreground class, in class order. MSD: one label map.
    masks: Optional[List[str]] = None
    label_map: Optional[str] = None


@dataclass
class Dataset:
    manifest: str
    classes: List[str]  # background first
    cases: List[CaseFiles]


def read_manifest(path: str, image_channel: str = "mri", structures: Optional[Sequence[str]] = None) -> Dataset:
    """Reads `dataset.csv` (subject,filePath,channel; paths relative to its folder; subjects sorted as
    text, InnerEye's order) or MSD `dataset.json` (`training` list of {image, label}, `labels` map)."""
    root = os.path.dirname(os.path.abspath(path))
    if path.endswith(".csv"):
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        for col in ("subject", "filePath", "channel"):
            if rows and col not in rows[0]:
                raise ManifestProblem(f"{path}: column {col!r} is missing (columns: {list(rows[0])})")
        by_subject = {}
        channels_seen: List[str] = []
        for i, r in enumerate(rows, start=2):
            if not r["subject"].isdigit() or int(r["subject"]) <= 0:
                raise ManifestProblem(f"{path}: line {i}: subject: must be a positive integer, got {r['subject']!r}")
            by_subject.setdefault(r["subject"], {})[r["channel"]] = os.path.join(root, r["filePath"])
            if r["channel"] != image_channel and r["channel"] not in channels_seen:
                channels_seen.append(r["channel"])
        fg = list(structures) if structures else channels_seen
        cases = []
        for s in sorted(by_subject):
            ch = by_subject[s]
            missing = [c for c in [image_channel, *fg] if c not in ch]
            if missing:
                raise ManifestProblem(f"{path}: subject {s}: channel(s) {missing} missing")
            cases.append(CaseFiles(s, ch[image_channel], masks=[ch[c] for c in fg]))
        return Dataset(path, ["background", *fg], cases)
    if path.endswith(".json"):
        with open(path) as f:
            j = json.load(f)
        labels = j.get("labels")
        if not isinstance(labels, dict) or "0" not in labels:
            raise ManifestProblem(f"{path}: labels: must map '0', '1', … to names, got {labels!r}")
        classes = [labels[str(i)] for i in range(len(labels))]
        cases = []
        for i, t in enumerate(j.get("training", [])):
            img = os.path.normpath(os.path.join(root, t["image"]))
            lab = os.path.normpath(os.path.join(root, t["label"]))
            name = os.path.basename(img).split(".")[0]
            cases.append(CaseFiles(name, img, label_map=lab))
        if not cases:
            raise ManifestProblem(f"{path}: training: no cases")
        return Dataset(path, classes, sorted(cases, key=lambda c: c.subject))
    raise ManifestProblem(f"{path}: must end with .csv (InnerEye) or .json (MSD)")


def _load_xyz(file: str, orientation: str) -> Tuple[np.ndarray, np.ndarray]:
    img = nib.load(file)
    if orientation == "RAS":
        img = nib.as_closest_canonical(img)
    elif orientation != "native":
        raise ManifestProblem(f"orientation: only 'native' or 'RAS', got {orientation!r}")
    data = np.asarray(img.dataobj)
    if data.ndim == 4 and data.shape[3] == 1:
        data = data[..., 0]
    return data, img.affine


def z_score(image_zyx: np.ndarray) -> np.ndarray:
    """Seahorse's zScore: float64 mean and population std over the whole volume, float32 output."""
    d = image_zyx.astype(np.float64)
    mean = d.mean()
    std = np.sqrt(((d - mean) ** 2).mean())
    if not std > 0:
        raise ManifestProblem("z-score: constant image")
    return ((d - mean) / std).astype(np.float32)


def load_case(case: CaseFiles, orientation: str, normalisation: str) -> Tuple[np.ndarray, np.ndarray]:
    """Returns (image float32 [Z,Y,X], labels uint8 [Z,Y,X])."""
    img_xyz, _ = _load_xyz(case.image, orientation)
    image_zyx = np.ascontiguousarray(img_xyz.T)
    if normalisation != "zScore":
        raise ManifestProblem(f"normalisation: only 'zScore' is implemented, got {normalisation!r}")
    image = z_score(image_zyx)
    labels = np.zeros(image.shape, dtype=np.uint8)
    if case.masks is not None:
        for k, m in enumerate(case.masks, start=1):
            mask_xyz, _ = _load_xyz(m, orientation)
            mask = np.ascontiguousarray(mask_xyz.T) > 0
            if mask.shape != labels.shape:
                raise ManifestProblem(f"{m}: shape {mask.shape[::-1]} differs from the image's {labels.shape[::-1]}")
            if np.any(labels[mask] != 0):
                raise ManifestProblem(f"{m}: overlaps another structure's mask (InnerEye's check_exclusive)")
            labels[mask] = k
    else:
        lab_xyz, _ = _load_xyz(case.label_map, orientation)
        lab = np.rint(np.ascontiguousarray(lab_xyz.T)).astype(np.int64)
        if lab.shape != labels.shape:
            raise ManifestProblem(f"{case.label_map}: shape {lab.shape[::-1]} differs from the image's {labels.shape[::-1]}")
        labels = lab.astype(np.uint8)
    return image, labels
