// Admission and retention on real HTTP: 20 concurrent starts with at most N in flight (the rest
// 503 with Retry-After), each accepted run executed and delivered exactly once; results deleted
// after the retention.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed, fakeCompute, fakeDicom, makeZip, pollResult, postStart, startServeHarness, type ServeHarness,
} from './testing/index.test-helpers.js';

describe('at most N runs in flight', () => {
  let h: ServeHarness;
  const executions = new Map<string, number>();
  beforeAll(async () => {
    h = await startServeHarness({
      compute: fakeCompute({ delayMs: 3_000, onStart: (dir) => executions.set(dir, (executions.get(dir) ?? 0) + 1) }),
      limits: { maxInFlight: 4, retryAfterSeconds: 7 },
    });
  });
  afterAll(async () => h?.close());

  it('20 concurrent starts: at most 4 accepted, the rest 503 with Retry-After; each accepted run is delivered once, with the same bytes', async () => {
    const zip = await makeZip({ 'a/1.dcm': fakeDicom('x'), 'b/1.dcm': fakeDicom('y') });
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => postStart(h.url, zip)));
    const accepted: string[] = [];
    for (const r of answers) {
      if (r.status === 201) accepted.push(await r.text());
      else {
        expect(r.status).toBe(503);
        expect(r.headers.get('retry-after')).toBe('7');
        expect(await r.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', extra_details: 'TooManyRuns' });
      }
    }
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(4);
    expect(new Set(accepted).size).toBe(accepted.length);
    const results = await Promise.all(accepted.map((id) => pollResult(h.url, id, 60_000)));
    const bodies = await Promise.all(results.map(async (r) => { expect(r.status).toBe(200); return Buffer.from(await r.arrayBuffer()); }));
    for (const b of bodies) expect(b.equals(bodies[0]!)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(60_000);
    // Every accepted run was executed exactly once; nothing refused left a folder.
    expect(executions.size).toBe(accepted.length);
    for (const count of executions.values()) expect(count).toBe(1);
    expect(h.store.runIds().sort()).toEqual([...accepted].sort());
    // Once they are done, a refused client's retry is accepted.
    const retry = await postStart(h.url, zip);
    expect(retry.status).toBe(201);
    expect((await pollResult(h.url, await retry.text())).status).toBe(200);
  });
});

describe('retention', () => {
  let h: ServeHarness;
  beforeAll(async () => { h = await startServeHarness({ limits: { retentionMs: 1_000 } }); });
  afterAll(async () => h?.close());

  it('a result is deleted once older than the retention; its run id is then unknown', async () => {
    const runId = await (await postStart(h.url, await makeZip({ 'a.dcm': fakeDicom() }))).text();
    expect((await pollResult(h.url, runId)).status).toBe(200);
    const dir = h.store.runDir(runId);
    expect(existsSync(dir)).toBe(true);
    const deadline = Date.now() + 10_000;
    while (existsSync(dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(dir)).toBe(false);
    const r = await fetch(`${h.url}/v1/model/results/${runId}`, { headers: authed() });
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ extra_details: 'InvalidRunId' });
  });
});
