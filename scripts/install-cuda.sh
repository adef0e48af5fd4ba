#!/usr/bin/env bash
# Opt-in: makes onnxruntime-node able to run on an NVIDIA GPU (see docs/gpu.md).
#
#   bash scripts/install-cuda.sh                  # the CUDA provider; uses a system CUDA 13 if present
#   bash scripts/install-cuda.sh --cuda-libs      # also the CUDA 13 + cuDNN 9 runtime from PyPI's nvidia-* wheels
#   bash scripts/install-cuda.sh --cuda-libs=load # only the libraries the provider needs to load (tests)
#   bash scripts/install-cuda.sh --cuda-libs-from DIR   # CUDA libraries of an existing Python env (its site-packages)
#   bash scripts/install-cuda.sh --check          # say what is installed and what is missing; change nothing
#
# 1. Takes libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so from the PyPI wheel
#    onnxruntime-gpu whose version equals the installed onnxruntime-node's, checks their sha256 (pinned
#    below) and places them next to onnxruntime-node's binding, where onnxruntime loads providers from.
# 2. Finds (or, with --cuda-libs, installs into .tools/cuda/nvidia) the CUDA 13 and cuDNN 9 libraries
#    the provider loads by name, and writes their folders to .tools/cuda/library-path, which the
#    `seahorse` launcher puts on LD_LIBRARY_PATH before Node starts (glibc reads it only at start-up).
# 3. Says what it did and what is still missing (the NVIDIA driver's libcuda.so.1 is never installed here).
#
# Idempotent: downloads are cached under .tools/cuda (SEAHORSE_CUDA_CACHE overrides), verified files
# are not fetched again, and `npm ci` (which wipes node_modules) is undone by running it again.
# Downloads go through pip, so pip's own configuration (index, certificates, proxy) applies.
# Exit codes: 0 the provider is in place (missing libraries are reported, not fatal); 1 a download
# or a check failed; 2 bad usage or an onnxruntime-node version with no pinned provider.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${SEAHORSE_CUDA_CACHE:-$ROOT/.tools/cuda}"
say() { echo "[install-cuda] $*" >&2; }
fail() { say "error: $*"; exit "${2:-1}"; }

cuda_libs=none libs_from="" check_only=0
while (( $# > 0 )); do
  case "$1" in
    --cuda-libs) cuda_libs=all ;;
    --cuda-libs=all|--cuda-libs=load) cuda_libs="${1#--cuda-libs=}" ;;
    --cuda-libs-from) shift; libs_from="${1:?--cuda-libs-from needs a folder}" ;;
    --cuda-libs-from=*) libs_from="${1#--cuda-libs-from=}" ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$1' (see --help)" 2 ;;
  esac
  shift
done

# ---- pins: one onnxruntime-gpu wheel per onnxruntime-node version --------------------------------
# The provider differs between the wheel's Python builds (cp311's is another binary than cp312's),
# so one wheel is pinned: cp312, manylinux_2_28_x86_64, whatever Python runs this script.
declare -A WHEEL WHEEL_SHA CUDA_SO_SHA CUDA_SO_SIZE SHARED_SO_SHA SHARED_SO_SIZE
WHEEL[1.30.0]=onnxruntime_gpu-1.30.0-cp312-cp312-manylinux_2_28_x86_64.whl
WHEEL_SHA[1.30.0]=6acc0f4b3d5ac5f2984432faa59dd8fcce6775f8b43a7140afa0f322c7a703b1
CUDA_SO_SHA[1.30.0]=35da2e7ed0dd0d1aec5cdb16ce11a51d06c0c48cf62d1b1c9332946a4fae14fc
CUDA_SO_SIZE[1.30.0]=272049904
SHARED_SO_SHA[1.30.0]=086ec1d5388f64153d9c63470d126693db9a182c8ce236d3a1119068471b8a0d
SHARED_SO_SIZE[1.30.0]=14632
# The CUDA 13.0 line of PyPI's nvidia-* wheels (a CUDA 13.0 driver, e.g. 580, runs them).
NVIDIA_LOAD=(nvidia-cuda-runtime==13.0.96 nvidia-cublas==13.0.2.14 nvidia-curand==10.4.0.35)
NVIDIA_ALL=("${NVIDIA_LOAD[@]}" nvidia-cudnn-cu13==9.13.0.50 nvidia-cufft==12.0.0.61 nvidia-cuda-nvrtc==13.0.88)
# What the provider needs: at load time (its NEEDED entries) and at run time (loaded by name).
LIBS_LOAD=(libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10)
LIBS_RUN=(libcudnn.so.9 libcufft.so.12)

