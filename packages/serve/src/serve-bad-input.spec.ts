// Bad input over real HTTP: each gets its documented status and error body, nothing of it is
// left on disk, and the service stays up (a good run still completes afterwards).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authed, DEMO_MODEL_ID, emptyZip, fakeDicom, makeZip, pollResult, postStart, startServeHarness, zipBomb, zipWithName, type ServeHarness,
} from './testing/index.test-helpers.js';

async function expectRefused(r: Response, status: number, extra: string, detail: RegExp) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await r.json() as Record<string, unknown>;
  expect(body).toMatchObject({ status, extra_details: extra });
  expect(String(body.detail)).toMatch(detail);
}

/** Sends a POST declaring `declaredBytes` and streaming zeros until the server answers; resolves with its status. */
function postHuge(url: string, declaredBytes: number | undefined, limitSendBytes: number): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...authed(), 'content-type': 'application/zip' };
    if (declaredBytes !== undefined) headers['content-length'] = String(declaredBytes);
    const req = request(`${url}/v1/model/start/${DEMO_MODEL_ID}`, { method: 'POST', headers });
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(256 * 1024);
    const pump = () => {
      while (!answered && sent < limitSendBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body, sent }); req.destroy(); });
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    pump();
  });
}

describe('bad input gets its documented answer and the service stays up', () => {
  let h: ServeHarness;
  let small: ServeHarness;
  beforeAll(async () => {
    h = await startServeHarness();
    small = await startServeHarness({ server: h.server, limits: { maxBodyBytes: 1024 * 1024 } });
  });
  afterAll(async () => {
    await small?.close();
    await h?.close();
  });

  it('not a zip → 400 InvalidZipFile', async () => {
    await expectRefused(await postStart(h.url, Buffer.from('%PDF-1.4 certainly not a zip')), 400, 'InvalidZipFile', /not a zip file/);
  });
  it('no body at all → 400 InvalidZipFile', async () => {
    await expectRefused(await postStart(h.url, undefined), 400, 'InvalidZipFile', /no body|not a zip/);
  });
  it('an empty zip → 400 InvalidZipFile', async () => {
    await expectRefused(await postStart(h.url, await emptyZip()), 400, 'InvalidZipFile', /the zip is empty/);
  });
  it('a zip of non-DICOM files → 400 InvalidZipFile', async () => {
    await expectRefused(await postStart(h.url, await makeZip({ 'a.txt': 'x', 'b.png': Buffer.alloc(300, 1) })), 400, 'InvalidZipFile', /is a DICOM file/);
  });
  it('a zip bomb → 400 InvalidZipFile', async () => {
    await expectRefused(await postStart(h.url, await zipBomb(30)), 400, 'InvalidZipFile', /zip bomb/);
  });
  it.each(['../../../tmp/evil.dcm', '/etc/evil.dcm'])('zip-slip %s → 400 InvalidZipFile', async (name) => {
    await expectRefused(await postStart(h.url, await zipWithName(name)), 400, 'InvalidZipFile', /zip-slip/);
  });
  it('a 2 GB body (declared) → 413 at once, before it is read', async () => {
    const r = await postHuge(h.url, 2 * 1024 ** 3, 64 * 1024 * 1024);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ status: 413, title: 'PayloadTooLarge', extra_details: 'ZipTooLarge' });
    expect(r.sent).toBeLessThan(64 * 1024 * 1024);
  });
  it('a chunked body over the limit (no length declared) → 413 once the limit is passed', async () => {
    const r = await postHuge(small.url, undefined, 16 * 1024 * 1024);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ status: 413, extra_details: 'ZipTooLarge' });
  });
  it('a series the reader refuses → 201, then 400 InvalidZipFile naming the file by its uploaded name', async () => {
    const start = await postStart(h.url, await makeZip({ 'study/series-A/IM1': fakeDicom('REFUSE') }));
    expect(start.status).toBe(201);
    const r = await pollResult(h.url, await start.text());
    await expectRefused(r, 400, 'InvalidZipFile', /series refused: study\/series-A\/IM1 has two series/);
  });
  it('refused starts leave no run folder behind; the service still answers and completes a good run', async () => {
    const accepted = h.store.runIds();
    expect(accepted.length).toBe(1); // only the refused series, which was accepted at start
    expect((await fetch(`${h.url}/`)).status).toBe(200);
    const start = await postStart(h.url, await makeZip({ 'a.dcm': fakeDicom() }));
    expect(start.status).toBe(201);
    expect((await pollResult(h.url, await start.text())).status).toBe(200);
  });
});
