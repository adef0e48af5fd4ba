import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { greetingWorkflow } from '@seahorse/workflows';
import { z } from 'zod';
import { createSeahorseWorker } from '../seahorse-worker.js';
import { openTemporalTarget, TemporalTargetOptions } from './temporal-target.js';

export const DemoOptions = TemporalTargetOptions.extend({
  out: z.string().min(1).default('demo-out'),
  name: z.string().min(1).max(200).default('researcher'),
});
export type DemoOptions = z.infer<typeof DemoOptions>;

/**
 * `seahorse demo`: the end-to-end job on a fresh machine. For now it runs the walking skeleton
 * (one workflow, one activity) durably on the embedded Temporal dev server, with an in-process
 * worker, and prints what happened and where to look.
 */
export async function demoCommand(raw: unknown, log: (line: string) => void = console.log): Promise<void> {
  const options = DemoOptions.parse(raw);
  const out = path.resolve(options.out);
  log(`seahorse demo: output folder ${out}`);
  const target = await openTemporalTarget(options, path.join(out, '.temporal'));
  try {
    if (target.embedded) log(`Temporal dev server ${target.address} (Web UI ${target.embedded.uiUrl})`);
    const taskQueue = `seahorse-demo-${randomUUID().slice(0, 8)}`;
    const { worker, connection } = await createSeahorseWorker({ address: target.address, namespace: target.namespace, taskQueue });
    const workflowId = `seahorse-demo-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      const report = await worker.runUntil(
        target.client.workflow.execute(greetingWorkflow, { taskQueue, workflowId, args: [options.name] }),
      );
      const history = await target.client.workflow.getHandle(workflowId).fetchHistory();
      log(`workflow ${workflowId} completed: "${report.greeting}" (activity ran in worker pid ${report.workerPid}, attempt ${report.attempt}, ${history.events?.length ?? 0} history events)`);
      if (target.embedded?.uiUrl) log(`inspect it: ${target.embedded.uiUrl}/namespaces/${target.namespace}/workflows/${workflowId}`);
    } finally {
      await connection.close();
    }
  } finally {
    await target.close();
  }
}
