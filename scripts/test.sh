#!/usr/bin/env bash
# The test command: installs what is missing (npm, Temporal CLI, Python reference env), then runs
# every project's lint, typecheck and tests through nx, and prints one closing summary line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh --with-python
npx nx run-many -t lint typecheck --outputStyle=static
npm test