[[ "$(uname -s)/$(uname -m)" == "Linux/x86_64" ]] || fail "onnxruntime-node has a CUDA provider only for Linux x86_64; this is $(uname -s)/$(uname -m)" 2
ORT_PKG="$ROOT/node_modules/onnxruntime-node/package.json"
[[ -f "$ORT_PKG" ]] || fail "onnxruntime-node is not installed ($ORT_PKG is missing): run 'npm ci' (or ./seahorse once) first" 2
ORT_VERSION="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ORT_PKG" | head -n1)"
[[ -n "${WHEEL[$ORT_VERSION]:-}" ]] || fail "no pinned onnxruntime-gpu provider for onnxruntime-node $ORT_VERSION (pinned: ${!WHEEL[*]}); add its wheel and hashes to ${BASH_SOURCE[0]}" 2
BIN_DIR="$(ls -d "$ROOT"/node_modules/onnxruntime-node/bin/napi-v*/linux/x64 2>/dev/null | head -n1)"
[[ -n "$BIN_DIR" && -f "$BIN_DIR/onnxruntime_binding.node" ]] || fail "onnxruntime-node's linux/x64 binding is missing under node_modules/onnxruntime-node/bin" 2
PROVIDER_CACHE="$CACHE/onnxruntime-gpu-$ORT_VERSION"
did=() missing=()

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
# ok FILE SHA SIZE: the file exists with exactly that size and sha256.
ok() { [[ -f "$1" && "$(stat -c %s "$1")" == "$3" && "$(sha_of "$1")" == "$2" ]]; }
pip_cmd() { export PIP_ROOT_USER_ACTION=ignore; if command -v pip3 >/dev/null; then pip3 "$@"; elif command -v python3 >/dev/null; then python3 -m pip "$@"; else fail "pip is needed to download from PyPI (install Python 3 with pip)"; fi; }
PIP_PLATFORM=(--only-binary=:all: --no-deps --python-version 3.12 --implementation cp
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64)

# ---- 1. the provider files, cached and verified ---------------------------------------------------
cuda_so="libonnxruntime_providers_cuda.so" shared_so="libonnxruntime_providers_shared.so"
cached_ok() { ok "$PROVIDER_CACHE/$cuda_so" "${CUDA_SO_SHA[$ORT_VERSION]}" "${CUDA_SO_SIZE[$ORT_VERSION]}" \
  && ok "$PROVIDER_CACHE/$shared_so" "${SHARED_SO_SHA[$ORT_VERSION]}" "${SHARED_SO_SIZE[$ORT_VERSION]}"; }
placed_ok() { ok "$BIN_DIR/$cuda_so" "${CUDA_SO_SHA[$ORT_VERSION]}" "${CUDA_SO_SIZE[$ORT_VERSION]}" \
  && ok "$BIN_DIR/$shared_so" "${SHARED_SO_SHA[$ORT_VERSION]}" "${SHARED_SO_SIZE[$ORT_VERSION]}"; }

if (( check_only )); then
  placed_ok && say "provider: onnxruntime-gpu $ORT_VERSION's CUDA provider is in $BIN_DIR (sha256 checked)" || missing+=("the CUDA provider in $BIN_DIR (run: bash scripts/install-cuda.sh)")
else
  say "[1/3] the CUDA provider of onnxruntime-gpu $ORT_VERSION (for onnxruntime-node $ORT_VERSION)"
  if cached_ok; then
    say "      cached and verified: $PROVIDER_CACHE"
  else
    mkdir -p "$CACHE/downloads"
    wheel="$CACHE/downloads/${WHEEL[$ORT_VERSION]}"
    if [[ ! -f "$wheel" || "$(sha_of "$wheel")" != "${WHEEL_SHA[$ORT_VERSION]}" ]]; then
      rm -f "$wheel"
      say "      downloading ${WHEEL[$ORT_VERSION]} (about 247 MB) with pip…"
      pip_cmd download "${PIP_PLATFORM[@]}" "onnxruntime-gpu==$ORT_VERSION" -d "$CACHE/downloads" >&2 \
        || fail "pip could not download onnxruntime-gpu==$ORT_VERSION (see pip's message above)"
      [[ -f "$wheel" ]] || fail "pip did not produce $wheel"
    fi
    got="$(sha_of "$wheel")"
    [[ "$got" == "${WHEEL_SHA[$ORT_VERSION]}" ]] || { rm -f "$wheel"; fail "sha256 of ${WHEEL[$ORT_VERSION]} is $got, expected ${WHEEL_SHA[$ORT_VERSION]} (file removed; run again)"; }
    say "      wheel sha256 verified; extracting the two provider files…"
    tmp="$PROVIDER_CACHE.tmp.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    python3 - "$wheel" "$tmp" "$cuda_so" "$shared_so" <<'PY' || fail "cannot extract the provider from the wheel"
