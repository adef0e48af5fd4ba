import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { CheckpointReadError } from './errors.js';
import { PyObject, isPyTuple } from './pickle.js';
import { FULL_SIZE_CHECKPOINT, SHARED_CHECKPOINTS, TINY_LAST_CHECKPOINT } from './shared-checkpoints.test-helpers.js';
import { TorchTensorRef, gatherFloat32, openTorchCheckpoint, readStateDict } from './torch-checkpoint.js';

type RefNumber = number | 'inf' | '-inf' | 'nan';
interface RefTensor {
  dtype: string; shape: number[]; stride: number[]; offset: number; contiguous: boolean;
  sum: RefNumber; abs_sum: RefNumber; values?: RefNumber[];
}
const refNumber = (x: RefNumber): number => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x === 'nan' ? NaN : x);
interface Ref { folder: string; top_keys: string[]; state_dict_keys: string[]; tensors: Record<string, RefTensor> }

/** Every tensor in the object tree, by the reference's path convention (keys and indices joined with '/'). */
function collectTensors(v: unknown, p: string, out: Map<string, TorchTensorRef>): Map<string, TorchTensorRef> {
  const join = (k: unknown): string => (p ? `${p}/${String(k)}` : String(k));
  if (v instanceof TorchTensorRef) out.set(p, v);
  else if (v instanceof Map) for (const [k, x] of v) collectTensors(x, join(k), out);
  else if (Array.isArray(v) || isPyTuple(v)) v.forEach((x, i) => collectTensors(x, join(i), out));
  else if (v instanceof PyObject) { /* inert placeholder: the reference does not walk into these either */ }
  return out;
}

const sum = (a: Float32Array): [number, number] => {
  let s = 0; let abs = 0;
  for (let i = 0; i < a.length; i++) { s += a[i]!; abs += Math.abs(a[i]!); }
  return [s, abs];
};

describeWithSharedData('torch checkpoints against Python zipfile+pickle+numpy', SHARED_CHECKPOINTS.map((c) => c.relative), () => {
  for (const c of SHARED_CHECKPOINTS) {
    it(`${c.relative}: every tensor in the file (state_dict, optimizer, callbacks) has the reference's shape, strides and values`, async () => {
      const file = sharedPath(c.relative);
      const ref = await runPythonReference<Ref>('inference_checkpoint.py', [file]);
      const ckpt = await openTorchCheckpoint(file);
      try {
        expect(ckpt.folder).toBe(ref.folder);
        expect([...(ckpt.root as Map<string, unknown>).keys()]).toEqual(ref.top_keys);
        const tensors = collectTensors(ckpt.root, '', new Map());
        expect([...tensors.keys()].sort()).toEqual(Object.keys(ref.tensors).sort());
        for (const [p, t] of tensors) {
          const r = ref.tensors[p]!;
          expect([t.shape, t.stride, t.storageOffset, t.isContiguous], p).toEqual([r.shape, r.stride, r.offset, r.contiguous]);
          const values = await ckpt.readFloat32(t);
          const [s, abs] = sum(values);
          const [refSum, refAbs] = [refNumber(r.sum), refNumber(r.abs_sum)];
          if (Number.isFinite(refAbs)) {
            // float64 sums of the same float32 values; only the summation order differs.
            expect(Math.abs(s - refSum), p).toBeLessThanOrEqual(1e-9 * Math.max(1, refAbs));
            expect(Math.abs(abs - refAbs), p).toBeLessThanOrEqual(1e-9 * Math.max(1, refAbs));
          } else {
            expect([s, abs], p).toEqual([refSum, refAbs]);
          }
          if (r.values) expect(Array.from(values), p).toEqual(r.values.map(refNumber));
        }
      } finally {
        ckpt.close();
      }
    });
  }

  it('the non-contiguous tensor of a real Lightning checkpoint is gathered through its strides', async () => {
    const file = sharedPath(TINY_LAST_CHECKPOINT.relative);
    const ref = await runPythonReference<Ref>('inference_checkpoint.py', [file]);
    const strided = Object.entries(ref.tensors).filter(([, t]) => !t.contiguous);
    expect(strided.length).toBeGreaterThan(0);
    const ckpt = await openTorchCheckpoint(file);
    try {
      const tensors = collectTensors(ckpt.root, '', new Map());
      for (const [p, r] of strided) {
        const t = tensors.get(p)!;
        expect(t.isContiguous).toBe(false);
        expect(Array.from(await ckpt.readFloat32(t))).toEqual(r.values!.map(refNumber));
      }
    } finally {
      ckpt.close();
    }
  });

  it('readStateDict returns the state_dict keys in file order, float tensors as float32, counters without data', async () => {
    const file = sharedPath(FULL_SIZE_CHECKPOINT.relative);
    const ref = await runPythonReference<Ref>('inference_checkpoint.py', [file]);
    const sd = await readStateDict(file);
    expect([...sd.tensors.keys()]).toEqual(ref.state_dict_keys);
    expect(sd.tensors.size).toBe(142); // the shared README: 142 state tensors
    const counter = sd.tensors.get('model._layers.0.block1.bn1.num_batches_tracked')!;
    expect([counter.dtype, counter.shape, counter.data]).toEqual(['int64', [], undefined]);
    let params = 0;
    for (const [k, t] of sd.tensors) if (!/running_|num_batches/.test(k)) params += t.data!.length;
    expect(params).toBe(8_084_019); // the shared README: 8,084,019 parameters
  });
});

