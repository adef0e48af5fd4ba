/**
 * A data-only reader for Python pickles (protocols 0 to 5), enough for `torch.save` checkpoints.
 *
 * It never imports or calls anything named in the file. A global (`GLOBAL`, `STACK_GLOBAL`, `INST`)
 * becomes whatever the caller's `findClass` returns: by default an inert {@link PyGlobal}. Calling a
 * global (`REDUCE`, `NEWOBJ`, `OBJ`, `INST`) runs a caller-supplied {@link PyReducer} when
 * `findClass` returned one (pure data constructors such as `collections.OrderedDict`), and
 * otherwise records the call as an inert {@link PyObject}.
 *
 * Python values map to JavaScript as follows:
 * - `None` → `null`; `bool` → `boolean`; `float` → `number`;
 * - `int` → `number` when it is a safe integer, otherwise `bigint`;
 * - `str` → `string`; `bytes`/`bytearray` → `Uint8Array`;
 * - `list` → mutable `unknown[]`; `tuple` → frozen `readonly unknown[]` (see {@link isPyTuple});
 * - `dict` → `Map<unknown, unknown>` (insertion order kept); `set`/`frozenset` → `Set<unknown>`.
 */

import { CheckpointReadError } from './errors.js';

/** An inert stand-in for a Python global (a class or function) named in the pickle. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  /** `module.name`, as Python writes it. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An inert record of a call the pickle asked for (`REDUCE`, `NEWOBJ`, `OBJ`, `INST`) on a global
 * this reader does not implement. Nothing is executed: the callable, the arguments and any later
 * `BUILD` state, list or dict items are only stored.
 */
export class PyObject {
  /** State set by `BUILD` (usually the object's `__dict__`), or `undefined`. */
  state: unknown = undefined;
  /** Items added by `SETITEM(S)` when the object stands for a dict subclass. */
  readonly dictItems = new Map<unknown, unknown>();
  /** Items added by `APPEND(S)` when the object stands for a list subclass. */
  readonly listItems: unknown[] = [];
  constructor(readonly callable: unknown, readonly args: readonly unknown[]) {}
}

/** A pure data constructor the caller allows `REDUCE`/`NEWOBJ` to call, e.g. for `collections.OrderedDict`. */
export interface PyReducer {
  readonly kind: 'reducer';
  /** Display name for error messages, e.g. `'collections.OrderedDict'`. */
  readonly name: string;
  /** Builds the value from the (already unpickled) arguments. Must not have side effects. */
  reduce(args: readonly unknown[]): unknown;
}

/** Hooks that give meaning to globals and persistent ids. */
export interface UnpickleOptions {
  /** Name used in error messages, e.g. `'model.ckpt:archive/data.pkl'`. Default `'<pickle>'`. */
  source?: string;
  /** Maps a global to a value. Default: {@link defaultFindClass} (Python's pure data constructors, else an inert {@link PyGlobal}). */
  findClass?: (module: string, name: string) => unknown;
  /** Resolves a persistent id (`PERSID`/`BINPERSID`). Default: throws `PICKLE_MALFORMED`. */
  persistentLoad?: (pid: unknown) => unknown;
}

/** True when `v` is an unpickled tuple (a frozen array). */
export function isPyTuple(v: unknown): v is readonly unknown[] {
  return Array.isArray(v) && Object.isFrozen(v);
}

const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID',
  0x51: 'BINPERSID', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT',
  0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET',
  0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x88: 'NEWTRUE',
  0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS',
  0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME',
  0x96: 'BYTEARRAY8',
};

/** Opcodes Python defines that this reader deliberately refuses (extension registry, out-of-band buffers). */
const REFUSED_OPCODE_NAMES: Record<number, string> = {
  0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Decodes a little-endian two's-complement integer of any length (LONG1/LONG4). */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if ((bytes[bytes.length - 1]! & 0x80) !== 0) v -= 1n << BigInt(8 * bytes.length);
  return toPyInt(v);
}

/** A Python int as a JS number when it is exactly representable, else a bigint. */
function toPyInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Undoes Python's `repr()` escapes of a protocol-0 `STRING` (quoted) argument. */
function unquotePy2String(text: string): string {
  const q = text[0];
  if (text.length < 2 || (q !== "'" && q !== '"') || text[text.length - 1] !== q) throw new Error(`not a quoted string: ${text}`);
  return text.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };
    return simple[e] ?? `\\${e}`;
  });
}

