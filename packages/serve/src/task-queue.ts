/** The task queue of the service's workflow and activities unless told otherwise. */
export const SERVE_TASK_QUEUE = 'seahorse-serve';
