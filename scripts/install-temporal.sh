#!/usr/bin/env bash
# Installs the Temporal CLI (the dev server used by tests, the CLI's embedded mode and CI)
# into the git-ignored tools folder `.tools/` of this repository.
#
# Why go install of v1.5.1: it is the last tag whose go.mod has no `replace` directive, so
# `go install …@v1.5.1` works from the Go module proxy alone; later tags fail that way.
#
# Idempotent: when .tools/temporal already reports the pinned version, nothing is built.
set -euo pipefail

VERSION="1.5.1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${SEAHORSE_TOOLS_DIR:-$ROOT/.tools}"
BIN="$TOOLS/temporal"

if [[ -x "$BIN" ]] && "$BIN" --version 2>/dev/null | grep -q "temporal version ${VERSION}"; then
  echo "[install-temporal] $("$BIN" --version) already installed at $BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "[install-temporal] error: Go is not on PATH; install Go >= 1.25 to build the Temporal CLI" >&2
  exit 1
fi

mkdir -p "$TOOLS"
echo "[install-temporal] building Temporal CLI v${VERSION} with $(go version | awk '{print $3}') into $TOOLS"
echo "[install-temporal] the first build downloads ~200 modules and compiles for several minutes; progress follows"
start=$(date +%s)
# The module download prints nothing for a while: say that it is still going.
( while sleep 15; do echo "[install-temporal] $(( $(date +%s) - start ))s  still working…"; done ) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
# -v prints each package as it is compiled, so a long first build shows progress.
# The -X flag stamps the version as the release build does (a plain go install says 0.0.0-DEV).
GOBIN="$TOOLS" GOFLAGS=-mod=mod go install -v \
  -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=${VERSION}" \
  "github.com/temporalio/cli/cmd/temporal@v${VERSION}" 2>&1 \
  | while IFS= read -r line; do n=$((${n:-0} + 1)); printf '[install-temporal] %4ds %5d packages  %s\n' "$(( $(date +%s) - start ))" "$n" "$line"; done
kill $ticker 2>/dev/null || true
"$BIN" --version
echo "[install-temporal] done in $(( $(date +%s) - start ))s"
