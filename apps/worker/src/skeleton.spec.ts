import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSkeletonActivities, greetingWorkflow, testWorkflowsPath } from '@seahorse/workflows/testing';
import { createSeahorseWorker } from './seahorse-worker.js';

describe('walking skeleton against the real Temporal dev server', () => {
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('runs greetingWorkflow, which calls the greet activity through an apps/worker worker', async () => {
    const taskQueue = `skeleton-${randomUUID()}`;
    const workflowId = `greeting-${randomUUID()}`;
    const { worker, connection: workerConnection } = await createSeahorseWorker({
      address: inject('temporalAddress'),
      taskQueue, activities: createSkeletonActivities(), workflowsPath: testWorkflowsPath(),
    });
    try {
      const result = await worker.runUntil(
        client.workflow.execute(greetingWorkflow, { taskQueue, workflowId, args: ['Ada'] }),
      );
      expect(result).toEqual({ greeting: 'Hello, Ada, from Seahorse', workerPid: process.pid, attempt: 1 });
    } finally {
      await workerConnection.close();
    }
    // The server recorded a real activity execution in the workflow's history.
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const kinds = (history.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')));
    expect(kinds).toContain('activityTaskScheduledEventAttributes');
    expect(kinds).toContain('activityTaskCompletedEventAttributes');
    expect(kinds).toContain('workflowExecutionCompletedEventAttributes');
  });
});
