/**
 * Reading `torch.save` zip checkpoints (PyTorch ≥ 1.6, including PyTorch Lightning `.ckpt` files)
 * without Python and without executing anything from the file.
 *
 * Layout of the zip: `<folder>/data.pkl` (the pickled object tree), `<folder>/data/<key>` (one
 * raw little-endian storage per key), `<folder>/version` and, in newer files, `<folder>/byteorder`.
 * The folder name varies (`archive`, `last`, the file's stem …), so any single folder is accepted.
 */

import { open } from 'node:fs/promises';
import { CheckpointReadError } from './errors.js';
import { PyGlobal, defaultFindClass, describe, isPyTuple, reducer, unpickle } from './pickle.js';
import { openZipArchive, type ZipArchive } from './zip-archive.js';

/** Element types of torch storages this reader understands. */
export type TorchDType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** Bytes per element of each {@link TorchDType}. */
export const TORCH_DTYPE_BYTES: Readonly<Record<TorchDType, number>> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

/** `torch.<Name>Storage` → element type. `UntypedStorage` holds raw bytes. */
const STORAGE_TYPES: Readonly<Record<string, TorchDType>> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8',
  BoolStorage: 'bool', UntypedStorage: 'uint8',
};

/** True for the floating-point dtypes that {@link TorchCheckpoint.readFloat32} converts. */
export function isFloatingDType(dtype: TorchDType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** A storage named by a persistent id: `('storage', torch.<T>Storage, key, location, numel)`. */
export class TorchStorageRef {
  constructor(
    /** The key: the storage's bytes are in `<folder>/data/<key>`. */
    readonly key: string,
    readonly dtype: TorchDType,
    /** Number of elements (of `dtype`) in the storage. */
    readonly numel: number,
    /** Device it was saved from, e.g. `'cpu'`, `'cuda:0'` (informational). */
    readonly location: string,
  ) {}
}

/**
 * A tensor as `torch._utils._rebuild_tensor_v2` describes it: a view into a storage with an element
 * offset and per-axis element strides (which may be non-contiguous). Its values are read on demand
 * with {@link TorchCheckpoint.readFloat32}.
 */
export class TorchTensorRef {
  constructor(
    readonly storage: TorchStorageRef,
    /** Offset of element [0,…,0] in the storage, in elements. */
    readonly storageOffset: number,
    /** Size of each axis, in torch's (row-major, last axis fastest) axis order. */
    readonly shape: readonly number[],
    /** Element stride of each axis, in the same order as `shape`. */
    readonly stride: readonly number[],
  ) {}
  get dtype(): TorchDType {
    return this.storage.dtype;
  }
  /** Number of elements (the product of `shape`; 1 for a 0-d tensor). */
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** True when the view is the row-major layout of its shape (offsets aside). */
  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i]! !== 1 && this.stride[i]! !== expected) return false;
      expected *= this.shape[i]!;
    }
    return true;
  }
}

/** One tensor of a state_dict, materialised as contiguous row-major float32 when floating-point. */
export interface StateDictTensor {
  dtype: TorchDType;
  /** Size of each axis, in torch's order (e.g. conv weights `[out, in, kZ, kY, kX]`). */
  shape: number[];
  /** Row-major values converted to float32; `undefined` for integer and bool tensors (e.g. `num_batches_tracked`). */
  data: Float32Array | undefined;
}

/** A state_dict read from a checkpoint: tensors by key, in the file's order. */
export interface StateDict {
  /** The checkpoint file. */
  file: string;
  /** Tensors by key, in insertion order. */
  tensors: Map<string, StateDictTensor>;
  /** Keys whose values are not tensors (e.g. `_extra_state`), kept out of `tensors`. */
  nonTensorKeys: string[];
}

/** An opened checkpoint: its unpickled object tree, with tensor values read on demand. */
export interface TorchCheckpoint {
  readonly file: string;
  /** The single folder inside the zip (e.g. `'archive'`). */
  readonly folder: string;
  /** The content of `<folder>/version`, e.g. `'3'`. */
  readonly formatVersion: string;
  /** The unpickled top-level value (for Lightning: a `Map` with `state_dict`, `optimizer_states` …). */
  readonly root: unknown;
  /**
   * Reads a tensor's values as contiguous row-major float32, honouring its storage offset and strides.
   * @throws CheckpointReadError `STORAGE_INVALID` when the storage is missing, has the wrong size,
   *   or the view reaches outside it; `ZIP_INVALID` when the entry is corrupt.
   */
  readFloat32(tensor: TorchTensorRef): Promise<Float32Array>;
  /** Closes the zip file. */
  close(): void;
}

