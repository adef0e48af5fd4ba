"""PyTorch reference inference for one scan and one checkpoint, preprocessed exactly as the training
data (and as Seahorse's runtime): python -m seahorse_train.predict --checkpoint last.ckpt --image mri.nii.gz
--orientation RAS --depth 3 --out posteriors.npy. Writes float32 posteriors [K, Z, Y, X] on the scan's
own grid (reoriented back), whole-volume pass with zero padding at the end to a multiple of 2^depth."""
import argparse
import sys

import nibabel as nib
import numpy as np
import torch

from .data import z_score
from .train import pad_to
from .unet3d import SegmentationModule, UNet3D


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="seahorse-train-predict")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--image", required=True)
    p.add_argument("--orientation", choices=["native", "RAS"], default="native")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    ckpt = torch.load(a.checkpoint, map_location="cpu")
    hp = ckpt["hyper_parameters"]
    net = SegmentationModule(UNet3D(1, hp["initial_feature_channels"], hp["num_classes"], hp["num_downsampling_paths"]))
    net.load_state_dict(ckpt["state_dict"], strict=True)
    net.eval()
    img = nib.load(a.image)
    data = np.asarray(img.dataobj)
    ornt = nib.orientations.io_orientation(img.affine)
    if a.orientation == "RAS":
        data = nib.orientations.apply_orientation(data, ornt)
    image = z_score(np.ascontiguousarray(data.T))
    unit = 2 ** hp["num_downsampling_paths"]
    target = [int(np.ceil(s / unit) * unit) for s in image.shape]
    with torch.no_grad():
        probs = torch.softmax(net(torch.from_numpy(pad_to(image, target)[None, None])), dim=1)[0].numpy()
    probs = probs[:, : image.shape[0], : image.shape[1], : image.shape[2]]
    if a.orientation == "RAS":
        back = nib.orientations.ornt_transform(nib.orientations.axcodes2ornt("RAS"), ornt)
        probs = np.stack([nib.orientations.apply_orientation(c.T, back).T for c in probs])
    np.save(a.out, np.ascontiguousarray(probs.astype(np.float32)))
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
