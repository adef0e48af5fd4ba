// InnerEye-Inference's own API tests (Tests/test_api.py), status code by status code, on real
// HTTP against the service with a real Temporal dev server. Where Seahorse answers differently
// (a bad zip is refused at start), the test says so.
import { existsSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_FILES } from './run-store.js';
import {
  authed, DEMO_MODEL_ID, fakeCompute, fakeDicom, makeZip, pollResult, postStart, startServeHarness, zipEntries, type ServeHarness,
} from './testing/index.test-helpers.js';

/** InnerEye's `assert_response_error_type`. */
async function expectError(r: Response, status: number, extraDetails?: string) {
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(r.status).toBe(status);
  const body = await r.json() as Record<string, unknown>;
  expect(String(body.code).length).toBeGreaterThan(0);
  expect(String(body.detail).length).toBeGreaterThan(0);
  expect(body.status).toBe(status);
  expect(String(body.title).length).toBeGreaterThan(0);
  if (extraDetails) expect(body.extra_details).toBe(extraDetails);
  else expect(body).not.toHaveProperty('extra_details');
  return body;
}

/** A request with any method (fetch refuses TRACE and friends). */
function rawRequest(url: string, method: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const study = () => makeZip({ 'HN/(134).dcm': fakeDicom('a'), 'HN/(135).dcm': fakeDicom('b'), 'HN/(137).dcm': fakeDicom('c') });

describe('InnerEye-Inference test_api.py, ported', () => {
  let h: ServeHarness;
  let slow: ServeHarness;
  beforeAll(async () => {
    h = await startServeHarness();
    slow = await startServeHarness({ server: h.server, compute: fakeCompute({ delayMs: 60_000 }) });
  });
  afterAll(async () => {
    await slow?.close();
    await h?.close();
  });

  it('test_health_check: GET / is 200 {"status":"Healthy"} without a secret', async () => {
    const r = await fetch(`${h.url}/`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'Healthy' });
  });

  it('test_ping_unauthorized: no header → 401 NoAuthenticationInformation', async () => {
    const body = await expectError(await fetch(`${h.url}/v1/ping`), 401);
    expect(body).toMatchObject({ code: 'UNAUTHORIZED', title: 'NoAuthenticationInformation' });
  });

  it('test_ping_forbidden: a wrong secret → 403 AuthenticationFailed', async () => {
    const body = await expectError(await fetch(`${h.url}/v1/ping`, { headers: { API_AUTH_SECRET: 'forbidden' } }), 403);
    expect(body).toMatchObject({ code: 'FORBIDDEN', title: 'AuthenticationFailed' });
  });

  it('test_ping_authenticated: the right secret → 200, empty text/html body', async () => {
    const r = await fetch(`${h.url}/v1/ping`, { headers: authed() });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await r.text()).toBe('');
  });

  it('test_model_start_unauthorized / _forbidden: 401 and 403', async () => {
    await expectError(await postStart(h.url, undefined, 'ValidModel:3', {}), 401);
    await expectError(await postStart(h.url, undefined, 'ValidModel:3', { API_AUTH_SECRET: 'forbidden' }), 403);
  });

  it('test_model_start_authenticated_invalid_model_id: 404 InvalidModelId', async () => {
    const body = await expectError(await postStart(h.url, await study(), 'InvalidModel:1594'), 404, 'InvalidModelId');
    expect(body).toMatchObject({ code: 'NOT_FOUND', title: 'ResourceNotFound' });
  });

  it('test_model_start_authenticated_valid_model_id: 201, text/plain, the run id', async () => {
    const r = await postStart(h.url, await study());
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toBe('text/plain');
    expect(await r.text()).toMatch(/^api_inference_\d{10}_[0-9a-f]{8}$/);
  });

  it('test_model_results_unauthorized / _forbidden: 401 and 403', async () => {
    await expectError(await fetch(`${h.url}/v1/model/results/test_run_id`), 401);
    await expectError(await fetch(`${h.url}/v1/model/results/test_run_id`, { headers: { API_AUTH_SECRET: 'forbidden' } }), 403);
  });

  it('test_model_results_authenticated_invalid_run_id: 404 InvalidRunId (also for ids that are not ids)', async () => {
    await expectError(await fetch(`${h.url}/v1/model/results/invalid_run_id`, { headers: authed() }), 404, 'InvalidRunId');
    await expectError(await fetch(`${h.url}/v1/model/results/..%2F..%2Fetc`, { headers: authed() }), 404, 'InvalidRunId');
  });

  it('test_model_results_authenticated_valid_run_id_in_progress: 202, empty text/html body', async () => {
    const runId = await (await postStart(slow.url, await study())).text();
    const r = await fetch(`${slow.url}/v1/model/results/${runId}`, { headers: authed() });
    expect(r.status).toBe(202);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await r.text()).toBe('');
    const status = await (await fetch(`${slow.url}/v1/model/status/${runId}`, { headers: authed() })).json() as { phase: string };
    expect(status).toMatchObject({ runId, modelId: DEMO_MODEL_ID, state: 'running' });
    expect(['unpacking', 'segmenting']).toContain(status.phase);
  });

  it('test_submit_for_inference_end_to_end: 200 application/zip holding exactly segmentation.dcm, not in a folder', async () => {
    const start = await postStart(h.url, await study());
    expect(start.status).toBe(201);
    const runId = await start.text();
    const r = await pollResult(h.url, runId);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    const entries = await zipEntries(Buffer.from(await r.arrayBuffer()));
    expect([...entries.keys()]).toEqual(['segmentation.dcm']);
    // The stand-in compute names the files it was given: all three, renamed by the run.
    expect(entries.get('segmentation.dcm')!.toString()).toBe(`FAKE-RTSTRUCT model=${DEMO_MODEL_ID} files=00001.dcm,00002.dcm,00003.dcm`);
    const status = await (await fetch(`${h.url}/v1/model/status/${runId}`, { headers: authed() })).json();
    expect(status).toMatchObject({ runId, state: 'succeeded', phase: 'finished' });
  });

  it('test_submit_for_inference_image_data_deletion: the upload and its files are deleted once the result is written', async () => {
    const runId = await (await postStart(h.url, await study())).text();
    expect((await pollResult(h.url, runId)).status).toBe(200);
    const dir = h.store.runDir(runId);
    expect(existsSync(path.join(dir, RUN_FILES.result))).toBe(true);
    for (const f of [RUN_FILES.upload, RUN_FILES.input, RUN_FILES.names, RUN_FILES.rtstruct, RUN_FILES.work]) expect(existsSync(path.join(dir, f))).toBe(false);
  });

  it('test_submit_for_inference_bad_image_file: random 1 KB → 400 InvalidZipFile (Seahorse: at start, not on the results route)', async () => {
    const random = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7919 + 13) % 256));
    const body = await expectError(await postStart(h.url, random), 400, 'InvalidZipFile');
    expect(body.title).toBe('InvalidInput');
    expect(body.detail).toMatch(/not a zip/);
  });

  it('serves /openapi.json naming every route', async () => {
    const doc = await (await fetch(`${h.url}/openapi.json`)).json() as { paths: object };
    expect(Object.keys(doc.paths).sort()).toEqual(['/', '/v1/model/results/{run_id}', '/v1/model/start/{model_id}', '/v1/model/status/{run_id}', '/v1/ping']);
  });

  it('a method a route does not have: 405 with Allow, before auth or body parsing (Flask answered InnerEye\'s routes so); an unknown path: 404', async () => {
    for (const [method, route, allow] of [
      ['TRACE', '/', 'GET, HEAD'], ['DELETE', '/v1/ping', 'GET, HEAD'], ['GET', `/v1/model/start/${DEMO_MODEL_ID}`, 'POST'],
      ['QUERY', '/v1/model/results/x', 'GET, HEAD'], ['PUT', '/v1/model/status/x?a=1', 'GET, HEAD'],
    ] as const) {
      const r = await rawRequest(`${slow.url}${route}`, method);
      expect([r.status, r.headers.allow, r.headers['content-type']], `${method} ${route}`).toEqual([405, allow, 'application/json; charset=utf-8']);
      expect(JSON.parse(r.body)).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', title: 'MethodNotAllowed' });
    }
    await expectError(await fetch(`${slow.url}/v1/model/other/x`, { method: 'DELETE' }), 404);
    await expectError(await fetch(`${slow.url}/v1/model/results/x/y`, { headers: authed() }), 404);
  });

  it('logs one line per request: route pattern and status, never the run id, model id or a secret', () => {
    expect(h.logLines.length).toBeGreaterThan(5);
    for (const line of h.logLines) {
      expect(line).toMatch(/^(GET|POST) \S+ \d{3} \d+ ms$/);
      expect(line).not.toMatch(/api_inference_|SeahorseDemo|secret/);
    }
  });
});
