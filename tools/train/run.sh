#!/usr/bin/env bash
# Runs the training tool with its environment: bash tools/train/run.sh --manifest … --out … [options]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/setup.sh"
PY="${SEAHORSE_TRAIN_PYTHON:-$HERE/.venv/bin/python}"
PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}" exec "$PY" -m seahorse_train "$@"
