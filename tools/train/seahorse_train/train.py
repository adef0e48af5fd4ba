"""k-fold training of InnerEye's UNet3D on a Seahorse dataset manifest.

Writes, under --out:
  final_ensemble_model/model_inference_config.json   InnerEye's ensemble config (checkpoint_paths)
  final_ensemble_model/checkpoints/last.ckpt          fold 0 (InnerEye: the parent run)
  final_ensemble_model/checkpoints/OTHER_RUNS/k/last.ckpt   fold k = 1..K-1
  final_ensemble_model/seahorse_settings.json         model.json settings for the importer
  folds.json                                          held-out subjects and validation Dice per fold
  training_log.csv                                    fold, epoch, lr, mean loss, seconds
Each checkpoint is Lightning-style: {'epoch', 'global_step', 'pytorch-lightning_version', 'state_dict'
(keys model._layers.N… and model.output_layer…), 'optimizer_states', 'lr_schedulers', 'callbacks', 'hyper_parameters'}.
"""
import argparse
import json
import os
import random
import sys
import time
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch

from .data import ManifestProblem, load_case, read_manifest
from .loss import soft_dice_loss
from .unet3d import SegmentationModule, UNet3D


def parse_triple(text: str) -> Tuple[int, int, int]:
    parts = [int(p) for p in text.split(",")]
    if len(parts) != 3 or min(parts) <= 0:
        raise argparse.ArgumentTypeError(f"expected Z,Y,X positive integers, got {text!r}")
    return parts[0], parts[1], parts[2]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="seahorse-train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--manifest", required=True, help="dataset.csv (InnerEye) or dataset.json (MSD)")
    p.add_argument("--out", required=True, help="output folder (created; existing checkpoints are replaced)")
    p.add_argument("--model-name", default="SeahorseUNet3D")
    p.add_argument("--folds", type=int, default=5, help="k of k-fold cross-validation (default 5)")
    p.add_argument("--only-folds", type=str, default=None, help="comma-separated fold indices to train (default all)")
    p.add_argument("--split-seed", type=int, default=0, help="seed of the subject shuffle before splitting (InnerEye: random.Random(0))")
    p.add_argument("--seed", type=int, default=1, help="training seed (fold k uses seed + k)")
    p.add_argument("--width", type=int, default=16, help="initial feature channels (InnerEye Hippocampus: 16)")
    p.add_argument("--depth", type=int, default=4, help="downsamplings (InnerEye Hippocampus: 4)")
    p.add_argument("--crop", type=parse_triple, default=(64, 64, 64), help="training crop Z,Y,X, multiples of 2^depth")
    p.add_argument("--batch", type=int, default=2, help="crops per step (InnerEye: 2)")
    p.add_argument("--epochs", type=int, default=50)
    p.add_argument("--iterations-per-epoch", type=int, default=50)
    p.add_argument("--lr", type=float, default=1e-3, help="InnerEye: 1e-3")
    p.add_argument("--poly-gamma", type=float, default=0.9, help="polynomial LR decay power (InnerEye: 0.9)")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--adam-eps", type=float, default=1e-4)
    p.add_argument("--orientation", choices=["native", "RAS"], default="native", help="reorient before training (and declare it in the package)")
    p.add_argument("--normalisation", choices=["zScore"], default="zScore")
    p.add_argument("--image-channel", default="mri")
    p.add_argument("--structures", default=None, help="comma-separated ground-truth channels in class order (dataset.csv; default: order of appearance)")
    p.add_argument("--lcc", action="store_true", help="declare largest-connected-component post-processing for every structure")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: all)")
    return p


def member_checkpoint_path(fold: int) -> str:
    """InnerEye's layout: fold 0 is the parent run, the others are OTHER_RUNS/<k>."""
    return "checkpoints/last.ckpt" if fold == 0 else f"checkpoints/OTHER_RUNS/{fold}/last.ckpt"


def member_name(fold: int) -> str:
    return "last" if fold == 0 else f"OTHER_RUNS_{fold}"


