import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { EXIT } from './cli-error.js';
import { demoModelDir } from './demo-command.js';

async function run(args: string[]) {
  const lines: string[] = [];
  const code = await runCli(args, (l) => lines.push(l));
  return { code, lines };
}

describe('seahorse CLI errors', () => {
  it('rejects a malformed --address with one line and exit code 2', async () => {
    const { code, lines } = await run(['worker', '--address', 'not an address']);
    expect(code).toBe(EXIT.usage);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^seahorse: error: .*expected host:port/);
    expect(lines[0]).not.toMatch(/\n|at .*\.ts:\d+/);
  });

  it('reports an unreachable Temporal server with exit code 3', async () => {
    const { code, lines } = await run(['worker', '--address', '127.0.0.1:1']);
    expect(code).toBe(EXIT.temporal);
    expect(lines[0]).toMatch(/^seahorse: error: cannot start worker against 127\.0\.0\.1:1/);
  });

  it('reports bad input (a corrupt scan) as one line naming the file, with exit code 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-cli-bad-'));
    try {
      const scan = path.join(dir, 'corrupt.nii.gz');
      writeFileSync(scan, 'not a NIfTI file');
      const { code, lines } = await run(['segment', scan, '--model', demoModelDir(), '--out', path.join(dir, 'out'), '--threads', '1']);
      expect(code).toBe(EXIT.usage);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^seahorse: error: .*corrupt\.nii\.gz/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
