import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject, it } from 'vitest';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli.ts');

it('seahorse worker serves its task queues and stops gracefully on SIGTERM with exit code 0', async () => {
  const child = spawn(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', cli, 'worker', '--address', inject('temporalAddress'), '--task-queue', 'wq-a,wq-b'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  while (!out.includes('serving task queue') && Date.now() < deadline) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(out).toMatch(/serving task queue\(s\) 'wq-a', 'wq-b'/);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(out).toContain('seahorse worker: stopped');
}, 180_000);

it('seahorse worker --run-root refuses to start, naming the folder, when this worker cannot see it', async () => {
  const missing = path.join(path.dirname(cli), 'no-such-shared-folder');
  const child = spawn(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', cli, 'worker', '--address', inject('temporalAddress'), '--run-root', missing], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  expect(code).toBe(2);
  expect(out).toContain(`run root ${missing} does not exist here on this worker`);
  expect(out).not.toContain('serving task queue');
}, 180_000);