import sys, zipfile, shutil, os
wheel, out, *names = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for n in names:
        with z.open(f"onnxruntime/capi/{n}") as src, open(os.path.join(out, n), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
    ok "$tmp/$cuda_so" "${CUDA_SO_SHA[$ORT_VERSION]}" "${CUDA_SO_SIZE[$ORT_VERSION]}" || { rm -rf "$tmp"; fail "$cuda_so from the wheel does not have the pinned size and sha256 ${CUDA_SO_SHA[$ORT_VERSION]}"; }
    ok "$tmp/$shared_so" "${SHARED_SO_SHA[$ORT_VERSION]}" "${SHARED_SO_SIZE[$ORT_VERSION]}" || { rm -rf "$tmp"; fail "$shared_so from the wheel does not have the pinned size and sha256 ${SHARED_SO_SHA[$ORT_VERSION]}"; }
    rm -rf "$PROVIDER_CACHE"; mv "$tmp" "$PROVIDER_CACHE"
    rm -f "$wheel"   # the two verified files are the cache; the wheel is not kept
    did+=("downloaded and verified the provider into $PROVIDER_CACHE")
    say "      verified (sha256) and cached: $PROVIDER_CACHE"
  fi

  say "[2/3] placing it next to onnxruntime-node's binding: $BIN_DIR"
  if placed_ok; then
    say "      already in place (sha256 checked)"
  else
    for f in "$cuda_so" "$shared_so"; do
      cp -f "$PROVIDER_CACHE/$f" "$BIN_DIR/.$f.tmp.$$" && mv -f "$BIN_DIR/.$f.tmp.$$" "$BIN_DIR/$f"
    done
    placed_ok || fail "the provider files in $BIN_DIR do not match their pinned sha256 after copying"
    did+=("placed the provider in $BIN_DIR")
    say "      placed and verified"
  fi
  # What the runtime reads to tell this provider from another one (a version mismatch).
  printf '{"onnxruntimeVersion":"%s","cudaVersion":"13.0","wheel":"%s","files":{"%s":{"sha256":"%s","size":%s},"%s":{"sha256":"%s","size":%s}}}\n' \
    "$ORT_VERSION" "${WHEEL[$ORT_VERSION]}" "$cuda_so" "${CUDA_SO_SHA[$ORT_VERSION]}" "${CUDA_SO_SIZE[$ORT_VERSION]}" \
    "$shared_so" "${SHARED_SO_SHA[$ORT_VERSION]}" "${SHARED_SO_SIZE[$ORT_VERSION]}" > "$BIN_DIR/seahorse-cuda-provider.json"
fi

# ---- 2. the CUDA 13 and cuDNN 9 libraries ---------------------------------------------------------
(( check_only )) || say "[3/3] the CUDA 13 and cuDNN 9 libraries the provider loads by name"
if [[ "$cuda_libs" != none && "$check_only" == 0 ]]; then
  pkgs=("${NVIDIA_LOAD[@]}"); [[ "$cuda_libs" == all ]] && pkgs=("${NVIDIA_ALL[@]}")
  target="$CACHE/nvidia"
  stamp="$target/.installed"
  if [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == *"${pkgs[*]}"* ]]; then
    say "      already installed: ${pkgs[*]}"
  else
    say "      installing ${pkgs[*]} into $target with pip (about $([[ $cuda_libs == all ]] && echo '1 GB' || echo '480 MB') of wheels)…"
    rm -rf "$target.tmp"
    pip_cmd install --target "$target.tmp" "${PIP_PLATFORM[@]}" --no-compile --quiet --progress-bar on "${pkgs[@]}" >&2 \
      || { rm -rf "$target.tmp"; fail "pip could not install ${pkgs[*]} (see pip's message above)"; }
    rm -rf "$target"; mv "$target.tmp" "$target"
    echo "${pkgs[*]}" > "$stamp"
    did+=("installed ${pkgs[*]} into $target")
  fi
