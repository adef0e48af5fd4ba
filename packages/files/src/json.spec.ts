import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonNumber, readJsonFile, stringifyJson, writeJsonAtomic } from './json.js';
import { sha256File, sha256Hex } from './hash.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Row = z.object({ structure: z.string(), dice: jsonNumber(), hd: jsonNumber(), md: jsonNumber() });

describe('JSON with non-finite numbers', () => {
  it('writes NaN and ±Infinity as strings, two-space indented with a final newline', () => {
    expect(stringifyJson({ structure: 'L', dice: NaN, hd: Infinity, md: -Infinity, n: 0.5 }))
      .toBe('{\n  "structure": "L",\n  "dice": "NaN",\n  "hd": "Infinity",\n  "md": "-Infinity",\n  "n": 0.5\n}\n');
  });

  it('reads them back through the schema, and a string field that reads "NaN" stays a string', () => {
    const file = path.join(dir, 'row.json');
    writeJsonAtomic(file, { structure: 'NaN', dice: NaN, hd: Infinity, md: -Infinity });
    const r = readJsonFile(file, Row);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.value.structure).toBe('NaN');
    expect(r.value.dice).toBeNaN();
    expect(r.value.hd).toBe(Infinity);
    expect(r.value.md).toBe(-Infinity);
  });

  it('says missing, torn and foreign files apart, naming the field', () => {
    expect(readJsonFile(path.join(dir, 'none.json'), Row)).toEqual({ status: 'missing' });
    writeFileSync(path.join(dir, 'torn.json'), '{"structure": "L", "di');
    expect(readJsonFile(path.join(dir, 'torn.json'), Row)).toMatchObject({ status: 'invalid', reason: expect.stringContaining('not valid JSON') });
    writeFileSync(path.join(dir, 'foreign.json'), JSON.stringify({ structure: 'L', dice: 'high', hd: 1, md: 1 }));
    expect(readJsonFile(path.join(dir, 'foreign.json'), Row)).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/^dice: /) });
  });
});

describe('sha256', () => {
  it("of bytes, of text (UTF-8) and of a file's bytes, streamed", async () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
    const file = path.join(dir, 'bytes.bin');
    const bytes = Buffer.alloc(9 * 1024 * 1024 + 3, 1);
    writeFileSync(file, bytes);
    expect(await sha256File(file)).toBe(sha256Hex(bytes));
    await expect(sha256File(path.join(dir, 'missing.bin'))).rejects.toThrow(/ENOENT/);
  });
});
