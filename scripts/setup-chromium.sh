#!/usr/bin/env bash
# Installs Debian's chromium, which the browser tests (the report and the viewer pages opened
# from file:// in headless Chromium, see packages/evaluation/src/viewer-browser.spec.ts) drive
# through puppeteer-core, when missing. No browser is downloaded by npm.
# Idempotent; needs root and apt (as on the project's machines and CI). Elsewhere it says what to install.
set -euo pipefail
say() { echo "[setup-chromium] $*" >&2; }
for c in chromium chromium-browser; do
  if command -v "$c" >/dev/null 2>&1; then say "$c present ($(command -v "$c"))"; exit 0; fi
done
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  say "missing: chromium (install it with apt-get as root, or set SEAHORSE_CHROMIUM to a Chromium binary; the browser tests need it)"
  exit 0
fi
say "installing chromium (apt-get)…"
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
say "done"
