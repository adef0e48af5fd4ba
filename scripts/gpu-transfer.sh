#!/usr/bin/env bash
# Gets what scripts/gpu-bench.sh needs onto a GPU machine that has no network and takes at most
# 64 MiB of files per call (see docs/gpu.md, "Getting the provider onto the GPU machine").
#
#   here:   bash scripts/gpu-transfer.sh pack [--with-node]
#           → .tools/gpu-transfer/part-01 … part-NN (48 MiB each) and parts.sha256: one gzipped tar of
#             the bench bundle (esbuild), onnxruntime-node for linux/x64 (46 MB), the CUDA provider
#             (272 MB, 212 MiB compressed), the full-size checkpoint and the niivue scan
#             (--with-node: also this machine's node binary, for a GPU machine without Node.js)
#   there:  bash scripts/gpu-transfer.sh receive    # once per call: moves the carried part(s) to the stage, checked
#           bash scripts/gpu-transfer.sh assemble   # when all are there: unpacks them, checks the provider's sha256
#
# The stage ($SEAHORSE_GPU_STAGE, default /tmp/seahorse-gpu-stage) lies outside the working tree,
# so the parts stay there between calls while the machine is held (they are lost when it goes back).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUTBOX="$ROOT/.tools/gpu-transfer"
STAGE="${SEAHORSE_GPU_STAGE:-/tmp/seahorse-gpu-stage}"
SHARED="${SEAHORSE_SHARED_DIR:-$ROOT/../shared}"
PART_MIB=48
CUDA_SO_SHA=35da2e7ed0dd0d1aec5cdb16ce11a51d06c0c48cf62d1b1c9332946a4fae14fc
SHARED_SO_SHA=086ec1d5388f64153d9c63470d126693db9a182c8ce236d3a1119068471b8a0d
say() { echo "[gpu-transfer] $*" >&2; }
fail() { say "error: $*"; exit 1; }

pack() {
  local with_node=0
  [[ "${1:-}" == "--with-node" ]] && with_node=1
  local ort="$ROOT/node_modules/onnxruntime-node"
  local version; version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ort/package.json" | head -n1)"
  local provider="${SEAHORSE_CUDA_CACHE:-$ROOT/.tools/cuda}/onnxruntime-gpu-$version"
  [[ -f "$provider/libonnxruntime_providers_cuda.so" ]] || fail "no cached CUDA provider in $provider: run 'bash scripts/install-cuda.sh' first"
  for f in models/innereye-full-size/last.ckpt data/niivue-subject/norm.nii.gz; do [[ -f "$SHARED/$f" ]] || fail "shared file missing: $SHARED/$f"; done
  rm -rf "$OUTBOX"; mkdir -p "$OUTBOX/payload/bench" "$OUTBOX/payload/node_modules" "$OUTBOX/payload/shared" "$OUTBOX/payload/provider"
  say "bundling the bench (esbuild)…"
  (cd "$ROOT" && npx esbuild packages/inference/bench/gpu-bench.ts packages/inference/src/runtime/session-host.ts \
    --bundle --platform=node --format=esm --target=node20 --conditions=@seahorse/source --external:onnxruntime-node \
    --entry-names='[name]' --outdir="$OUTBOX/payload/bench" --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);")
  say "onnxruntime-node $version for linux/x64 only…"
  local dst="$OUTBOX/payload/node_modules/onnxruntime-node"
  mkdir -p "$dst/bin/napi-v6/linux/x64"
  cp -r "$ort/package.json" "$ort/dist" "$ort/lib" "$dst/"
  cp "$ort/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$ort/bin/napi-v6/linux/x64/onnxruntime_binding.node" "$dst/bin/napi-v6/linux/x64/"
  cp -r "$ROOT/node_modules/onnxruntime-common" "$OUTBOX/payload/node_modules/"
  cp "$provider"/libonnxruntime_providers_{cuda,shared}.so "$OUTBOX/payload/provider/"
  echo "$version" > "$OUTBOX/payload/provider/onnxruntime-version"
  mkdir -p "$OUTBOX/payload/shared/models/innereye-full-size" "$OUTBOX/payload/shared/data/niivue-subject"
  cp "$SHARED/models/innereye-full-size/last.ckpt" "$OUTBOX/payload/shared/models/innereye-full-size/"
  cp "$SHARED/data/niivue-subject/norm.nii.gz" "$OUTBOX/payload/shared/data/niivue-subject/"
  (( with_node )) && { mkdir -p "$OUTBOX/payload/node/bin"; cp "$(command -v node)" "$OUTBOX/payload/node/bin/node"; }
  say "packing and splitting into ${PART_MIB} MiB parts…"
  tar -C "$OUTBOX" -cf - payload | gzip -1 | split -b "${PART_MIB}m" -d -a 2 - "$OUTBOX/split-"
  rm -rf "$OUTBOX/payload"
  (cd "$OUTBOX" && for p in split-*; do mv "$p" "part-$(printf '%02d' $((10#${p#split-} + 1)))"; done)
  (cd "$OUTBOX" && sha256sum part-* > parts.sha256)
  local n; n="$(ls "$OUTBOX"/part-* | wc -l)"
  say "done: $n parts in $OUTBOX ($(du -sh "$OUTBOX" | cut -f1)); carry one per call with parts.sha256:"
  for p in "$OUTBOX"/part-*; do say "  carry [\".tools/gpu-transfer/$(basename "$p")\", \".tools/gpu-transfer/parts.sha256\"]  command: bash scripts/gpu-transfer.sh receive"; done
}

