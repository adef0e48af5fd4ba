import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonIfValid, subjectFolderName, writeJsonAtomic } from './run-files.js';

describe('run files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-runfiles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps NaN and ±Infinity (metrics of empty masks) through a JSON round trip, and leaves no temp file', () => {
    const file = path.join(dir, 'a', 'metrics.json');
    writeJsonAtomic(file, { dice: NaN, hd: Infinity, low: -Infinity, ok: 0.5, name: 'x' });
    expect(readJsonIfValid(file)).toEqual({ dice: NaN, hd: Infinity, low: -Infinity, ok: 0.5, name: 'x' });
    expect(readFileSync(file, 'utf8')).toContain('"hd": "Infinity"');
    expect(readdirSync(path.dirname(file))).toEqual(['metrics.json']);
  });

  it('treats a torn or missing file as no result', () => {
    const torn = path.join(dir, 'torn.json');
    writeFileSync(torn, '{"key": "abc", "ro');
    expect(readJsonIfValid(torn)).toBeUndefined();
    expect(readJsonIfValid(path.join(dir, 'missing.json'))).toBeUndefined();
  });

  it('makes subject ids safe folder names that cannot leave the subjects folder', () => {
    expect(subjectFolderName('007')).toBe('007');
    expect(subjectFolderName('../../etc')).toBe('..%2f..%2fetc');
    expect(subjectFolderName('..')).toBe('%2e.');
    expect(subjectFolderName('a b/c')).toBe('a%20b%2fc');
  });
});
