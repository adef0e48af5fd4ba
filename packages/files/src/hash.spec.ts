import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { sha256File, sha256Path } from './hash.js';

it('sha256Path: a file hashes as sha256File; a folder changes with any file name or content', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-hash-'));
  mkdirSync(path.join(dir, 'series', 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'series', 'a.dcm'), 'a');
  writeFileSync(path.join(dir, 'series', 'sub', 'b.dcm'), 'b');
  const file = path.join(dir, 'series', 'a.dcm');
  expect(await sha256Path(file)).toBe(await sha256File(file));
  const before = await sha256Path(path.join(dir, 'series'));
  expect(await sha256Path(path.join(dir, 'series'))).toBe(before);
  writeFileSync(path.join(dir, 'series', 'sub', 'b.dcm'), 'B');
  const changed = await sha256Path(path.join(dir, 'series'));
  expect(changed).not.toBe(before);
  renameSync(path.join(dir, 'series', 'a.dcm'), path.join(dir, 'series', 'c.dcm'));
  expect(await sha256Path(path.join(dir, 'series'))).not.toBe(changed);
});