/** Decodes Python's raw-unicode-escape (protocol-0 `UNICODE`). */
function decodeRawUnicodeEscape(bytes: Uint8Array): string {
  return latin1.decode(bytes).replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4?: string, u8?: string) =>
    String.fromCodePoint(parseInt((u4 ?? u8)!, 16)));
}

/**
 * Unpickles `bytes` without executing anything.
 *
 * @param bytes - The pickle stream (e.g. the `data.pkl` entry of a torch checkpoint).
 * @param options - Hooks for globals and persistent ids; see {@link UnpickleOptions}.
 * @returns The unpickled top-level value.
 * @throws CheckpointReadError `PICKLE_UNKNOWN_OPCODE` for an opcode this reader does not implement
 *   (with its byte value and offset); `PICKLE_MALFORMED` for stack underflow, a missing MARK, an
 *   unknown memo index, a truncated argument, a missing STOP or a failing reducer.
 * @example
 * ```ts
 * // pickle.dumps({'a': (1, 2.5)}, protocol=2)
 * const v = unpickle(Uint8Array.from([0x80,2,0x7d,0x71,0,0x58,1,0,0,0,0x61,0x71,1,0x4b,1,
 *   0x47,0x40,4,0,0,0,0,0,0,0x86,0x71,2,0x73,0x2e]));
 * // v is Map { 'a' => [1, 2.5] }
 * ```
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): unknown {
  const source = options.source ?? '<pickle>';
  const findClass = options.findClass ?? defaultFindClass;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  let opPos = 0;
  let opName = '';

  const fail = (message: string): never => {
    throw new CheckpointReadError('PICKLE_MALFORMED', source, `byte ${opPos}`, `${opName}: ${message}`);
  };
  const need = (n: number): void => {
    if (n < 0 || pos + n > bytes.length) fail(`needs ${n} byte(s) at offset ${pos}, but the pickle ends at ${bytes.length} (truncated?)`);
  };
  const readBytes = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const u8 = (): number => { need(1); return bytes[pos++]!; };
  const u16 = (): number => { need(2); const v = view.getUint16(pos, true); pos += 2; return v; };
  const u32 = (): number => { need(4); const v = view.getUint32(pos, true); pos += 4; return v; };
  const i32 = (): number => { need(4); const v = view.getInt32(pos, true); pos += 4; return v; };
  const u64 = (): number => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) fail(`length ${v} is larger than the whole pickle (${bytes.length} bytes)`);
    return Number(v);
  };
  const readLine = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('no newline before the end of the pickle');
    const line = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return line;
  };
  const pop = (): unknown => {
    const base = marks.length > 0 ? marks[marks.length - 1]! : 0;
    if (stack.length <= base) fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    const base = marks.length > 0 ? marks[marks.length - 1]! : 0;
    if (stack.length <= base) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail('no MARK on the stack');
    return stack.splice(m!);
  };
  const memoGet = (i: number): unknown => {
    if (!memo.has(i)) fail(`memo index ${i} was never stored`);
    return memo.get(i);
  };
  const call = (callable: unknown, args: readonly unknown[]): unknown => {
    if (isReducer(callable)) {
      try {
        return callable.reduce(args);
      } catch (err) {
        if (err instanceof CheckpointReadError) throw err;
        return fail(`${callable.name}(${args.length} argument(s)) failed: ${(err as Error).message}`);
      }
    }
    return new PyObject(callable, args);
  };
  const tuple = (items: unknown[]): readonly unknown[] => Object.freeze(items);
  const setItems = (target: unknown, kv: unknown[]): void => {
    if (kv.length % 2 !== 0) fail(`odd number of items (${kv.length}) for a dict`);
    const map = target instanceof Map ? target : target instanceof PyObject ? target.dictItems : undefined;
    if (!map) fail(`target is not a dict but ${describe(target)}`);
    for (let i = 0; i < kv.length; i += 2) map!.set(kv[i], kv[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[]): void => {
    if (Array.isArray(target) && !Object.isFrozen(target)) target.push(...items);
    else if (target instanceof PyObject) target.listItems.push(...items);
    else fail(`target is not a list but ${describe(target)}`);
  };
  const persistent = (pid: unknown): unknown => {
    if (!options.persistentLoad) fail('the pickle has a persistent id but no persistentLoad hook was given');
    return options.persistentLoad!(pid);
  };

  for (;;) {
    if (pos >= bytes.length) {
      opPos = pos;
      opName = 'end of data';
      fail('the pickle ends without STOP (truncated?)');
    }
    opPos = pos;
    const op = bytes[pos++]!;
    opName = OPCODE_NAMES[op] ?? '';
    switch (op) {
      case 0x80: { // PROTO
        const proto = u8();
        if (proto > 5) fail(`pickle protocol ${proto} is newer than 5`);
        break;
      }
      case 0x95: u64(); break; // FRAME: framing is transparent to a reader of the whole stream
      case 0x2e: { // STOP
        const result = pop();
        return result;
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: if (stack.length > 0 && marks.length > 0 && marks[marks.length - 1] === stack.length) marks.pop(); else pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(decodeLong(readBytes(u8()))); break; // LONG1
      case 0x8b: { const n = i32(); if (n < 0) fail(`negative length ${n}`); stack.push(decodeLong(readBytes(n))); break; } // LONG4
      case 0x49: { // INT (protocol 0); "I00"/"I01" are False/True
        const line = readLine().trim();
        if (line === '00') stack.push(false);
        else if (line === '01') stack.push(true);
        else if (/^[-+]?\d+$/.test(line)) stack.push(toPyInt(BigInt(line)));
        else fail(`not an integer: ${JSON.stringify(line)}`);
        break;
      }
      case 0x4c: { // LONG (protocol 0)
        const line = readLine().trim().replace(/L$/, '');
        if (!/^[-+]?\d+$/.test(line)) fail(`not an integer: ${JSON.stringify(line)}`);
        stack.push(toPyInt(BigInt(line)));
        break;
      }
      case 0x47: { need(8); stack.push(view.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT (big-endian)
      case 0x46: { // FLOAT (protocol 0)
        const line = readLine().trim();
        const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, nan: NaN, '+nan': NaN, '-nan': NaN };
        const v = special[line.toLowerCase()] ?? (line.length > 0 ? Number(line) : NaN);
        if (Number.isNaN(v) && !/^[-+]?nan$/i.test(line)) fail(`not a float: ${JSON.stringify(line)}`);
        stack.push(v);
        break;
      }
      case 0x58: stack.push(utf8.decode(readBytes(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(utf8.decode(readBytes(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8.decode(readBytes(u64()))); break; // BINUNICODE8
      case 0x56: stack.push(decodeRawUnicodeEscape(latin1Bytes(readLine()))); break; // UNICODE
      case 0x53: { // STRING (protocol 0): Python 2 str, read as text
        const line = readLine();
        try { stack.push(unquotePy2String(line.trim())); } catch (err) { fail((err as Error).message); }
        break;
      }
      case 0x54: { const n = i32(); if (n < 0) fail(`negative length ${n}`); stack.push(latin1.decode(readBytes(n))); break; } // BINSTRING
      case 0x55: stack.push(latin1.decode(readBytes(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(readBytes(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(readBytes(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(readBytes(u64()).slice()); break; // BINBYTES8
      case 0x96: stack.push(readBytes(u64()).slice()); break; // BYTEARRAY8
      case 0x29: stack.push(tuple([])); break; // EMPTY_TUPLE
      case 0x85: stack.push(tuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; } // TUPLE3
      case 0x74: stack.push(tuple(popMark())); break; // TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { const m = new Map(); setItems(m, popMark()); stack.push(m); break; } // DICT
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail(`target is not a set but ${describe(s)}`);
        for (const it of items) (s as Set<unknown>).add(it);
        break;
      }
      case 0x61: { const v = pop(); appendItems(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const kv = popMark(); setItems(top(), kv); break; } // SETITEMS
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x70: { const i = Number(readLine()); if (!Number.isInteger(i)) fail('bad memo index'); memo.set(i, top()); break; } // PUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET
      case 0x67: { const i = Number(readLine()); if (!Number.isInteger(i)) fail('bad memo index'); stack.push(memoGet(i)); break; } // GET
      case 0x63: { const module = readLine(); const name = readLine(); stack.push(findClass(module, name)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('module and name must be strings');
        stack.push(findClass(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        if (!Array.isArray(args)) fail(`arguments are ${describe(args)}, not a tuple`);
        stack.push(call(callable, args as unknown[]));
        break;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) fail(`arguments are ${describe(args)}, not a tuple`);
        stack.push(call(cls, args as unknown[]));
        break;
      }
      case 0x92: { // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs); kwargs kept as a trailing Map
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) fail(`arguments are ${describe(args)}, not a tuple`);
        stack.push(call(cls, kwargs instanceof Map && kwargs.size > 0 ? [...(args as unknown[]), kwargs] : (args as unknown[])));
        break;
      }
      case 0x6f: { // OBJ: MARK cls args... OBJ
        const items = popMark();
        if (items.length === 0) fail('no class on the stack');
        stack.push(call(items[0], items.slice(1)));
        break;
      }
      case 0x69: { // INST: MARK args... INST module\nname\n
        const module = readLine();
        const name = readLine();
        const args = popMark();
        stack.push(call(findClass(module, name), args));
        break;
      }
      case 0x62: { // BUILD: obj.__setstate__(state), recorded, never executed
        const state = pop();
        const obj = top();
        if (obj instanceof PyObject) obj.state = state;
        else if (isBuildable(obj)) obj.build(state);
        // Anything else (a Map, a tensor record, …) ignores its state: Python would set
        // attributes such as `_metadata` on an OrderedDict, which carry no weights.
        break;
      }
      case 0x51: stack.push(persistent(pop())); break; // BINPERSID
      case 0x50: stack.push(persistent(readLine())); break; // PERSID
      default: {
        const refused = REFUSED_OPCODE_NAMES[op];
        throw new CheckpointReadError(
          'PICKLE_UNKNOWN_OPCODE', source, `byte ${opPos}`,
          refused
            ? `opcode ${refused} (0x${op.toString(16).padStart(2, '0')}) is not supported by this data-only reader`
            : `unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}: the file is corrupt or not a pickle`,
        );
      }
    }
  }
}

/** Builds a {@link PyReducer}. */
export function reducer(name: string, reduce: (args: readonly unknown[]) => unknown): PyReducer {
  return { kind: 'reducer', name, reduce };
}