/** Resolves torch's tensor constructors, then Python's data constructors; everything else stays inert. */
function torchFindClass(file: string): (module: string, name: string) => unknown {
  return (module, name) => {
    const qualified = `${module}.${name}`;
    switch (qualified) {
      case 'torch._utils._rebuild_tensor_v2':
        return reducer(qualified, (args) => rebuildTensor(file, args));
      case 'torch._utils._rebuild_parameter':
      case 'torch._utils._rebuild_parameter_with_state':
        return reducer(qualified, (args) => args[0]);
      default:
        return defaultFindClass(module, name);
    }
  };
}

function asInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${what} is ${describe(v)}, not an integer`);
  return v;
}

function asIntTuple(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw new Error(`${what} is ${describe(v)}, not a tuple`);
  return v.map((x, i) => asInt(x, `${what}[${i}]`));
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, [metadata])`. */
function rebuildTensor(file: string, args: readonly unknown[]): TorchTensorRef {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorageRef)) throw new Error(`storage is ${describe(storage)}, not a persistent storage`);
  const shape = asIntTuple(size, 'size');
  const strides = asIntTuple(stride, 'stride');
  const storageOffset = asInt(offset, 'storage_offset');
  if (shape.length !== strides.length) {
    throw new CheckpointReadError('STORAGE_INVALID', file, `data/${storage.key}`, `size has ${shape.length} axes but stride has ${strides.length}`);
  }
  if (shape.some((s) => s < 0) || strides.some((s) => s < 0) || storageOffset < 0) {
    throw new CheckpointReadError('STORAGE_INVALID', file, `data/${storage.key}`,
      `negative size, stride or offset (size ${JSON.stringify(shape)}, stride ${JSON.stringify(strides)}, offset ${storageOffset})`);
  }
  const t = new TorchTensorRef(storage, storageOffset, shape, strides);
  if (t.numel > 0) {
    const last = storageOffset + shape.reduce((acc, s, i) => acc + (s - 1) * strides[i]!, 0);
    if (last >= storage.numel) {
      throw new CheckpointReadError('STORAGE_INVALID', file, `data/${storage.key}`,
        `tensor view (offset ${storageOffset}, size ${JSON.stringify(shape)}, stride ${JSON.stringify(strides)}) reaches element ${last}, but the storage has ${storage.numel}`);
    }
  }
  return t;
}

/** `('storage', torch.FloatStorage, '0', 'cpu', 108)` → {@link TorchStorageRef}. */
function storageFromPersistentId(file: string, pid: unknown): TorchStorageRef {
  if (!isPyTuple(pid) || pid.length < 5 || pid[0] !== 'storage') {
    throw new CheckpointReadError('STORAGE_INVALID', file, 'data.pkl', `persistent id ${describe(pid)} is not ('storage', type, key, location, numel)`);
  }
  const [, type, key, location, numel] = pid;
  const typeName = type instanceof PyGlobal ? type.name : undefined;
  const dtype = typeName !== undefined ? STORAGE_TYPES[typeName] : undefined;
  if (!dtype) {
    throw new CheckpointReadError('STORAGE_INVALID', file, `storage ${String(key)}`,
      `storage type ${type instanceof PyGlobal ? type.qualifiedName : describe(type)} is not supported (expected one of torch.${Object.keys(STORAGE_TYPES).join(', torch.')})`);
  }
  if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(key)) {
    throw new CheckpointReadError('STORAGE_INVALID', file, 'data.pkl', `storage key ${describe(key)} is not a plain name`);
  }
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
    throw new CheckpointReadError('STORAGE_INVALID', file, `data/${key}`, `element count ${describe(numel)} is not a non-negative integer`);
  }
  return new TorchStorageRef(key, dtype, numel, typeof location === 'string' ? location : String(location));
}

/** Converts IEEE half-precision bits to a float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Reads element `i` of a storage's bytes as a number. */
function elementReader(dtype: TorchDType, bytes: Buffer): (i: number) => number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'float32': return (i) => view.getFloat32(i * 4, true);
    case 'float64': return (i) => view.getFloat64(i * 8, true);
    case 'float16': return (i) => halfToFloat(view.getUint16(i * 2, true));
    case 'bfloat16': {
      const tmp = new DataView(new ArrayBuffer(4));
      return (i) => { tmp.setUint32(0, view.getUint16(i * 2, true) << 16, true); return tmp.getFloat32(0, true); };
    }
    case 'int64': return (i) => Number(view.getBigInt64(i * 8, true));
    case 'int32': return (i) => view.getInt32(i * 4, true);
    case 'int16': return (i) => view.getInt16(i * 2, true);
    case 'int8': return (i) => view.getInt8(i);
    case 'uint8': case 'bool': return (i) => view.getUint8(i);
  }
}