fi

# Folders that hold the libraries: an explicit env, our own install, the system (ld.so cache, CUDA_HOME).
candidate_dirs=()
add_site() { local s="$1"; for d in "$s/nvidia/cu13/lib" "$s/nvidia/cudnn/lib" "$s/nvidia/cuda_runtime/lib" "$s/nvidia/cublas/lib" "$s/nvidia/curand/lib" "$s/nvidia/cufft/lib" "$s/nvidia/cuda_nvrtc/lib"; do [[ -d "$d" ]] && candidate_dirs+=("$d"); done; return 0; }
if [[ -n "$libs_from" ]]; then
  [[ -d "$libs_from" ]] || fail "--cuda-libs-from: no such folder: $libs_from" 2
  found_site=0
  while IFS= read -r s; do add_site "$s"; found_site=1; done < <(find "$libs_from" -maxdepth 5 -type d -name site-packages 2>/dev/null)
  (( found_site )) || add_site "$libs_from"
fi
add_site "$CACHE/nvidia"
for d in "${CUDA_HOME:-/usr/local/cuda}/lib64" /usr/local/cuda-13*/lib64; do [[ -d "$d" ]] && candidate_dirs+=("$d"); done
ldcache="$(/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true)"

lib_dirs=()
find_lib() { # prints the folder that holds $1, or nothing
  local d; for d in "${candidate_dirs[@]}"; do [[ -e "$d/$1" ]] && { echo "$d"; return; }; done
  local p; p="$(awk -v n="$1" '$1 == n && /x86-64/ { print $NF; exit }' <<<"$ldcache")"
  [[ -n "$p" ]] && echo "system"
  return 0
}
for lib in "${LIBS_LOAD[@]}" "${LIBS_RUN[@]}"; do
  where="$(find_lib "$lib")"
  if [[ -z "$where" ]]; then
    if [[ "$lib" == libcufft* ]]; then say "      $lib: not found (cuFFT: only FFT operators need it, the UNet has none)"; continue; fi
    [[ "$lib" == libcudnn* ]] && what="cuDNN 9 for CUDA 13" || what="CUDA 13"
    missing+=("$lib ($what): bash scripts/install-cuda.sh --cuda-libs, or a system CUDA 13")
  elif [[ "$where" != system ]]; then
    [[ " ${lib_dirs[*]-} " == *" $where "* ]] || lib_dirs+=("$where")
    say "      $lib: $where"
  else
    say "      $lib: the system's (ld.so cache)"
  fi
done
if (( ! check_only )); then
  mkdir -p "$CACHE"
  new_path="$(IFS=:; echo "${lib_dirs[*]-}")"
  if [[ ! -f "$CACHE/library-path" || "$(cat "$CACHE/library-path")" != "$new_path" ]]; then
    echo "$new_path" > "$CACHE/library-path"
    did+=("wrote $CACHE/library-path (the seahorse launcher puts it on LD_LIBRARY_PATH): ${new_path:-empty}")
  fi
fi

# ---- 3. the driver --------------------------------------------------------------------------------
if awk '$1 == "libcuda.so.1" { f = 1 } END { exit !f }' <<<"$ldcache" || [[ -n "$(find_lib libcuda.so.1)" ]]; then
  if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
    say "      driver and GPU(s): $(nvidia-smi -L | tr '\n' ';' | sed 's/;$//')"
  else
    missing+=("an NVIDIA GPU that the driver sees (libcuda.so.1 is there, but nvidia-smi lists no GPU)")
  fi
else
  missing+=("the NVIDIA driver (libcuda.so.1): install the driver for CUDA 13 (>= 580); this script never installs it")
fi

# ---- summary --------------------------------------------------------------------------------------
if (( ${#did[@]} )); then say "did:"; for d in "${did[@]}"; do say "  - $d"; done; else (( check_only )) || say "did: nothing (everything was already in place)"; fi
if (( ${#missing[@]} )); then say "still missing (needed for --device cuda):"; for m in "${missing[@]}"; do say "  - $m"; done
else say "nothing missing: try  ./seahorse segment <scan> --model <dir> --out <dir> --device cuda"; fi
if (( check_only )); then placed_ok || exit 1; fi
exit 0
