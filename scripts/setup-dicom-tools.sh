#!/usr/bin/env bash
# Installs the Debian tools @seahorse/dicom's tests check DICOM-RT with, when missing:
#   plastimatch (rasterises RTSTRUCTs, an independent reader) and dicom3tools (dciodvfy, the IOD validator).
# Idempotent; needs root and apt (as on the project's machines and CI). Elsewhere it says what to install.
set -euo pipefail
say() { echo "[setup-dicom-tools] $*" >&2; }
missing=()
command -v plastimatch >/dev/null 2>&1 || missing+=(plastimatch)
command -v dciodvfy >/dev/null 2>&1 || missing+=(dicom3tools)
if (( ${#missing[@]} == 0 )); then say "plastimatch and dciodvfy present"; exit 0; fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${missing[*]} (install them with apt-get as root; the DICOM-RT round-trip tests need them)"
  exit 0
fi
say "installing ${missing[*]} (apt-get)…"
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
say "done"