/**
 * Gathers a strided view of a storage into contiguous row-major float32.
 *
 * @param dtype - Element type of the storage.
 * @param storageBytes - The storage's raw little-endian bytes.
 * @param storageOffset - Element offset of the view's first element.
 * @param shape - Axis sizes, row-major (last axis fastest in the output).
 * @param stride - Element stride of each axis in the storage.
 * @returns A `Float32Array` of `prod(shape)` values. A contiguous, 4-byte-aligned float32 view
 *   shares memory with `storageBytes` (no copy); every other case is a new array.
 * @example
 * ```ts
 * // a 2×3 transpose view of a 3×2 float32 storage [0..5]
 * gatherFloat32('float32', bytes, 0, [2, 3], [1, 2]); // → [0, 2, 4, 1, 3, 5]
 * ```
 */
export function gatherFloat32(
  dtype: TorchDType, storageBytes: Buffer, storageOffset: number, shape: readonly number[], stride: readonly number[],
): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0) return new Float32Array(0);
  const contiguous = new TorchTensorRef(new TorchStorageRef('', dtype, 0, ''), storageOffset, shape, stride).isContiguous;
  if (dtype === 'float32' && contiguous) {
    const start = storageBytes.byteOffset + storageOffset * 4;
    // Fast paths: a view when aligned (no copy), else one copy.
    if (start % 4 === 0) return new Float32Array(storageBytes.buffer, start, n);
    const copy = new Float32Array(n);
    new Uint8Array(copy.buffer).set(new Uint8Array(storageBytes.buffer, start, n * 4));
    return copy;
  }
  const out = new Float32Array(n);
  const read = elementReader(dtype, storageBytes);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = storageOffset;
  for (let o = 0; o < n; o++) {
    out[o] = read(src);
    for (let ax = rank - 1; ax >= 0; ax--) {
      index[ax]!++;
      src += stride[ax]!;
      if (index[ax]! < shape[ax]!) break;
      src -= stride[ax]! * shape[ax]!;
      index[ax] = 0;
    }
  }
  return out;
}

/** Rejects pre-1.6 torch files (a bare pickle) and non-zips with a clearer message than a zip parser gives. */
async function checkZipMagic(file: string): Promise<void> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      head = Buffer.alloc(4);
      const { bytesRead } = await fh.read(head, 0, 4, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new CheckpointReadError('READ_FAILED', file, 'file', `cannot read: ${(err as Error).message}`);
  }
  if (head.length >= 2 && head[0] === 0x50 && head[1] === 0x4b) return; // 'PK'
  if (head.length >= 1 && head[0] === 0x80) {
    throw new CheckpointReadError('LEGACY_FORMAT', file, 'file',
      'this is a legacy (pre-PyTorch-1.6) torch.save file, a bare pickle; re-save it with torch>=1.6 (torch.save(torch.load(f), f2)) to get the zip format');
  }
  throw new CheckpointReadError('ZIP_INVALID', file, 'file',
    `does not start with a zip signature (first bytes ${[...head].map((b) => b.toString(16).padStart(2, '0')).join(' ') || 'none: empty file'}); not a torch checkpoint`);
}

/**
 * Opens a torch zip checkpoint and unpickles its object tree, without reading any tensor data.
 *
 * @param file - A `.ckpt`/`.pt`/`.pth` file written by `torch.save` (PyTorch ≥ 1.6).
 * @returns A {@link TorchCheckpoint}; call `close()` when done.
 * @throws CheckpointReadError `READ_FAILED`, `LEGACY_FORMAT`, `ZIP_INVALID` (truncated/corrupt zip),
 *   `ZIP_LAYOUT` (no single `<folder>/data.pkl`, a `byteorder` other than little),
 *   `PICKLE_UNKNOWN_OPCODE`, `PICKLE_MALFORMED`, `STORAGE_INVALID`.
 * @example
 * ```ts
 * const ckpt = await openTorchCheckpoint('last.ckpt');
 * try { console.log([...(ckpt.root as Map<string, unknown>).keys()]); } finally { ckpt.close(); }
 * ```
 */
export async function openTorchCheckpoint(file: string): Promise<TorchCheckpoint> {
  await checkZipMagic(file);
  const zip = await openZipArchive(file);
  try {
    return await readCheckpointTree(file, zip);
  } catch (err) {
    zip.close();
    throw err;
  }
}

