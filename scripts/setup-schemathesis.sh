#!/usr/bin/env bash
# Installs schemathesis (tools/reference/requirements-fuzz.txt) into the git-ignored
# .tools/schemathesis with `pip install --target`, for the reference .venv's Python (run
# scripts/setup-python.sh first). The service's fuzz test runs it as
# PYTHONPATH=.tools/schemathesis .venv/bin/python -m schemathesis.cli.
# Idempotent: skipped when the folder was built from the same requirements file (its hash is stamped).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQ="$ROOT/tools/reference/requirements-fuzz.txt"
TARGET="$ROOT/.tools/schemathesis"
STAMP="$TARGET/.requirements.sha256"
PY="$ROOT/.venv/bin/python"
say() { echo "[setup-schemathesis] $*" >&2; }
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then say "up to date"; exit 0; fi
if [[ ! -x "$PY" ]]; then say "error: $PY missing: run 'bash scripts/setup-python.sh' first"; exit 1; fi
rm -rf "$TARGET.tmp"
say "installing $(grep -v '^\s*\(#\|$\)' "$REQ" | tr '\n' ' ')into $TARGET"
"$PY" -m pip install --disable-pip-version-check -q --target "$TARGET.tmp" -r "$REQ" >&2
echo "$want" > "$TARGET.tmp/.requirements.sha256"
rm -rf "$TARGET"
mv "$TARGET.tmp" "$TARGET"
say "done"
