// schemathesis (PyPI) fuzzes the service from its own /openapi.json over real HTTP on loopback,
// against a real Temporal dev server and worker (stand-in compute), bounded in time: every check
// (no 5xx, status codes, content types, headers and bodies as documented, undeclared methods
// refused, auth not ignored, …) passes, and the service stays up.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCI, referencePython, referenceScript, repoRoot } from '@seahorse/testkit';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEMO_MODEL_ID, fakeDicom, makeZip, pollResult, postStart, startServeHarness, TEST_SECRET, type ServeHarness } from './testing/index.test-helpers.js';

const SCHEMATHESIS = path.join(repoRoot(), '.tools', 'schemathesis');
const missing = existsSync(path.join(SCHEMATHESIS, 'schemathesis')) ? undefined : `schemathesis missing at ${SCHEMATHESIS}: run 'bash scripts/setup-schemathesis.sh'`;
if (missing && isCI()) throw new Error(missing);
const MAX_SECONDS = 60;

interface FuzzSummary {
  exitCode: number;
  version: string;
  operations: { total: number; tested: number; errored: number };
  testCases: { generated: number; with_failures: number; errored: number };
  phases: Record<string, string>;
  failures: { code: string; title: string; operations: string[] }[];
  errors: unknown[];
  warnings: Record<string, string[]>;
  output: string;
}

describe.skipIf(missing !== undefined)(`schemathesis against /openapi.json${missing ? ` [skipped: ${missing}]` : ''}`, () => {
  let h: ServeHarness;
  const work = mkdtempSync(path.join(tmpdir(), 'seahorse-serve-fuzz-'));
  beforeAll(async () => { h = await startServeHarness(); });
  afterAll(async () => {
    await h?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it(`every check passes on every operation within ${MAX_SECONDS} s; the service stays up`, async () => {
    // A finished run, so that the results and status routes answer 200 and not only 404.
    const runId = await (await postStart(h.url, await makeZip({ 'a.dcm': fakeDicom() }))).text();
    expect((await pollResult(h.url, runId)).status).toBe(200);

    const { stdout } = await promisify(execFile)(referencePython(), [
      referenceScript('serve_schemathesis.py'), h.url, TEST_SECRET, DEMO_MODEL_ID, runId, String(MAX_SECONDS), work,
    ], { env: { ...process.env, PYTHONPATH: SCHEMATHESIS }, maxBuffer: 64 * 1024 * 1024, timeout: (MAX_SECONDS + 120) * 1000 });
    const r = JSON.parse(stdout) as FuzzSummary;
    console.log(`schemathesis ${r.version}: ${r.testCases.generated} cases on ${r.operations.tested} operations, phases ${JSON.stringify(r.phases)}, warnings ${JSON.stringify(r.warnings)}`);
    expect(r.failures, `see ${r.output}`).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.operations).toMatchObject({ total: 5, tested: 5, errored: 0 });
    expect(r.testCases.generated).toBeGreaterThan(100);
    expect(r.warnings.missing_auth ?? []).toEqual([]); // the secret was used: requests got past the auth
    expect((await fetch(`${h.url}/`)).status).toBe(200);
    // Starts with fuzzed bodies were refused at the door: no run but ours was accepted.
    expect(h.store.inFlight()).toEqual([]);
  }, (MAX_SECONDS + 240) * 1000);
});
