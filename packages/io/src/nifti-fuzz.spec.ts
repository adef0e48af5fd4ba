/**
 * Fuzzing the header parser: random mutations of real headers (from ../shared/data, with their
 * dimensions shrunk so each case is small) must either read as a consistent volume or throw a
 * NiftiFormatError, never another error, a crash or a hang. The bound on time is the test timeout
 * (60 s for all iterations); the memory bound is `maxBytes` (64 MiB).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { describe, expect, it } from 'vitest';
import { NiftiFormatError } from './errors.js';
import { niftiDatatype, parseNiftiHeader } from './nifti-header.js';
import { decodeNifti } from './nifti-read.js';
import { encodeNifti } from './nifti-write.js';

/** mulberry32: a small seeded PRNG, so a failure can be replayed from its iteration number. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** NIfTI-1 fields as [offset, kind]. */
const FIELDS: [number, 'i16' | 'i32' | 'f32' | 'u8'][] = [
  [0, 'i32'], ...[40, 42, 44, 46, 48, 50, 52, 54].map((o) => [o, 'i16'] as [number, 'i16']),
  [68, 'i16'], [70, 'i16'], [72, 'i16'], ...[76, 80, 84, 88, 92].map((o) => [o, 'f32'] as [number, 'f32']),
  [108, 'f32'], [112, 'f32'], [116, 'f32'], [123, 'u8'], [252, 'i16'], [254, 'i16'],
  ...[256, 260, 264, 268, 272, 276].map((o) => [o, 'f32'] as [number, 'f32']),
  ...Array.from({ length: 12 }, (_, i) => [280 + 4 * i, 'f32'] as [number, 'f32']), [348, 'u8'],
];
const INTERESTING = [0, -1, 1, 2, 3, 7, 8, 16, 64, 128, 255, 256, 352, 1024, 32767, -32768, 2 ** 31 - 1, -(2 ** 31),
  NaN, Infinity, -Infinity, 1e30, -1e-30, 0.5, 348, 540];

/** A real file's header (and extensions) with dims set to 7×6×5 and that much of its data. */
function shrunkRealFile(file: string): Uint8Array {
  const raw = gunzipSync(readFileSync(file));
  const h = parseNiftiHeader(raw, file);
  const bytes = niftiDatatype(h.datatypeCode).bytes;
  const dataStart = Math.max(h.voxOffset, 352);
  const out = new Uint8Array(dataStart + 7 * 6 * 5 * bytes);
  out.set(raw.subarray(0, out.length));
  const v = new DataView(out.buffer);
  [3, 7, 6, 5, 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, h.littleEndian));
  return out;
}

/** Applies 1–4 random mutations; sometimes gzips and damages the stream. */
function mutate(base: Uint8Array, rand: () => number): Uint8Array {
  let b = Uint8Array.from(base);
  const v = new DataView(b.buffer);
  const le = v.getInt32(0, true) === 348;
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const r = rand();
    if (r < 0.3) {
      const at = Math.floor(rand() * Math.min(b.length, 368));
      b[at] = b[at]! ^ (1 << Math.floor(rand() * 8));
    } else if (r < 0.45) {
      b[Math.floor(rand() * Math.min(b.length, 368))] = Math.floor(rand() * 256);
    } else if (r < 0.9) {
      const [at, kind] = FIELDS[Math.floor(rand() * FIELDS.length)]!;
      const val = INTERESTING[Math.floor(rand() * INTERESTING.length)]!;
      if (kind === 'i16') v.setInt16(at, Number.isFinite(val) ? val : 0, le);
      else if (kind === 'i32') v.setInt32(at, Number.isFinite(val) ? val : 0, le);
      else if (kind === 'u8') v.setUint8(at, Number.isFinite(val) ? val & 255 : 0);
      else v.setFloat32(at, val, le);
    } else {
      b = b.subarray(0, Math.floor(rand() * b.length));
    }
  }
  if (rand() < 0.1) {
    const gz = Uint8Array.from(gzipSync(b));
    if (rand() < 0.5) return gz.subarray(0, Math.floor(rand() * gz.length));
    const at = 10 + Math.floor(rand() * (gz.length - 10));
    gz[at] = gz[at]! ^ 0xff;
    return gz;
  }
  return b;
}

interface FuzzOutcome { ok: number; codes: Map<string, number>; failures: string[] }

function fuzz(bases: Uint8Array[], iterations: number, seed: number): FuzzOutcome {
  const rand = prng(seed);
  const out: FuzzOutcome = { ok: 0, codes: new Map(), failures: [] };
  for (let i = 0; i < iterations; i++) {
    const input = mutate(bases[i % bases.length]!, rand);
    try {
      const im = decodeNifti(input, `fuzz#${i}`, { maxBytes: 64 * 2 ** 20, volumeIndex: 0 });
      const [x, y, z] = im.shapeXYZ;
      if (im.data.length !== x * y * z) out.failures.push(`#${i}: data length ${im.data.length} != ${x}·${y}·${z}`);
      if (im.affine.length !== 16 || !Array.from(im.affine).every(Number.isFinite)) out.failures.push(`#${i}: non-finite affine`);
      out.ok++;
    } catch (e) {
      if (e instanceof NiftiFormatError && e.message.startsWith(`fuzz#${i}: `)) {
        out.codes.set(e.code, (out.codes.get(e.code) ?? 0) + 1);
      } else {
        out.failures.push(`#${i}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  }
  return out;
}

describe('fuzzing a synthetic header', () => {
  it('2000 mutations: only typed errors or consistent volumes', () => {
    const base = encodeNifti({
      data: new Float32Array(7 * 6 * 5).map((_, i) => i), shapeXYZ: [7, 6, 5],
      affine: Float64Array.from([0, 0, 2, 1, -1, 0, 0, 2, 0, 3, 0, 3, 0, 0, 0, 1]), kind: 'intensity',
    });
    const r = fuzz([base], 2000, 1);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBeGreaterThan(0);
    expect(r.codes.size).toBeGreaterThanOrEqual(6);
  }, 60_000);
});

describeWithSharedData('fuzzing real headers', ['data/headers', 'data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz'], () => {
  it('3000 mutations of 7 real headers: only typed errors or consistent volumes', () => {
    const names = ['oblique-sform-int16-t1', 'qform-only-1.75mm-t1', 'chris-t1-0.88mm', 'sheared-anisotropic',
      'mni152-2009-int16', 'flair'];
    const bases = names.map((n) => shrunkRealFile(sharedPath(`data/headers/${n}.nii.gz`)));
    bases.push(gunzipSync(readFileSync(sharedPath('data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz'))));
    for (const b of bases) expect(() => decodeNifti(b, 'base')).not.toThrow();
    const r = fuzz(bases, 3000, 2);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBeGreaterThan(0);
    expect(r.codes.size).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
