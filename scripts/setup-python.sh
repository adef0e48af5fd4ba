#!/usr/bin/env bash
# Makes the git-ignored Python reference environment `.venv/` from tools/reference/requirements.txt.
# Parity tests compare Seahorse against nibabel, SimpleITK, numpy, scipy, scikit-image and onnxruntime.
# Idempotent: skipped when .venv was built from the same requirements file (its hash is stamped).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQ="$ROOT/tools/reference/requirements.txt"
VENV="$ROOT/.venv"
STAMP="$VENV/.requirements.sha256"
PY="${PYTHON:-python3}"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "[setup-python] .venv is up to date ($("$VENV/bin/python" --version))"
  exit 0
fi
echo "[setup-python] creating $VENV with $("$PY" --version)"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar on -q --upgrade pip
echo "[setup-python] installing $(grep -cv '^\s*\(#\|$\)' "$REQ") pinned packages (progress below)"
"$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar on -r "$REQ"
echo "$want" > "$STAMP"
echo "[setup-python] done"
