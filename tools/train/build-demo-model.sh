#!/usr/bin/env bash
# Rebuilds models/demo from scratch (CPU: about 30–60 minutes on 2 cores; a GPU is used when present):
#   1. 40 training phantoms (seed 1000, varied spacing/orientation/oblique) in $WORK/phantoms;
#   2. 5-fold training of InnerEye's UNet3D, 8 initial channels, 3 downsamplings,
#      32×32×48 (Z,Y,X) crops, 30 epochs × 15 iterations of 2 crops, Adam 1e-3 with polynomial decay,
#      RAS + z-score, largest-component post-processing declared;
#   3. import with Seahorse's TypeScript importer into models/demo (replacing it).
# Usage: bash tools/train/build-demo-model.sh [work folder, default /tmp/seahorse-demo-model]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-/tmp/seahorse-demo-model}"
cd "$ROOT"
node --conditions=@seahorse/source --import tsx tools/train/make-phantoms.mts "$WORK/phantoms" --subjects 40 --seed 1000
bash tools/train/run.sh --manifest "$WORK/phantoms/dataset.csv" --out "$WORK/run" --model-name SeahorseDemo \
  --width 8 --depth 3 --crop 32,32,48 --epochs 30 --iterations-per-epoch 15 --orientation RAS --lcc --folds 5 --threads 1
node --conditions=@seahorse/source --import tsx tools/train/import-run.mts "$WORK/run" models/demo --overwrite
cp "$WORK/run/folds.json" models/demo/training-folds.json
