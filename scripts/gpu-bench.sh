#!/usr/bin/env bash
# Everything the GPU section of issue 14 measures, in one go, on an NVIDIA GPU (planned for an H200;
# see docs/gpu.md for getting the files there with scripts/gpu-transfer.sh):
#   1. one 128×176×176 patch of the full-size InnerEye UNet3D: Seahorse (onnxruntime-node, CUDA
#      provider) against PyTorch CUDA running tools/train's UNet3D loaded strictly from the same
#      checkpoint (first pass listed apart; PyTorch with and without cudnn.benchmark);
#   2. the 5-member full-size ensemble per scan on the 256³ niivue subject, innereye and whole
#      modes, first-scan overhead apart from the steady scans;
#   3. parity: the same scans on the CPU, posteriors within 1e-4 and identical argmax;
#   4. the nvidia-smi line.
# Results: <out>/summary.md (the figures for docs/benchmarks.md), seahorse.json, pytorch.json, nvidia-smi.txt, logs.
#
#   bash scripts/gpu-bench.sh [--out DIR] [--device cuda:0] [--scans 3] [--reps 5] [--torch-python PY] [--dry-run]
#
# Files: $SEAHORSE_GPU_STAGE/payload (scripts/gpu-transfer.sh assemble) when it is there, else this
# checkout (node_modules with the provider from scripts/install-cuda.sh, ../shared). CUDA libraries:
# the PyTorch environment's nvidia-* wheels (default /opt/torch/.venv), then .tools/cuda/library-path.
# --dry-run: on a CPU machine, device cpu, small patch and a small scan: checks the script end to end.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGE="${SEAHORSE_GPU_STAGE:-/tmp/seahorse-gpu-stage}"
out="${OUT:-$ROOT/gpu-bench-results}/gpu-bench" device=cuda:0 scans=3 reps=5 dry=0 torch_python=""
while (( $# > 0 )); do
  case "$1" in
    --out) out="$2"; shift ;;
    --device) device="$2"; shift ;;
    --scans) scans="$2"; shift ;;
    --reps) reps="$2"; shift ;;
    --torch-python) torch_python="$2"; shift ;;
    --dry-run) dry=1 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
log="$out/gpu-bench.log"
say() { echo "[gpu-bench] $*" | tee -a "$log" >&2; }
started=$(date +%s)

# ---- where things are ------------------------------------------------------------------------------
if [[ -d "$STAGE/payload" ]]; then
  P="$STAGE/payload"
  bench=(node "$P/bench/gpu-bench.js")
  checkpoint="$P/shared/models/innereye-full-size/last.ckpt"; scan="$P/shared/data/niivue-subject/norm.nii.gz"
  [[ -x "$P/node/bin/node" ]] && ! command -v node >/dev/null && export PATH="$P/node/bin:$PATH"
  say "files: $P (from scripts/gpu-transfer.sh)"
else
  SHARED="${SEAHORSE_SHARED_DIR:-$ROOT/../shared}"
  bench=(node --conditions=@seahorse/source --import tsx "$ROOT/packages/inference/bench/gpu-bench.ts")
  checkpoint="$SHARED/models/innereye-full-size/last.ckpt"; scan="$SHARED/data/niivue-subject/norm.nii.gz"
  say "files: this checkout ($ROOT) and $SHARED"
fi
command -v node >/dev/null || { say "error: no node on PATH (pack with 'scripts/gpu-transfer.sh pack --with-node')"; exit 1; }
for py in "$torch_python" /opt/torch/.venv/bin/python "$ROOT/tools/train/.venv/bin/python" python3; do
  [[ -n "$py" ]] && command -v "$py" >/dev/null && "$py" -c 'import torch' 2>/dev/null && { torch_python="$py"; break; }
done
[[ -n "$torch_python" ]] || { say "error: no Python with torch (pass --torch-python)"; exit 1; }
patch=128,176,176 extra=()
if (( dry )); then
  device=cpu patch=32,48,48 scans=2 reps=1
  scan="${SEAHORSE_SHARED_DIR:-$ROOT/../shared}/data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz"
  extra=(--members 2 --cpu-threads 2)
  say "dry run: device cpu, patch $patch, a small scan, 2 members"
else
  extra=(--cpu-threads "$(nproc)")
fi
torch_device="${device/#auto/cuda}"; [[ "$torch_device" == cuda ]] && torch_device=cuda:0

# CUDA 13 libraries: the PyTorch environment's nvidia-* wheels, then what install-cuda.sh found.
site="$("$torch_python" -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null || true)"
dirs=""
if [[ -n "$site" && -d "$site/nvidia" ]]; then
  while IFS= read -r d; do dirs="${dirs:+$dirs:}$d"; done < <(find "$site/nvidia" -mindepth 2 -maxdepth 3 -type d -name lib | sort)
fi
[[ -s "$ROOT/.tools/cuda/library-path" ]] && dirs="${dirs:+$dirs:}$(head -n1 "$ROOT/.tools/cuda/library-path")"
export LD_LIBRARY_PATH="${dirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
say "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
say "node $(node --version); torch from $torch_python"

