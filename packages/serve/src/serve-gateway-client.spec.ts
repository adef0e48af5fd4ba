// A client written to InnerEye's contract (tools/reference/serve_gateway_client.py, Python
// standard library only, behaving as the Gateway's client does) against the service on loopback.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceScript } from '@seahorse/testkit';
import { DEMO_MODEL_ID, fakeCompute, fakeDicom, makeZip, startServeHarness, TEST_SECRET, type ServeHarness } from './testing/index.test-helpers.js';

const run = promisify(execFile);

async function client(url: string, zip: string, out: string, secret = TEST_SECRET) {
  try {
    const { stdout } = await run('python3', [referenceScript('serve_gateway_client.py'), url, DEMO_MODEL_ID, zip, out, '--poll-seconds', '0.5', '--timeout-seconds', '60'],
      { env: { ...process.env, API_AUTH_SECRET: secret } });
    return { code: 0, out: JSON.parse(stdout) as Record<string, unknown> };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: JSON.parse(e.stdout) as Record<string, unknown> };
  }
}

describe("a Gateway-like client (InnerEye's contract) against the service", () => {
  let h: ServeHarness;
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-gateway-'));
  beforeAll(async () => { h = await startServeHarness({ compute: fakeCompute({ delayMs: 2_000 }) }); });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pings, starts, polls through 202s, and gets exactly one entry, segmentation.dcm', async () => {
    const zip = path.join(dir, 'study.zip');
    writeFileSync(zip, await makeZip({ 'channel1/1.dcm': fakeDicom('1'), 'channel1/2.dcm': fakeDicom('2') }));
    const r = await client(h.url, zip, path.join(dir, 'out'));
    expect(r.code).toBe(0);
    expect(r.out.entries).toEqual(['segmentation.dcm']);
    expect(r.out.polls as number).toBeGreaterThan(1); // it saw 202 at least once
    expect(readFileSync(r.out.file as string, 'utf8')).toMatch(/^FAKE-RTSTRUCT model=SeahorseDemo:1 files=00001.dcm,00002.dcm$/);
  });

  it('a wrong secret is "invalid licence key" (403 on ping)', async () => {
    const r = await client(h.url, path.join(dir, 'study.zip'), path.join(dir, 'out2'), 'wrong-secret-wrong-secret');
    expect(r.code).toBe(1);
    expect(r.out).toMatchObject({ error: 'invalid licence key', status: 403 });
  });
});
