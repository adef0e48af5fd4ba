// A worker killed during inference: the service (its app, no worker of its own) keeps answering
// 202; a second worker on the task queue picks the segmentation up after the heartbeat timeout,
// and the run completes once: one result, each step completed once in the workflow's history.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authed, DEMO_MODEL_ID, fakeDicom, makeZip, pollResult, postStart, startServeHarness, zipEntries, type ServeHarness } from './testing/index.test-helpers.js';

const script = fileURLToPath(new URL('./testing/serve-worker-process.test-helpers.ts', import.meta.url));

async function spawnWorker(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 120_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('worker running')) { clearTimeout(timer); resolve(); }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`worker exited with ${code}:\n${out}`)); });
  });
  return child;
}

/** How many times each activity type completed, and how many were scheduled, in a history. */
function activityCounts(events: { eventId?: unknown; activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null; activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null }[]) {
  const names = new Map<string, string>();
  const completed: Record<string, number> = {};
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) names.set(String(e.eventId), name);
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const n = names.get(String(done.scheduledEventId)) ?? '?';
      completed[n] = (completed[n] ?? 0) + 1;
    }
  }
  return { scheduled: [...names.values()], completed };
}

describe('a worker killed during inference', () => {
  let h: ServeHarness;
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-serve-worker-kill-'));
  const children: ChildProcess[] = [];
  beforeAll(async () => { h = await startServeHarness({ noWorker: true, taskQueue: `serve-worker-kill-${randomUUID()}` }); });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL of the worker mid-segmentation, another worker: the run completes, once, with the same result a clean run gives', async () => {
    const events = path.join(dir, 'events.log');
    writeFileSync(events, '');
    const args = [h.server.address, h.taskQueue, '6000', events];
    const first = await spawnWorker(args);
    children.push(first);
    const runId = await (await postStart(h.url, await makeZip({ 'a.dcm': fakeDicom() }))).text();
    const deadline = Date.now() + 30_000;
    while (!readFileSync(events, 'utf8').includes('segment') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    // The service itself is unaffected: still in progress.
    expect((await fetch(`${h.url}/v1/model/results/${runId}`, { headers: authed() })).status).toBe(202);

    children.push(await spawnWorker(args));
    const r = await pollResult(h.url, runId, 120_000);
    expect(r.status).toBe(200);
    const entries = await zipEntries(Buffer.from(await r.arrayBuffer()));
    expect([...entries.keys()]).toEqual(['segmentation.dcm']);
    expect(entries.get('segmentation.dcm')!.toString()).toBe(`FAKE-RTSTRUCT model=${DEMO_MODEL_ID} files=00001.dcm`);

    const starts = readFileSync(events, 'utf8').trim().split('\n');
    expect(starts.length).toBe(2); // started by the killed worker, then once by the second
    expect(new Set(starts).size).toBe(2);
    const history = await h.client.workflow.getHandle(runId).fetchHistory();
    const counts = activityCounts(history.events ?? []);
    expect(counts.completed).toEqual({ unpackUpload: 1, segmentStudy: 1, packageResult: 1 });
    expect(counts.scheduled).toEqual(['unpackUpload', 'segmentStudy', 'packageResult']); // the retry is an attempt, not a second step
    expect((await h.client.workflow.getHandle(runId).describe()).status.name).toBe('COMPLETED');
  }, 300_000);
});
