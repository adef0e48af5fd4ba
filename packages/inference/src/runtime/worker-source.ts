/**
 * The source of the worker thread that owns the onnxruntime sessions.
 *
 * Why a string run with `new Worker(source, { eval: true })` and not a `.ts`/`.mjs` file: a worker
 * file has to be plain JavaScript at run time, but this package runs from its TypeScript sources
 * under vitest and tsx and from `dist/` when built. An inline CommonJS script needs no copy step,
 * no build before tests, and no path that differs between the two; onnxruntime-node is `require`d
 * by the absolute path the parent resolves. Keep it small: the protocol is
 *
 * - `{ type: 'load', id, members: [{ name, path }], options }` → `{ id, ok, info: MemberInfo[] }`
 * - `{ type: 'run', id, member, input: Float32Array, dims }` → `{ id, ok, output: Float32Array, dims }`
 * - `{ type: 'close', id }` → `{ id, ok }` after releasing every session.
 *
 * Any failure answers `{ id, ok: false, message }`.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = [];
let options = null;

function softmaxChannels(data, dims) {
  const C = dims[1];
  const n = data.length / C;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) { const v = data[c * n + i]; if (v > max) max = v; }
    let sum = 0;
    for (let c = 0; c < C; c++) { const e = Math.fround(Math.exp(data[c * n + i] - max)); data[c * n + i] = e; sum += e; }
    const s = Math.fround(sum);
    for (let c = 0; c < C; c++) data[c * n + i] = data[c * n + i] / s;
  }
}

function describe(m, session) {
  const meta = (list, names) => names.map((name, i) => {
    const md = list && list[i];
    return { name, shape: md && md.isTensor && Array.isArray(md.shape) ? md.shape.map((d) => (typeof d === 'number' ? d : String(d))) : null,
      type: md && md.isTensor ? String(md.type) : null };
  });
  return { name: m.name, path: m.path, inputs: meta(session.inputMetadata, session.inputNames), outputs: meta(session.outputMetadata, session.outputNames) };
}

async function handle(msg) {
  if (msg.type === 'load') {
    options = msg.options;
    const so = {
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: options.graphOptimizationLevel,
      enableCpuMemArena: options.memoryArena === 'keep',
      enableMemPattern: true, // as onnxruntime-python's default; measured: no extra peak RSS with the arena off
      executionProviders: options.executionProvider === 'cuda' ? [{ name: 'cuda', deviceId: options.cudaDeviceId }] : ['cpu'],
      logSeverityLevel: 3,
    };
    if (options.intraOpThreads) so.intraOpNumThreads = options.intraOpThreads;
    const info = [];
    for (const m of msg.members) {
      let session;
      try { session = await ort.InferenceSession.create(m.path, so); }
      catch (e) { throw new Error('cannot create an onnxruntime session for member ' + JSON.stringify(m.name) + ' from ' + m.path + ': ' + (e && e.message || e)); }
      sessions.push(session);
      info.push(describe(m, session));
    }
    return { info };
  }
  if (msg.type === 'run') {
    const session = sessions[msg.member];
    if (!session) throw new Error('no session for member index ' + msg.member);
    const inputName = options.inputName || session.inputNames[0];
    const outputName = options.outputName || session.outputNames[0];
    const feeds = {}; feeds[inputName] = new ort.Tensor('float32', msg.input, msg.dims);
    const results = await session.run(feeds, [outputName]);
    const out = results[outputName];
    if (!out || out.type !== 'float32') throw new Error('output ' + outputName + ' is ' + (out ? out.type : 'missing') + ', expected float32');
    let data = out.data;
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) data = data.slice();
    if (options.outputKind === 'logits') softmaxChannels(data, out.dims);
    return { output: data, dims: Array.from(out.dims), transfer: [data.buffer] };
  }
  if (msg.type === 'close') {
    while (sessions.length > 0) { const s = sessions.pop(); await s.release(); }
    return {};
  }
  throw new Error('unknown message type ' + msg.type);
}

parentPort.on('message', (msg) => {
  handle(msg).then((r) => {
    const transfer = r.transfer || [];
    delete r.transfer;
    try { parentPort.postMessage(Object.assign({ id: msg.id, ok: true }, r), transfer); }
    catch (_e) { parentPort.postMessage(Object.assign({ id: msg.id, ok: true }, r, r.output ? { output: r.output.slice() } : {})); }
  }, (e) => parentPort.postMessage({ id: msg.id, ok: false, message: String(e && e.message || e) }));
});
`;