# ---- 4. the GPU -----------------------------------------------------------------------------------
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=index,name,driver_version,memory.total,memory.free,power.limit,clocks.max.sm --format=csv > "$out/nvidia-smi.txt" 2>&1
  nvidia-smi >> "$out/nvidia-smi.txt" 2>&1
  say "GPU: $(sed -n 2p "$out/nvidia-smi.txt")"
else
  echo "nvidia-smi: not found" > "$out/nvidia-smi.txt"; say "nvidia-smi: not found"
fi

# ---- 1. PyTorch on the patch ----------------------------------------------------------------------
say "PyTorch: one $patch patch on $torch_device…"
if "$torch_python" "$ROOT/tools/reference/gpu_pytorch_bench.py" "$checkpoint" "$torch_device" "$reps" "$patch" "$out/pytorch-patch.f32" \
  > "$out/pytorch.json" 2>> "$log"; then
  say "PyTorch: $(cat "$out/pytorch.json")"
else
  say "PyTorch failed (see $log)"
fi

# ---- 1-3. Seahorse: the patch, the ensemble per scan, parity ----------------------------------------
say "Seahorse: patch, ensemble per scan (innereye, whole), parity with the CPU, on $device…"
"${bench[@]}" --device "$device" --checkpoint "$checkpoint" --scan "$scan" --out "$out" --scans "$scans" --reps "$reps" \
  --patch "$patch" --torch-posteriors "$out/pytorch-patch.f32" "${extra[@]}" 2>&1 | tee -a "$log" >&2
seahorse_rc=${PIPESTATUS[0]}
(( seahorse_rc == 0 )) || say "Seahorse failed (exit $seahorse_rc, see $log)"

# ---- the summary ----------------------------------------------------------------------------------
"$torch_python" - "$out" "$(( $(date +%s) - started ))" "${SEAHORSE_CPU2_SCAN_SECONDS:-500}" <<'PY' | tee "$out/summary.md" >&2
import json, os, sys
out, wall, cpu2 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def load(name):
    try:
        with open(os.path.join(out, name)) as f: return json.load(f)
    except Exception as e: return {"error": str(e)}
s, t = load("seahorse.json"), load("pytorch.json")
smi = open(os.path.join(out, "nvidia-smi.txt")).read().splitlines()
print(f"## GPU benchmark ({s.get('device')}), {wall} s in all\n")
print(f"`{smi[1] if len(smi) > 1 else smi[0] if smi else 'no nvidia-smi'}`\n")
p = s.get("patch", {})
if p and "cudnnBenchmark" in t:
    best_t = min(t["cudnnBenchmark"]["bestSeconds"], t["default"]["bestSeconds"])
    print(f"| one {'×'.join(map(str, p['shapeZYX']))} patch | first pass | best of reps |\n|---|---|---|")
    print(f"| Seahorse (onnxruntime-node, {p['device']}) | {p['firstPassSeconds']:.3f} s | {p['bestSeconds']:.3f} s |")
    print(f"| PyTorch {t['torch']}, cudnn.benchmark | {t['cudnnBenchmark']['firstPassSeconds']:.3f} s | {t['cudnnBenchmark']['bestSeconds']:.3f} s |")
    print(f"| PyTorch {t['torch']}, default | {t['default']['firstPassSeconds']:.3f} s | {t['default']['bestSeconds']:.3f} s |")
    ratio = p['bestSeconds'] / best_t
    print(f"\nSeahorse / PyTorch (best of both settings): **{ratio:.2f}** (goal ≤ 1.0: {'met' if ratio <= 1.0 else 'NOT met'}); "
          f"max |Δposterior| against PyTorch on the patch: {p.get('vsPyTorchMaxAbsDiff', float('nan')):.2e}\n")
for mode, e in s.get("ensemble", {}).get("modes", {}).items():
    steady = e.get("steadyScanSeconds") or e.get("firstScanSeconds")
    par = e.get("parity", {})
    print(f"- **{mode}** ({s['ensemble']['members']} members, {e['patchesPerMember']} pass(es) per member): sessions {e['sessionsOpenSeconds']:.1f} s, "
          f"first scan {e['firstScanSeconds']:.2f} s, steady {steady:.2f} s per scan (first-scan overhead {e.get('firstScanOverheadSeconds') or 0:.2f} s); "
          f"{cpu2 / steady:.0f}× the 2-core CPU's {cpu2:.0f} s per scan (goal ≥ 50×: {'met' if cpu2 / steady >= 50 else 'NOT met'}); "
          f"parity with the CPU ({par.get('cpuScanSeconds', float('nan')):.1f} s): max |Δposterior| {par.get('posteriorsMaxAbsDiff', float('nan')):.2e}, "
          f"argmax differs in {par.get('argmaxVoxelsDiffering')} of {par.get('voxels')} voxels: {'PASS' if par.get('pass') else 'FAIL'}")
if "error" in s: print(f"\nSeahorse results missing: {s['error']}")
if "error" in t: print(f"\nPyTorch results missing: {t['error']}")
PY
say "results in $out"
exit "$seahorse_rc"
