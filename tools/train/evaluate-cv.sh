#!/usr/bin/env bash
# Evaluates a k-fold training run through `seahorse evaluate` (the durable Temporal path): each
# fold's member on its own held-out subjects, then pools the per-subject results of all folds into
# one InnerEye-format table (aggregates over the 3-decimal per-subject values, as InnerEye does).
# Usage: bash tools/train/evaluate-cv.sh <run folder> <per-fold packages folder> <MSD dataset folder> <work folder>
#   <run folder>        holds folds.json (from tools/train/run.sh)
#   <per-fold folder>   holds fold-<k>/ model packages (from import-run.mts --per-fold)
# Held-out images are copied into <work>/fold-<k>/data (a dataset's files must lie inside its folder).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$(cd "$1" && pwd)"; PER_FOLD="$(cd "$2" && pwd)"; DATA="$(cd "$3" && pwd)"; WORK="$4"
mkdir -p "$WORK"; WORK="$(cd "$WORK" && pwd)"
folds=$(node -e "console.log(Object.keys(JSON.parse(require('fs').readFileSync('$RUN/folds.json','utf8')).folds).sort().join(' '))")
for k in $folds; do
  d="$WORK/fold-$k/data"
  mkdir -p "$d/imagesTr" "$d/labelsTr"
  node -e "
    const fs = require('fs'), path = require('path');
    const f = JSON.parse(fs.readFileSync('$RUN/folds.json', 'utf8')).folds['$k'];
    const src = JSON.parse(fs.readFileSync('$DATA/dataset.json', 'utf8'));
    for (const id of f.heldOut) for (const sub of ['imagesTr', 'labelsTr'])
      fs.copyFileSync(path.join('$DATA', sub, id + '.nii.gz'), path.join('$d', sub, id + '.nii.gz'));
    fs.writeFileSync('$d/dataset.json', JSON.stringify({ ...src, name: src.name + ' fold $k held out', numTraining: f.heldOut.length,
      training: f.heldOut.map((id) => ({ image: './imagesTr/' + id + '.nii.gz', label: './labelsTr/' + id + '.nii.gz' })) }, null, 1));"
  echo "== fold $k: $(ls "$d/imagesTr" | wc -l) held-out subjects"
  "$ROOT/seahorse" evaluate --dataset "$d/dataset.json" --model "$PER_FOLD/fold-$k" --out "$WORK/fold-$k/run" \
    --run-id "cv-fold-$k-$(basename "$RUN")" --concurrency 2 --threads 1
done
node --conditions=@seahorse/source --import tsx "$ROOT/tools/train/pool-cv.mts" "$WORK" $folds
