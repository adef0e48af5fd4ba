"""Fuzzes a running `seahorse serve` with schemathesis from its /openapi.json, bounded in time.

Usage: serve_schemathesis.py <base url> <secret> <model id> <run id> <max seconds> <work dir>

Runs `schemathesis run` (all checks, fixed seed, the secret as API_AUTH_SECRET, the given model id
and run id as the path parameters so that requests reach the routes' logic, not only their 404s)
in <work dir>, and prints its JSON report's summary as JSON. Needs schemathesis on PYTHONPATH
(scripts/setup-schemathesis.sh installs it into .tools/schemathesis).
"""
import json
import os
import subprocess
import sys
from pathlib import Path


def main() -> None:
    url, secret, model_id, run_id, max_seconds, work = sys.argv[1:7]
    work_dir = Path(work)
    work_dir.mkdir(parents=True, exist_ok=True)
    config = work_dir / "schemathesis.toml"
    # Path parameters for every operation that has them; the cache and Hypothesis' example
    # database stay in the work folder.
    config.write_text(
        "[parameters]\n"
        f"model_id = {json.dumps(model_id)}\n"
        f"run_id = {json.dumps(run_id)}\n"
        "[cache]\n"
        f"directory = {json.dumps(str(work_dir / 'cache'))}\n"
        # A schema-valid start body is any bytes, but only a zip of DICOM is accepted: the others
        # get the documented 400 InvalidZipFile (or 503 when the service is full).
        "[[operations]]\n"
        'include-name = "POST /v1/model/start/{model_id}"\n'
        'checks.positive_data_acceptance.expected-statuses = ["201", "400", "503"]\n'
    )
    report = work_dir / "report.json"
    cmd = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", f"{url}/openapi.json",
        "--header", f"API_AUTH_SECRET: {secret}", "--checks", "all", "--seed", "1", "--workers", "1",
        "--max-time", max_seconds, "--max-examples", "50", "--request-timeout", "10",
        "--report", "json", "--report-json-path", str(report), "--generation-database", ":memory:",
    ]
    proc = subprocess.run(cmd, cwd=work_dir, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    (work_dir / "output.txt").write_text(proc.stdout + proc.stderr)
    if not report.exists():
        sys.exit(f"schemathesis wrote no report (exit {proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    r = json.loads(report.read_text())
    print(json.dumps({
        "exitCode": proc.returncode,
        "version": r["schemathesis_version"],
        "operations": r["operations"],
        "testCases": r["test_cases"],
        "phases": {k: v["status"] for k, v in r["phases"].items()},
        "failures": r["failures"],
        "errors": r["errors"],
        "warnings": {k: v for k, v in r["warnings"].items() if v},
        "output": str(work_dir / "output.txt"),
    }))


if __name__ == "__main__":
    main()
