// Starts the production-like cluster (PostgreSQL + Temporal server v1.29.1) for the production
// tests and hands its folder to them; they restart its server and database as faults.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { TemporalCluster } from '@seahorse/workflows';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let cluster: TemporalCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  const dir = process.env.SEAHORSE_TEST_CLUSTER_DIR ?? path.join(root, '.tools', 'temporal-cluster-test');
  cluster = await TemporalCluster.start({ dir });
  project.provide('clusterDir', dir);
  project.provide('temporalAddress', cluster.address);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    clusterDir: string;
  }
}