describe('gatherFloat32', () => {
  it('follows offsets and strides, and converts float16, bfloat16, float64 and int64', () => {
    const f32 = Buffer.from(new Float32Array([0, 1, 2, 3, 4, 5, 6]).buffer);
    expect(Array.from(gatherFloat32('float32', f32, 1, [2, 3], [1, 2]))).toEqual([1, 3, 5, 2, 4, 6]);
    expect(Array.from(gatherFloat32('float32', f32, 4, [3], [1]))).toEqual([4, 5, 6]);
    const f16 = Buffer.from(new Uint16Array([0x3c00, 0xc000, 0x3555]).buffer); // 1, -2, 0.33325195
    expect(Array.from(gatherFloat32('float16', f16, 0, [3], [1]))).toEqual([1, -2, Math.fround(0.333251953125)]);
    const bf16 = Buffer.from(new Uint16Array([0x3f80, 0x4049]).buffer); // 1, 3.140625
    expect(Array.from(gatherFloat32('bfloat16', bf16, 0, [2], [1]))).toEqual([1, 3.140625]);
    const f64 = Buffer.from(new Float64Array([0.1, -7]).buffer);
    expect(Array.from(gatherFloat32('float64', f64, 0, [2], [1]))).toEqual([Math.fround(0.1), -7]);
    const i64 = Buffer.from(new BigInt64Array([5n, -3n]).buffer);
    expect(Array.from(gatherFloat32('int64', i64, 0, [2], [1]))).toEqual([5, -3]);
  });
});

describeWithSharedData('unreadable checkpoints give CheckpointReadError with a code, file and field', [TINY_LAST_CHECKPOINT.relative], () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-ckpt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const good = (): Buffer => readFileSync(sharedPath(TINY_LAST_CHECKPOINT.relative));
  const codeOf = async (file: string): Promise<[string, string]> => {
    try {
      await readStateDict(file);
    } catch (err) {
      expect(err).toBeInstanceOf(CheckpointReadError);
      return [(err as CheckpointReadError).code, (err as Error).message];
    }
    throw new Error(`${file} was read without error`);
  };

  it('a zip truncated anywhere in its last half is ZIP_INVALID naming the file', async () => {
    const bytes = good();
    for (const fraction of [0.5, 0.9, 0.999]) {
      const file = path.join(dir, `truncated-${fraction}.ckpt`);
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * fraction)));
      const [code, message] = await codeOf(file);
      expect(code).toBe('ZIP_INVALID');
      expect(message).toContain(file);
    }
  });

  it('a flipped byte inside a state_dict storage is caught by the CRC-32 check', async () => {
    const bytes = Buffer.from(good());
    const weights = (await readStateDict(sharedPath(TINY_LAST_CHECKPOINT.relative))).tensors.get('model._layers.0.block2.conv1.weight')!.data!;
    const at = bytes.indexOf(Buffer.from(weights.buffer, weights.byteOffset, 64));
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] = bytes[at + 10]! ^ 0xff;
    const file = path.join(dir, 'flipped.ckpt');
    writeFileSync(file, bytes);
    const [code, message] = await codeOf(file);
    expect(code).toBe('ZIP_INVALID');
    expect(message).toMatch(/last\/data\/\d+: CRC-32 0x[0-9a-f]+ does not match the recorded 0x[0-9a-f]+/);
  });

  it('a legacy (pre-1.6) torch file, an empty file and a text file are told apart', async () => {
    const legacy = path.join(dir, 'legacy.pt');
    writeFileSync(legacy, Buffer.from([0x80, 0x02, 0x8a, 0x0a]));
    expect((await codeOf(legacy))[0]).toBe('LEGACY_FORMAT');
    const empty = path.join(dir, 'empty.ckpt');
    writeFileSync(empty, '');
    expect(await codeOf(empty)).toEqual(['ZIP_INVALID', expect.stringMatching(/empty file/)]);
    const text = path.join(dir, 'text.ckpt');
    writeFileSync(text, 'hello');
    expect((await codeOf(text))[0]).toBe('ZIP_INVALID');
    expect((await codeOf(path.join(dir, 'absent.ckpt')))[0]).toBe('READ_FAILED');
  });
});
