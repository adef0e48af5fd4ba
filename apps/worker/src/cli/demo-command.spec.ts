import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { demoCommand } from './demo-command.js';

it('seahorse demo runs the skeleton on an embedded dev server with its database under --out', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'seahorse-demo-'));
  try {
    const lines: string[] = [];
    await demoCommand({ out, name: 'Grace' }, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/Web UI http:\/\/127\.0\.0\.1:\d+/);
    expect(lines.join('\n')).toMatch(/completed: "Hello, Grace, from Seahorse" \(activity ran in worker pid \d+, attempt 1, \d+ history events\)/);
    expect(existsSync(path.join(out, '.temporal', 'temporal.db'))).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
