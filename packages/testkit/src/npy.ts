import { readFileSync } from 'node:fs';

/** A typed array that an `.npy` file can hold. */
export type NpyData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** An array read from an `.npy` file, in the file's (C, row-major: last index fastest) order. */
export interface NpyArray {
  dtype: string;
  shape: number[];
  data: NpyData;
}

const CTORS: Record<string, new (buf: ArrayBuffer) => NpyData> = {
  f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array, b1: Uint8Array,
  i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array, i8: BigInt64Array, u8: BigUint64Array,
};

/**
 * Reads a NumPy `.npy` file (format 1.0, 2.0 or 3.0), little-endian or single-byte types, C order.
 * @throws Error naming the file when the magic, header, dtype or order is unsupported.
 */
export function readNpy(file: string): NpyArray {
  const buf = readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not an .npy file`);
  const major = buf[6] ?? 0;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`${file}: malformed .npy header ${header}`);
  if (fortran === 'True') throw new Error(`${file}: Fortran-ordered .npy is not supported`);
  const endian = descr[0];
  const code = descr.slice(1);
  const Ctor = CTORS[code];
  if (!Ctor || endian === '>') throw new Error(`${file}: unsupported dtype ${descr}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const offset = start + headerLen;
  const bytes = buf.subarray(offset);
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return { dtype: descr, shape, data: new Ctor(copy) };
}