async function readCheckpointTree(file: string, zip: ZipArchive): Promise<TorchCheckpoint> {
  const pickles = zip.names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pickles.length !== 1) {
    throw new CheckpointReadError('ZIP_LAYOUT', file, '<folder>/data.pkl',
      pickles.length === 0
        ? `no data.pkl in a top-level folder; entries are ${zip.names.slice(0, 5).join(', ')}${zip.names.length > 5 ? ', …' : ''}`
        : `found ${pickles.length} (${pickles.join(', ')}); expected exactly one`);
  }
  const folder = pickles[0]!.slice(0, -'/data.pkl'.length);
  const versionName = `${folder}/version`;
  const formatVersion = zip.size(versionName) !== undefined ? (await zip.read(versionName)).toString('latin1').trim() : '';
  const byteorderName = `${folder}/byteorder`;
  if (zip.size(byteorderName) !== undefined) {
    const order = (await zip.read(byteorderName)).toString('latin1').trim();
    if (order !== 'little') throw new CheckpointReadError('ZIP_LAYOUT', file, byteorderName, `byte order '${order}' is not supported (only 'little')`);
  }
  const pkl = await zip.read(pickles[0]!);
  const root = unpickle(pkl, {
    source: `${file}:${pickles[0]}`,
    findClass: torchFindClass(file),
    persistentLoad: (pid) => storageFromPersistentId(file, pid),
  });

  const cache = new Map<string, Buffer>();
  const storageBytes = async (s: TorchStorageRef): Promise<Buffer> => {
    const cached = cache.get(s.key);
    if (cached) return cached;
    const name = `${folder}/data/${s.key}`;
    if (zip.size(name) === undefined) throw new CheckpointReadError('STORAGE_INVALID', file, name, 'storage entry missing from the zip');
    const bytes = await zip.read(name);
    const expected = s.numel * TORCH_DTYPE_BYTES[s.dtype];
    if (bytes.length < expected) {
      throw new CheckpointReadError('STORAGE_INVALID', file, name, `${bytes.length} bytes, but ${s.numel} ${s.dtype} elements need ${expected}`);
    }
    cache.set(s.key, bytes);
    return bytes;
  };
  return {
    file,
    folder,
    formatVersion,
    root,
    async readFloat32(t) {
      return gatherFloat32(t.dtype, await storageBytes(t.storage), t.storageOffset, t.shape, t.stride);
    },
    close: () => {
      cache.clear();
      zip.close();
    },
  };
}

/**
 * Finds the state_dict in an unpickled checkpoint: `root['state_dict']` for PyTorch Lightning, or the
 * root itself when it is a bare `{key: tensor}` dict (`torch.save(model.state_dict())`).
 *
 * @throws CheckpointReadError `NO_STATE_DICT`, listing the top-level keys found.
 */
export function findStateDict(file: string, root: unknown): Map<unknown, unknown> {
  if (root instanceof Map) {
    const sd = root.get('state_dict');
    if (sd instanceof Map) return sd;
    if (root.size > 0 && [...root.values()].every((v) => v instanceof TorchTensorRef)) return root;
    const keys = [...root.keys()].map((k) => String(k));
    throw new CheckpointReadError('NO_STATE_DICT', file, 'state_dict',
      `no 'state_dict' dict at the top level; top-level keys are ${keys.length > 0 ? keys.join(', ') : '(none)'}`);
  }
  throw new CheckpointReadError('NO_STATE_DICT', file, 'state_dict', `the top-level object is ${describe(root)}, not a dict`);
}

/**
 * Reads only the state_dict of a torch checkpoint, materialising floating-point tensors as
 * contiguous row-major float32 (float16/bfloat16/float64 are converted). Other storages
 * (optimizer moments, callback state …) are never read from disk.
 *
 * @param file - The checkpoint file.
 * @returns The {@link StateDict}.
 * @throws CheckpointReadError as {@link openTorchCheckpoint}, plus `NO_STATE_DICT`.
 * @example
 * ```ts
 * const sd = await readStateDict('last.ckpt');
 * sd.tensors.get('model.output_layer.weight')?.shape; // [3, 16, 1, 1, 1]
 * ```
 */
export async function readStateDict(file: string): Promise<StateDict> {
  const ckpt = await openTorchCheckpoint(file);
  try {
    const sd = findStateDict(file, ckpt.root);
    const tensors = new Map<string, StateDictTensor>();
    const nonTensorKeys: string[] = [];
    for (const [k, v] of sd) {
      const key = String(k);
      if (!(v instanceof TorchTensorRef)) {
        nonTensorKeys.push(key);
        continue;
      }
      tensors.set(key, {
        dtype: v.dtype,
        shape: [...v.shape],
        data: isFloatingDType(v.dtype) ? await ckpt.readFloat32(v) : undefined,
      });
    }
    return { file, tensors, nonTensorKeys };
  } finally {
    ckpt.close();
  }
}
