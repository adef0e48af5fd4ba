import { execFileSync } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { DevServer, freePort } from './dev-server.js';
import { resolveTemporalCli, TEMPORAL_CLI_VERSION } from './temporal-cli.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('DevServer', () => {
  it('uses the pinned Temporal CLI build', () => {
    const out = execFileSync(resolveTemporalCli(), ['--version'], { encoding: 'utf8' });
    expect(out).toMatch(new RegExp(`^temporal version ${TEMPORAL_CLI_VERSION.replaceAll('.', '\\.')} `));
  });

  it('starts healthy on free ports with a working namespace, and stop() leaves no process behind', async () => {
    const server = await DevServer.start({ namespace: 'seahorse-test' });
    const pid = server.pid!;
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.uiUrl).toBeUndefined();
    const connection = await Connection.connect({ address: server.address });
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'seahorse-test' });
      expect(ns.namespaceInfo?.name).toBe('seahorse-test');
    } finally {
      await connection.close();
    }
    expect(alive(pid)).toBe(true);
    await server.stop();
    expect(server.running).toBe(false);
    expect(alive(pid)).toBe(false);
  });

  it('serves the Web UI when asked', async () => {
    const server = await DevServer.start({ ui: true });
    try {
      expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      let status = 0;
      for (let i = 0; i < 40 && status !== 200; i++) {
        status = await fetch(server.uiUrl!).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('fails with the server output when the port is taken', async () => {
    const server = await DevServer.start();
    try {
      await expect(DevServer.start({ port: server.port, startTimeoutMs: 20_000 })).rejects.toThrow(/Temporal dev server/);
    } finally {
      await server.stop();
    }
  });

  it('names the install command when the binary is missing', async () => {
    await expect(DevServer.start({ temporalCli: '/nonexistent/temporal' })).rejects.toThrow(/could not start.*ENOENT/);
    const saved = process.env.SEAHORSE_TEMPORAL_CLI;
    process.env.SEAHORSE_TEMPORAL_CLI = '/nonexistent/temporal';
    try {
      expect(() => resolveTemporalCli()).toThrow(/SEAHORSE_TEMPORAL_CLI=\/nonexistent\/temporal: no such file/);
    } finally {
      if (saved === undefined) delete process.env.SEAHORSE_TEMPORAL_CLI;
      else process.env.SEAHORSE_TEMPORAL_CLI = saved;
    }
  });

  it('freePort returns distinct usable ports', async () => {
    const a = await freePort();
    const b = await freePort();
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });
});
