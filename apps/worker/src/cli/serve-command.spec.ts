import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { EXIT } from './cli-error.js';
import { demoModelDir } from './demo-command.js';

async function run(args: string[]) {
  const lines: string[] = [];
  const code = await runCli(args, (l) => lines.push(l));
  return { code, lines };
}

describe('seahorse serve: refused before anything starts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-serve-cli-'));
  const saved = { ...process.env };
  beforeAll(() => {
    for (const k of ['API_AUTH_SECRET', 'CUSTOMCONNSTR_API_AUTH_SECRET', 'API_AUTH_SECRET_FILE']) delete process.env[k];
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('without a secret: exit 2, naming where it is looked for (never an argument)', async () => {
    const { code, lines } = await run(['serve', '--models', demoModelDir(), '--data', dir]);
    expect(code).toBe(EXIT.usage);
    expect(lines[0]).toMatch(/^seahorse: error: no secret: set API_AUTH_SECRET .*API_AUTH_SECRET_FILE/);
  });

  it('a secret file with a short secret: exit 2', async () => {
    const file = path.join(dir, 'secret');
    writeFileSync(file, 'short\n');
    const { code, lines } = await run(['serve', '--models', demoModelDir(), '--data', dir, '--secret-file', file]);
    expect(code).toBe(EXIT.usage);
    expect(lines[0]).toMatch(/5 characters; at least 16/);
  });

  it('a registry without a model: exit 2, naming the folder', async () => {
    process.env.API_AUTH_SECRET = 'a-long-enough-secret-value';
    const empty = path.join(dir, 'no-models');
    mkdirSync(empty);
    const { code, lines } = await run(['serve', '--models', empty, '--data', dir]);
    expect(code).toBe(EXIT.usage);
    expect(lines[0]).toMatch(/--models: .*no-models: \(folder\): holds no model package/);
  });

  it('a bad --port: exit 2', async () => {
    process.env.API_AUTH_SECRET = 'a-long-enough-secret-value';
    const { code } = await run(['serve', '--models', demoModelDir(), '--data', dir, '--port', 'eighty']);
    expect(code).toBe(EXIT.usage);
  });
});
