// Starts one real Temporal dev server for this project's tests and hands its address to them.
import type { TestProject } from 'vitest/node';
import { DevServer } from '@seahorse/workflows';

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await DevServer.start();
  project.provide('temporalAddress', server.address);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}