receive() {
  [[ -f "$OUTBOX/parts.sha256" ]] || fail "no $OUTBOX/parts.sha256 here: carry it with each part"
  mkdir -p "$STAGE"; cp "$OUTBOX/parts.sha256" "$STAGE/"
  local moved=0 p
  for p in "$OUTBOX"/part-*; do
    [[ -f "$p" ]] || continue
    local want; want="$(awk -v n="$(basename "$p")" '$2 == n { print $1 }' "$OUTBOX/parts.sha256")"
    [[ "$(sha256sum "$p" | cut -d' ' -f1)" == "$want" ]] || fail "$(basename "$p") does not match parts.sha256 (carry it again)"
    mv -f "$p" "$STAGE/"; moved=$((moved + 1))
  done
  local have=() missing=()
  while read -r _ name; do [[ -f "$STAGE/$name" ]] && have+=("$name") || missing+=("$name"); done < "$STAGE/parts.sha256"
  say "received $moved part(s); staged in $STAGE: ${have[*]:-none}; still to carry: ${missing[*]:-none}"
}

assemble() {
  [[ -f "$STAGE/parts.sha256" ]] || fail "nothing staged in $STAGE (run receive with each part first)"
  (cd "$STAGE" && sha256sum -c --quiet parts.sha256) || fail "a staged part is missing or damaged (see above); carry it again"
  rm -rf "$STAGE/payload"
  say "unpacking $(wc -l < "$STAGE/parts.sha256") parts…"
  (cd "$STAGE" && cat $(awk '{ print $2 }' parts.sha256 | sort) | gunzip | tar -xf -)
  local p="$STAGE/payload/provider"
  [[ "$(sha256sum "$p/libonnxruntime_providers_cuda.so" | cut -d' ' -f1)" == "$CUDA_SO_SHA" ]] || fail "libonnxruntime_providers_cuda.so does not match its pinned sha256"
  [[ "$(sha256sum "$p/libonnxruntime_providers_shared.so" | cut -d' ' -f1)" == "$SHARED_SO_SHA" ]] || fail "libonnxruntime_providers_shared.so does not match its pinned sha256"
  local bin="$STAGE/payload/node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
  cp "$p"/libonnxruntime_providers_{cuda,shared}.so "$bin/"
  local version; version="$(cat "$p/onnxruntime-version")"
  printf '{"onnxruntimeVersion":"%s","cudaVersion":"13.0","files":{"libonnxruntime_providers_cuda.so":{"sha256":"%s","size":%s},"libonnxruntime_providers_shared.so":{"sha256":"%s","size":%s}}}\n' \
    "$version" "$CUDA_SO_SHA" "$(stat -c %s "$bin/libonnxruntime_providers_cuda.so")" "$SHARED_SO_SHA" "$(stat -c %s "$bin/libonnxruntime_providers_shared.so")" > "$bin/seahorse-cuda-provider.json"
  rm -f "$STAGE"/part-*
  say "ready in $STAGE/payload (provider sha256 checked and placed next to the binding); run: bash scripts/gpu-bench.sh --out DIR"
}

case "${1:-}" in
  pack) shift; pack "$@" ;;
  receive) receive ;;
  assemble) assemble ;;
  *) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
