// Test fixture (never registered in production): the walking skeleton's workflows. Workflow code:
// runs in Temporal's deterministic sandbox. Only @temporalio/workflow at run time;
// activities are imported as types.
import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { GreetingReport, SkeletonActivities } from './skeleton-activities.test-helpers.js';

const { greet } = proxyActivities<SkeletonActivities>({ startToCloseTimeout: '1 minute' });

/** The walking skeleton: one workflow that calls one activity. */
export async function greetingWorkflow(name: string): Promise<GreetingReport> {
  return await greet(name);
}

/** State of {@link tallyWorkflow}, returned by its query and its result. */
export interface TallyState {
  label: string;
  values: number[];
  total: number;
  finished: boolean;
}

/** Adds a value to the tally. */
export const addSignal = defineSignal<[number]>('add');
/** Ends the tally workflow. */
export const finishSignal = defineSignal('finish');
/** Reads the tally's current state. */
export const tallyQuery = defineQuery<TallyState>('tally');

/**
 * Waits on signals and keeps state in workflow memory: the durability check. Its state must
 * survive a restart of the Temporal server (the server replays the history to rebuild it).
 */
export async function tallyWorkflow(label: string): Promise<TallyState> {
  const state: TallyState = { label, values: [], total: 0, finished: false };
  setHandler(addSignal, (v) => {
    state.values.push(v);
    state.total += v;
  });
  setHandler(finishSignal, () => {
    state.finished = true;
  });
  setHandler(tallyQuery, () => state);
  await condition(() => state.finished);
  return state;
}
