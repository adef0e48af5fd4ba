// The service holds no state beyond files and Temporal: SIGKILL it during a run and start it
// again on the same folder, and the result is delivered; a start whose workflow never reached
// Temporal (the service died in between) is started on recovery.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevServer } from '@seahorse/workflows';
import { newRunId, RUN_FILES } from './run-store.js';
import { authed, DEMO_MODEL_ID, fakeDicom, makeZip, pollResult, postStart, startServeHarness } from './testing/index.test-helpers.js';

const script = fileURLToPath(new URL('./testing/serve-process.test-helpers.ts', import.meta.url));

async function spawnService(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${out}`)), 120_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`service exited with ${code}:\n${out}`)); });
  });
  return { child, url };
}

describe('durability of the service', () => {
  let server: DevServer;
  const dirs: string[] = [];
  beforeAll(async () => { server = await DevServer.start(); });
  afterAll(async () => {
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('SIGKILL of the service during a segmentation, then a restart on the same folder: the result is delivered', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seahorse-serve-kill-'));
    dirs.push(dataDir);
    const events = path.join(dataDir, 'events.log');
    writeFileSync(events, '');
    const taskQueue = `serve-kill-${randomUUID()}`;
    const args = [server.address, taskQueue, dataDir, '4000', events];
    const first = await spawnService(args);
    const runId = await (await postStart(first.url, await makeZip({ 'a.dcm': fakeDicom() }))).text();
    // Wait until the segmentation is running in that process, then kill it.
    const deadline = Date.now() + 30_000;
    while (!readFileSync(events, 'utf8').includes('segment') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(existsSync(path.join(dataDir, 'runs', runId, RUN_FILES.result))).toBe(false);

    const second = await spawnService(args);
    try {
      const r = await pollResult(second.url, runId, 90_000);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/zip');
      const runs = readFileSync(events, 'utf8').trim().split('\n');
      expect(runs.length).toBe(2); // killed once, run again once
      expect(new Set(runs).size).toBe(2); // by two processes
    } finally {
      second.child.kill('SIGTERM');
    }
  });

  it('an accepted start whose workflow never started is started by recoverRuns', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seahorse-serve-recover-'));
    dirs.push(dataDir);
    // The folder as a start leaves it right after storing the upload, before starting the workflow.
    const h = await startServeHarness({ server, dataDir, noWorker: true });
    const runId = newRunId();
    try {
      const zip = await makeZip({ 'a.dcm': fakeDicom() });
      const dir = h.store.runDir(runId);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, RUN_FILES.upload), zip);
      writeFileSync(path.join(dir, RUN_FILES.request), JSON.stringify({ runId, modelId: DEMO_MODEL_ID, receivedAt: new Date().toISOString(), uploadBytes: zip.length }));
    } finally {
      await h.close();
    }
    const again = await startServeHarness({ server, dataDir });
    try {
      expect(await again.app.recoverRuns()).toEqual([runId]);
      expect(await again.app.recoverRuns()).toEqual([]); // idempotent
      expect((await pollResult(again.url, runId)).status).toBe(200);
      const status = await (await fetch(`${again.url}/v1/model/status/${runId}`, { headers: authed() })).json();
      expect(status).toMatchObject({ state: 'succeeded' });
    } finally {
      await again.close();
    }
  });
});