def kfold_splits(subjects: Sequence[str], k: int, seed: int) -> List[List[str]]:
    """Shuffles the (text-sorted) subjects with random.Random(seed), then cuts k contiguous held-out folds."""
    order = sorted(subjects)
    random.Random(seed).shuffle(order)
    sizes = [len(order) // k + (1 if i < len(order) % k else 0) for i in range(k)]
    out, start = [], 0
    for s in sizes:
        out.append(sorted(order[start:start + s]))
        start += s
    return out


def pad_to(a: np.ndarray, shape: Sequence[int], value: float = 0) -> np.ndarray:
    """Pads at the end of each axis (Seahorse padPlacement 'end')."""
    pad = [(0, max(0, t - s)) for s, t in zip(a.shape, shape)]
    return np.pad(a, pad, constant_values=value) if any(p[1] for p in pad) else a


class CropSampler:
    """InnerEye-style crop-centre sampling: pick a class uniformly among those present, then a
    random voxel of it as the crop centre; the crop is shifted to lie inside the (padded) volume."""

    def __init__(self, cases: List[Tuple[np.ndarray, np.ndarray]], crop: Sequence[int], classes: int, rng: np.random.Generator):
        self.crop = tuple(crop)
        self.rng = rng
        self.cases = []
        for image, labels in cases:
            target = [max(s, c) for s, c in zip(image.shape, crop)]
            image, labels = pad_to(image, target), pad_to(labels, target)
            where = [np.flatnonzero(labels.ravel() == k) for k in range(classes)]
            self.cases.append((image, labels, [w for w in where if len(w)]))

    def batch(self, size: int, classes: int) -> Tuple[torch.Tensor, torch.Tensor]:
        imgs, labs = [], []
        for _ in range(size):
            image, labels, where = self.cases[self.rng.integers(len(self.cases))]
            idx = where[self.rng.integers(len(where))]
            centre = np.unravel_index(idx[self.rng.integers(len(idx))], labels.shape)
            start = [int(min(max(c - k // 2, 0), s - k)) for c, k, s in zip(centre, self.crop, labels.shape)]
            sl = tuple(slice(s, s + k) for s, k in zip(start, self.crop))
            imgs.append(image[sl])
            labs.append(labels[sl])
        x = torch.from_numpy(np.stack(imgs)[:, None].astype(np.float32))
        y = torch.from_numpy(np.stack(labs).astype(np.int64))
        onehot = torch.nn.functional.one_hot(y, classes).permute(0, 4, 1, 2, 3).float()
        return x, onehot


@torch.no_grad()
def predict(net: torch.nn.Module, image: np.ndarray, multiple: int, device: torch.device) -> np.ndarray:
    """Whole-volume pass (zero padding at the end to a multiple), argmax, crop back: [Z, Y, X] uint8."""
    target = [int(np.ceil(s / multiple) * multiple) for s in image.shape]
    x = torch.from_numpy(pad_to(image, target)[None, None].astype(np.float32)).to(device)
    probs = torch.softmax(net(x), dim=1)
    seg = probs.argmax(dim=1)[0].cpu().numpy().astype(np.uint8)
    return seg[: image.shape[0], : image.shape[1], : image.shape[2]]


def dice(a: np.ndarray, b: np.ndarray) -> float:
    s = a.sum() + b.sum()
    return 1.0 if s == 0 else float(2 * np.logical_and(a, b).sum() / s)


def save_atomic(obj, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def write_json_atomic(obj, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def log(msg: str) -> None:
    print(f"[train] {msg}", flush=True)


def main(argv: Sequence[str] = None) -> int:
    args = build_parser().parse_args(argv)
    unit = 2 ** args.depth
    if any(c % unit for c in args.crop):
        print(f"seahorse-train: --crop {args.crop}: every size must be a multiple of 2^depth = {unit}", file=sys.stderr)
        return 2
    try:
        ds = read_manifest(args.manifest, args.image_channel, args.structures.split(",") if args.structures else None)
    except (ManifestProblem, OSError, KeyError) as e:
        print(f"seahorse-train: {e}", file=sys.stderr)
        return 2
    if args.folds < 2 or args.folds > len(ds.cases):
        print(f"seahorse-train: --folds {args.folds}: must be between 2 and the number of subjects ({len(ds.cases)})", file=sys.stderr)
        return 2
    device = torch.device("cuda" if (args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())) else "cpu")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    classes = len(ds.classes)
    log(f"{len(ds.cases)} subjects, classes {ds.classes}, device {device}, torch {torch.__version__}, threads {torch.get_num_threads()}")
    t0 = time.time()
    data: Dict[str, Tuple[np.ndarray, np.ndarray]] = {}
    for c in ds.cases:
        try:
            data[c.subject] = load_case(c, args.orientation, args.normalisation)
        except (ManifestProblem, OSError) as e:
            print(f"seahorse-train: subject {c.subject}: {e}", file=sys.stderr)
            return 2
    log(f"loaded in {time.time() - t0:.1f}s")
    splits = kfold_splits(list(data), args.folds, args.split_seed)
    folds = range(args.folds) if args.only_folds is None else [int(f) for f in args.only_folds.split(",")]
    final = os.path.join(args.out, "final_ensemble_model")
    os.makedirs(final, exist_ok=True)
    log_path = os.path.join(args.out, "training_log.csv")
    folds_path = os.path.join(args.out, "folds.json")
    with open(log_path, "a") as logf:
        if logf.tell() == 0:
            logf.write("fold,epoch,lr,loss,seconds\n")
        for fold in folds:
            held_out = splits[fold]
            train_subjects = [s for s in data if s not in held_out]
            torch.manual_seed(args.seed + fold)
            rng = np.random.default_rng(args.seed + fold)
            net = SegmentationModule(UNet3D(1, args.width, classes, args.depth)).to(device)
            opt = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=args.adam_eps, weight_decay=args.weight_decay)
            sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: max(0.0, 1 - e / args.epochs) ** args.poly_gamma)
            sampler = CropSampler([data[s] for s in train_subjects], args.crop, classes, rng)
            step = 0
            tf = time.time()
            for epoch in range(args.epochs):
                net.train()
                losses = []
                for _ in range(args.iterations_per_epoch):
                    x, y = sampler.batch(args.batch, classes)
                    x, y = x.to(device), y.to(device)
                    opt.zero_grad(set_to_none=True)
                    loss = soft_dice_loss(net(x), y)
                    loss.backward()
                    opt.step()
                    losses.append(float(loss))
                    step += 1
                lr = opt.param_groups[0]["lr"]
                sched.step()
                logf.write(f"{fold},{epoch},{lr:.6g},{np.mean(losses):.5f},{time.time() - tf:.1f}\n")
                logf.flush()
                if epoch == args.epochs - 1 or epoch % max(1, args.epochs // 10) == 0:
                    log(f"fold {fold} epoch {epoch + 1}/{args.epochs} lr {lr:.2e} loss {np.mean(losses):.4f} ({time.time() - tf:.0f}s)")
            net.eval()
            per_class = {name: [] for name in ds.classes[1:]}
            for s in held_out:
                image, labels = data[s]
                seg = predict(net, image, unit, device)
                for k, name in enumerate(ds.classes[1:], start=1):
                    per_class[name].append(dice(seg == k, labels == k))
            mean_dice = {k: float(np.mean(v)) for k, v in per_class.items()}
            log(f"fold {fold}: held-out Dice (PyTorch, {len(held_out)} subjects) " + ", ".join(f"{k} {v:.3f}" for k, v in mean_dice.items()))
            state = {k: v.detach().cpu() for k, v in net.state_dict().items()}
            ckpt = {
                "epoch": args.epochs - 1,
                "global_step": step,
                "pytorch-lightning_version": "1.5.5",
                "state_dict": state,
                "optimizer_states": [opt.state_dict()],
                "lr_schedulers": [sched.state_dict()],
                "callbacks": {},
                "hyper_parameters": {
                    "initial_feature_channels": args.width, "num_downsampling_paths": args.depth, "num_classes": classes,
                    "classes": ds.classes, "crop_size_zyx": list(args.crop), "fold": fold, "folds": args.folds,
                },
            }
            save_atomic(ckpt, os.path.join(final, member_checkpoint_path(fold)))
            # Re-read: other processes may train other folds into the same run (--only-folds).
            summary = json.load(open(folds_path)) if os.path.exists(folds_path) else {"folds": {}}
            summary["folds"][str(fold)] = {
                "member": member_name(fold), "checkpoint": member_checkpoint_path(fold),
                "heldOut": held_out, "heldOutDice": mean_dice, "heldOutDicePerSubject": per_class,
                "seconds": round(time.time() - tf, 1),
            }
            write_json_atomic(summary, folds_path)
    summary = json.load(open(folds_path)) if os.path.exists(folds_path) else {"folds": {}}
    trained = sorted(int(f) for f in summary["folds"])
    paths = [member_checkpoint_path(f) for f in trained if f != 0] + ([member_checkpoint_path(0)] if 0 in trained else [])
    write_json_atomic({"model_name": args.model_name, "checkpoint_paths": paths,
                       "model_configs_namespace": "seahorse_train"}, os.path.join(final, "model_inference_config.json"))
    settings = {
        "name": args.model_name, "version": "1", "classes": ds.classes,
        "preprocessing": {"normalisation": {"method": args.normalisation}, "targetSpacingXYZ": "native", "targetOrientation": args.orientation},
        "inference": {"patchSizeZYX": list(args.crop), "padMultiple": unit, "padPlacement": "end", "padValue": 0,
                      "tiling": "whole", "gaussianOverlap": 0.5, "threads": "auto"},
        "postprocessing": {"largestConnectedComponent": ds.classes[1:] if args.lcc else []},
    }
    write_json_atomic(settings, os.path.join(final, "seahorse_settings.json"))
    summary.update({"manifest": os.path.abspath(args.manifest), "classes": ds.classes, "arguments": {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(args).items()}})
    write_json_atomic(summary, folds_path)
    log(f"done in {time.time() - t0:.0f}s: {final}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
