// Test fixture (never registered in production): the walking skeleton's activity.
import { activityInfo } from '@temporalio/activity';

/** What the walking-skeleton activity reports: proof that a worker process really ran it. */
export interface GreetingReport {
  greeting: string;
  workerPid: number;
  attempt: number;
}

/**
 * Activities of the walking skeleton. Built by a factory, like every Seahorse activity set,
 * so the worker can inject dependencies.
 */
export function createSkeletonActivities() {
  return {
    /** Greets `name`; returns the worker's pid so tests see which process ran it. */
    async greet(name: string): Promise<GreetingReport> {
      return { greeting: `Hello, ${name}, from Seahorse`, workerPid: process.pid, attempt: activityInfo().attempt };
    },
  };
}

export type SkeletonActivities = ReturnType<typeof createSkeletonActivities>;