const DATA_REDUCERS: Readonly<Record<string, PyReducer>> = {
  'collections.OrderedDict': reducer('collections.OrderedDict', (args) => {
    const m = new Map<unknown, unknown>();
    const init = args[0];
    if (Array.isArray(init)) for (const kv of init) if (Array.isArray(kv) && kv.length === 2) m.set(kv[0], kv[1]);
    return m;
  }),
  '_codecs.encode': reducer('_codecs.encode', (args) => {
    const text = args[0];
    if (typeof text !== 'string') throw new Error(`expected a str, got ${describe(text)}`);
    return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  }),
  'builtins.set': reducer('builtins.set', (args) => new Set(Array.isArray(args[0]) ? args[0] : [])),
  'builtins.frozenset': reducer('builtins.frozenset', (args) => new Set(Array.isArray(args[0]) ? args[0] : [])),
  '__builtin__.set': reducer('__builtin__.set', (args) => new Set(Array.isArray(args[0]) ? args[0] : [])),
  '__builtin__.frozenset': reducer('__builtin__.frozenset', (args) => new Set(Array.isArray(args[0]) ? args[0] : [])),
};

/**
 * The default global resolver: Python's pure data constructors (`collections.OrderedDict`,
 * `builtins.set`/`frozenset`, `_codecs.encode` for protocol-0..2 bytes) become {@link PyReducer}s
 * that build Maps, Sets and Uint8Arrays; every other global becomes an inert {@link PyGlobal}.
 */
export function defaultFindClass(module: string, name: string): unknown {
  return DATA_REDUCERS[`${module}.${name}`] ?? new PyGlobal(module, name);
}

/** A value that wants to receive `BUILD` state (used by the torch layer for tensor metadata). */
export interface Buildable {
  build(state: unknown): void;
}

function isBuildable(v: unknown): v is Buildable {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Buildable>).build === 'function' && !(v instanceof Map);
}

function isReducer(v: unknown): v is PyReducer {
  return typeof v === 'object' && v !== null && (v as Partial<PyReducer>).kind === 'reducer';
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** A short description of an unpickled value, for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof Map) return `dict(${v.size} items)`;
  if (v instanceof Set) return `set(${v.size} items)`;
  if (isPyTuple(v)) return `tuple(${v.length} items)`;
  if (Array.isArray(v)) return `list(${v.length} items)`;
  if (v instanceof PyGlobal) return `global ${v.qualifiedName}`;
  if (v instanceof PyObject) return `object of ${v.callable instanceof PyGlobal ? v.callable.qualifiedName : describe(v.callable)}`;
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (typeof v === 'string') return `str ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object' && v !== null) return (v as object).constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}
