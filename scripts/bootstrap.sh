#!/usr/bin/env bash
# Installs whatever is missing for Seahorse on a fresh clone, and does nothing that is already done:
#   npm dependencies (npm ci), the Temporal CLI (.tools/temporal), the build (nx, cached),
#   and with --with-python the Python environments the tests use: the reference .venv (parity
#   tests) and tools/train/.venv (the training tool's smoke test).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
with_python=0
for arg in "$@"; do [[ "$arg" == "--with-python" ]] && with_python=1; done
say() { echo "[bootstrap] $*" >&2; }

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if (( node_major < 20 )); then say "error: Node.js >= 20 is required (found $(node --version 2>/dev/null || echo none))"; exit 1; fi

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund >&2
fi

# The Temporal CLI's first build is CPU-bound (Go); the Python and Debian installs below mostly
# wait on downloads and unpacking, so the build runs beside them (its lines say [install-temporal]).
bash scripts/install-temporal.sh >&2 &
temporal_pid=$!
trap 'kill "$temporal_pid" 2>/dev/null || true' EXIT   # a failed step below stops the build too
wait_temporal() {
  local rc=0
  wait "$temporal_pid" || rc=$?
  if (( rc != 0 )); then say "error: installing the Temporal CLI failed (exit $rc)"; exit "$rc"; fi
}
# After `npm ci` wiped it: put back the CUDA provider that scripts/install-cuda.sh cached (no download).
cuda_cache="${SEAHORSE_CUDA_CACHE:-$ROOT/.tools/cuda}"
if compgen -G "$cuda_cache/onnxruntime-gpu-*/libonnxruntime_providers_cuda.so" >/dev/null \
  && ! compgen -G "node_modules/onnxruntime-node/bin/napi-v*/linux/x64/libonnxruntime_providers_cuda.so" >/dev/null; then
  say "restoring the CUDA provider (scripts/install-cuda.sh, from its cache)…"
  bash scripts/install-cuda.sh >&2 || say "warning: could not restore the CUDA provider; --device cuda will say what is missing"
fi
if (( with_python )); then
  bash scripts/setup-python.sh >&2          # parity references: nibabel, SimpleITK, numpy, …
  bash tools/train/setup.sh >&2             # the training tool's PyTorch (its smoke test runs in CI)
  bash scripts/setup-dicom-tools.sh         # plastimatch and dciodvfy (DICOM-RT round trips)
  bash scripts/setup-chromium.sh            # Debian's chromium (the report and viewer pages in headless Chromium)
  bash scripts/setup-schemathesis.sh >&2    # the service's OpenAPI fuzzer (.tools/schemathesis)
fi

wait_temporal
say "building (nx, cached)…"
npx nx run-many -t build --outputStyle=static >/tmp/seahorse-build.$$.log 2>&1 || { cat /tmp/seahorse-build.$$.log >&2; rm -f /tmp/seahorse-build.$$.log; say "error: build failed"; exit 1; }
rm -f /tmp/seahorse-build.$$.log
say "ready"
