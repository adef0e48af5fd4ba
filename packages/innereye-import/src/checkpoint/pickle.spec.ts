import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPythonReference } from '@seahorse/testkit';
import { CheckpointReadError } from './errors.js';
import { PyGlobal, PyObject, isPyTuple, unpickle } from './pickle.js';

/** The tagged encoding of tools/reference/inference_pickle.py, applied to our unpickled values. */
type Tagged = { t: string; v?: unknown };
function tag(v: unknown): Tagged {
  if (v === null) return { t: 'none' };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'bigint') return { t: 'int', v: v.toString() };
  if (typeof v === 'number') {
    // Unpickled Python ints arrive as integral numbers; the reference marks which are floats.
    if (Number.isNaN(v)) return { t: 'float', v: 'nan' };
    if (!Number.isFinite(v)) return { t: 'float', v: v > 0 ? 'inf' : '-inf' };
    return { t: 'number', v };
  }
  if (typeof v === 'string') return { t: 'str', v };
  if (v instanceof Uint8Array) return { t: 'bytes', v: Buffer.from(v).toString('hex') };
  if (isPyTuple(v)) return { t: 'tuple', v: v.map(tag) };
  if (Array.isArray(v)) return { t: 'list', v: v.map(tag) };
  if (v instanceof Map) return { t: 'dict', v: [...v.entries()].map(([k, x]) => [tag(k), tag(x)]) };
  if (v instanceof Set) return { t: 'set', v: [...v].map(tag).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) };
  return { t: `unexpected ${String(v)}` };
}

/** Maps the reference's int/float tags to the 'number' tag our decoder gives finite numbers. */
function normaliseReference(e: Tagged): Tagged {
  if (e.t === 'int') {
    const big = BigInt(e.v as string);
    return Number.isSafeInteger(Number(big)) && BigInt(Number(big)) === big ? { t: 'number', v: Number(big) } : e;
  }
  if (e.t === 'float' && typeof e.v === 'number') return { t: 'number', v: e.v };
  if (e.t === 'dict') return { t: 'dict', v: (e.v as Tagged[][]).map(([k, x]) => [normaliseReference(k!), normaliseReference(x!)]) };
  if (e.t === 'set') {
    const items = (e.v as Tagged[]).map(normaliseReference);
    return { t: 'set', v: items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) };
  }
  if (Array.isArray(e.v)) return { t: e.t, v: (e.v as Tagged[]).map(normaliseReference) };
  return e;
}

describe('unpickle against Python pickle (same object, protocols 0 to 5)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-pickle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ref = runPythonReference<{ files: Record<string, string>; expected: Tagged; evil: string; evil_global: [string, string] }>(
    'inference_pickle.py', [dir]);

  for (const proto of [0, 1, 2, 3, 4, 5]) {
    it(`protocol ${proto}: every value, container kind and key order matches`, async () => {
      const r = await ref;
      const value = unpickle(readFileSync(r.files[String(proto)]!), { source: `proto${proto}.pkl` });
      expect(tag(value)).toEqual(normaliseReference(r.expected));
    });
  }

  it('memoised objects stay shared (the same list twice is one object)', async () => {
    const r = await ref;
    const value = unpickle(readFileSync(r.files['2']!)) as Map<unknown, unknown>;
    const shared = value.get('shared') as unknown[][];
    expect(shared[0]).toBe(shared[1]);
    expect(shared[0]).toEqual([7, 8]);
  });

  it('a REDUCE of os.system stays an inert record: nothing is executed', async () => {
    const r = await ref;
    const value = unpickle(readFileSync(r.evil)) as Map<unknown, unknown>;
    const payload = value.get('payload');
    expect(payload).toBeInstanceOf(PyObject);
    const obj = payload as PyObject;
    expect(obj.callable).toBeInstanceOf(PyGlobal);
    expect([(obj.callable as PyGlobal).module, (obj.callable as PyGlobal).name]).toEqual(r.evil_global);
    expect(obj.args).toEqual(['echo this must never run']);
  });
});

describe('unpickle errors', () => {
  // pickle.dumps({'a': (1, 2.5)}, protocol=2)
  const valid = Uint8Array.from([0x80, 2, 0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x4b, 1,
    0x47, 0x40, 4, 0, 0, 0, 0, 0, 0, 0x86, 0x71, 2, 0x73, 0x2e]);

  it('decodes the documented example', () => {
    expect(unpickle(valid)).toEqual(new Map([['a', [1, 2.5]]]));
  });

  it('an unknown opcode is PICKLE_UNKNOWN_OPCODE naming the byte value and offset', () => {
    const bad = Uint8Array.from([...valid.subarray(0, 2), 0xff, ...valid.subarray(2)]);
    const err = (() => { try { unpickle(bad, { source: 'x.pkl' }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(CheckpointReadError);
    expect((err as CheckpointReadError).code).toBe('PICKLE_UNKNOWN_OPCODE');
    expect((err as Error).message).toMatch(/^x\.pkl: byte 2: unknown pickle opcode 0xff/);
  });

  it('the extension-registry opcodes are refused by name', () => {
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x82, 1, 0x2e]))).toThrow(/EXT1 \(0x82\) is not supported/);
  });

  it('a truncated pickle is PICKLE_MALFORMED, not a hang or a crash', () => {
    for (let cut = 1; cut < valid.length; cut++) {
      let err: unknown;
      try { unpickle(valid.subarray(0, cut)); } catch (e) { err = e; }
      expect(err, `cut at ${cut}`).toBeInstanceOf(CheckpointReadError);
      expect((err as CheckpointReadError).code).toBe('PICKLE_MALFORMED');
    }
  });

  it('a memo reference that was never stored is PICKLE_MALFORMED', () => {
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x68, 9, 0x2e]))).toThrow(/memo index 9 was never stored/);
  });

  it('a persistent id without a hook is PICKLE_MALFORMED', () => {
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x4b, 1, 0x51, 0x2e]))).toThrow(/no persistentLoad hook/);
  });
});
