#!/usr/bin/env bash
# Builds the training tool's git-ignored environment tools/train/.venv, idempotently:
#   1. PyTorch: Debian's python3-torch (CPU build, 1.13.1, ~190 MB of packages), installed with
#      apt-get when /usr/bin/python3 cannot import torch (needs root or sudo);
#   2. a venv on /usr/bin/python3 with --system-site-packages (sees torch and numpy);
#   3. the pinned requirements.txt (nibabel).
# Skipped when the venv was built from the same requirements file (its hash is stamped).
# A machine with a GPU and its own CUDA PyTorch can point SEAHORSE_TRAIN_PYTHON at that python instead.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"
SYS_PY=/usr/bin/python3
say() { echo "[train-setup] $*" >&2; }

if [[ -n "${SEAHORSE_TRAIN_PYTHON:-}" ]]; then say "using SEAHORSE_TRAIN_PYTHON=$SEAHORSE_TRAIN_PYTHON"; exit 0; fi
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] && "$VENV/bin/python" -c 'import torch, nibabel' 2>/dev/null; then
  say "tools/train/.venv is up to date (torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__)'))"
  exit 0
fi
if ! "$SYS_PY" -c 'import torch' 2>/dev/null; then
  SUDO=""; if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
  say "installing Debian's python3-torch (CPU PyTorch 1.13, about 190 MB) with apt-get…"
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends python3-torch python3-venv >&2
fi
say "creating $VENV on $("$SYS_PY" --version) with system site packages"
"$SYS_PY" -m venv --system-site-packages "$VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$REQ"
echo "$want" > "$STAMP"
say "done (torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__)'))"
