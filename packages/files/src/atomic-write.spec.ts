import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriteError, writeFileAtomic } from './atomic-write.js';
import { sha256Hex } from './hash.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes text and bytes, creates the folder when asked, replaces an old file, and leaves no temporary file', () => {
    const folder = path.join(dir, 'a', 'b');
    const file = path.join(folder, 'metrics.csv');
    expect(() => writeFileAtomic(file, 'old\n')).toThrow(/metrics\.csv: ENOENT/);
    writeFileAtomic(file, 'old\n', { createFolder: true });
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    writeFileAtomic(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    // A view into a larger buffer: exactly its bytes are written.
    const floats = Float32Array.from([1, 2, 3]);
    const view = new Uint8Array(floats.buffer, 4, 8);
    writeFileAtomic(path.join(folder, 'data.bin'), view);
    expect([...readFileSync(path.join(folder, 'data.bin'))]).toEqual([...view]);
    expect(readdirSync(folder).sort()).toEqual(['data.bin', 'metrics.csv']);
  });

  it('fails with a FileWriteError naming the file, keeps the old content and removes its temporary file', () => {
    const folder = path.join(dir, 'fail');
    mkdirSync(path.join(folder, 'target'), { recursive: true });
    writeFileSync(path.join(folder, 'target', 'inside'), 'x');
    let err: unknown;
    try { writeFileAtomic(path.join(folder, 'target'), 'text'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FileWriteError);
    expect((err as FileWriteError).code).toBe('WRITE_FAILED');
    expect((err as Error).message).toContain(path.join(folder, 'target'));
    expect(statSync(path.join(folder, 'target')).isDirectory()).toBe(true);
    expect(readdirSync(folder)).toEqual(['target']);
    // A folder that is a file: nothing to create, nothing left.
    writeFileSync(path.join(folder, 'plain'), 'x');
    expect(() => writeFileAtomic(path.join(folder, 'plain', 'metrics.csv'), 'y')).toThrow(FileWriteError);
    expect(readdirSync(folder).sort()).toEqual(['plain', 'target']);
  });

  it('a writer killed with SIGKILL mid-write leaves the old file whole, never a partial one', async () => {
    const file = path.join(dir, 'big.bin');
    writeFileSync(file, 'old content');
    const size = 256 * 1024 * 1024;
    const script = `
      const { writeFileAtomic } = await import(${JSON.stringify(new URL('./atomic-write.ts', import.meta.url).href)});
      const data = Buffer.alloc(${size}, 7);
      process.stdout.write('writing\\n');
      for (;;) writeFileAtomic(${JSON.stringify(file)}, data);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('writing') && resolve()));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const content = readFileSync(file);
    const whole = content.length === size ? sha256Hex(content) === sha256Hex(Buffer.alloc(size, 7)) : content.toString() === 'old content';
    expect(whole, `destination holds ${content.length} bytes`).toBe(true);
  }, 60_000);
});
