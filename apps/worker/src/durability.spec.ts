import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { DevServer } from '@seahorse/workflows';
import { addSignal, createSkeletonActivities, finishSignal, tallyQuery, tallyWorkflow, testWorkflowsPath, type TallyState } from '@seahorse/workflows/testing';
import { createSeahorseWorker, type SeahorseWorker } from './seahorse-worker.js';

/** A client and a running worker against one server. */
async function attach(server: DevServer, taskQueue: string) {
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const w: SeahorseWorker = await createSeahorseWorker({ address: server.address, taskQueue, activities: createSkeletonActivities(), workflowsPath: testWorkflowsPath() });
  const running = w.worker.run();
  return {
    client,
    async detach() {
      w.worker.shutdown();
      await running;
      await w.connection.close();
      await connection.close();
    },
  };
}

async function queryUntil(client: Client, workflowId: string, done: (s: TallyState) => boolean): Promise<TallyState> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await client.workflow.getHandle(workflowId).query(tallyQuery);
    if (done(state) || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('durability: a waiting workflow survives a dev-server restart on the same --db-filename', () => {
  const dirs: string[] = [];
  const servers: DevServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['a clean stop (SIGTERM)', (s: DevServer) => s.stop()],
    ['a crash (SIGKILL)', (s: DevServer) => s.kill()],
  ])('keeps workflow state across %s of the server', async (_label, takeDown) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-durability-'));
    dirs.push(dir);
    const dbFilename = path.join(dir, 'temporal.db');
    const taskQueue = `durability-${randomUUID()}`;
    const workflowId = `tally-${randomUUID()}`;

    // 1. Start a workflow that waits on a signal, and give it some state.
    const first = await DevServer.start({ dbFilename });
    servers.push(first);
    const a = await attach(first, taskQueue);
    await a.client.workflow.start(tallyWorkflow, { taskQueue, workflowId, args: ['before-restart'] });
    await a.client.workflow.getHandle(workflowId).signal(addSignal, 2);
    await a.client.workflow.getHandle(workflowId).signal(addSignal, 3);
    expect((await queryUntil(a.client, workflowId, (s) => s.values.length === 2)).values).toEqual([2, 3]);
    await a.detach();

    // 2. Stop the server: it is really gone.
    await takeDown(first);
    expect(first.running).toBe(false);
    expect(existsSync(dbFilename)).toBe(true);
    await expect(Connection.connect({ address: first.address, connectTimeout: 1_000 })).rejects.toThrow();

    // 3. Restart it on the same database file (a new port, a new worker with an empty cache).
    const second = await DevServer.start({ dbFilename });
    servers.push(second);
    const b = await attach(second, taskQueue);
    try {
      // 4. The state was rebuilt from the persisted history; signal it to completion.
      const rebuilt = await queryUntil(b.client, workflowId, (s) => s.values.length === 2);
      expect(rebuilt).toEqual({ label: 'before-restart', values: [2, 3], total: 5, finished: false });
      await b.client.workflow.getHandle(workflowId).signal(addSignal, 5);
      await b.client.workflow.getHandle(workflowId).signal(finishSignal);
      const result = await b.client.workflow.getHandle(workflowId).result();
      expect(result).toEqual({ label: 'before-restart', values: [2, 3, 5], total: 10, finished: true });
    } finally {
      await b.detach();
    }
  });
});
