import { describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { EXIT } from './cli-error.js';

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
});
