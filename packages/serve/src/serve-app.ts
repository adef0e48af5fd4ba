// The HTTP service: InnerEye-Inference's routes on fastify, every input checked with zod, each
// start a Temporal workflow. Its only state is the run folders (RunStore) and Temporal.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError, errorBody, type ErrorStatus } from './api-errors.js';
import { AUTH_HEADER } from './auth.js';
import { ModelId, type ModelRegistry } from './model-registry.js';
import { openApiDocument } from './openapi.js';
import { BodyTooLargeError, newRunId, RUN_FILES, RunIdParam, type RunStore, type StoredRunState } from './run-store.js';
import { DEFAULT_ZIP_LIMITS, inspectZip, ZipRefusedError, type ZipLimits } from './zip-archive.js';
import type { ServePhase, ServeRequestInput } from './workflows/serve-request.js';
import path from 'node:path';

/** Limits of the service. */
export const ServeLimits = z.object({
  /** Largest request body, in bytes. Default 1 GiB. */
  maxBodyBytes: z.number().int().positive().default(1024 ** 3),
  /** Most runs accepted and not finished; past it a start gets 503. Default 4. */
  maxInFlight: z.number().int().positive().default(4),
  /** `Retry-After` of a 503, in seconds. Default 30. */
  retryAfterSeconds: z.number().int().positive().default(30),
  /** How long results and failures are kept after they are written, in ms. Default 7 days. */
  retentionMs: z.number().int().positive().default(7 * 24 * 3_600_000),
});
export type ServeLimits = z.output<typeof ServeLimits>;

/** Everything the app needs. */
export interface ServeAppOptions {
  store: RunStore;
  registry: ModelRegistry;
  /** True when the header's value is the secret (see `secretChecker`). */
  checkSecret: (candidate: string) => boolean;
  temporal: { client: Client; taskQueue: string; inferenceTaskQueue?: string };
  /** Settings of each run's workflow (attempts, timeouts); defaults are the workflow's. */
  workflow?: Pick<ServeRequestInput, 'maxAttempts' | 'inferenceTimeoutS' | 'heartbeatTimeoutS'>;
  limits?: Partial<ServeLimits>;
  zipLimits?: ZipLimits;
  /** One line per request: method, route path, status, ms (never a body or a query string). */
  log?: (line: string) => void;
}

const WORKFLOW_TYPE = 'serveRequest';
const EMPTY_HTML = 'text/html; charset=utf-8';

/** The JSON the status route answers. */
export interface RunStatusBody {
  runId: string;
  modelId: string;
  receivedAt: string;
  state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** While running: the step (unpacking, segmenting, packaging); null when unknown. */
  phase: ServePhase | null;
  failure?: { code: string; detail: string };
}

function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  return reply.code(err.status).type('application/json').send(err.body());
}

/** The service's paths and their methods (GET routes answer HEAD too). */
const ROUTE_METHODS: readonly [RegExp, readonly string[]][] = [
  [/^\/(?:openapi\.json|v1\/ping)?$/, ['GET', 'HEAD']],
  [/^\/v1\/model\/start\/[^/]+$/, ['POST']],
  [/^\/v1\/model\/(?:results|status)\/[^/]+$/, ['GET', 'HEAD']],
];

/** The methods `url`'s path has, or `undefined` when the service has no such path. */
function allowedMethods(urlPath: string): readonly string[] | undefined {
  return ROUTE_METHODS.find(([re]) => re.test(urlPath))?.[1];
}

/** Serialises starts' admission, so N concurrent starts cannot all pass an "N-1 in flight" check. */
class Admission {
  private chain: Promise<unknown> = Promise.resolve();
  reserved = 0;
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** Builds the service (not yet listening). Call `recoverRuns` after `listen` to restart interrupted runs. */
export function createServeApp(options: ServeAppOptions): FastifyInstance & { recoverRuns(): Promise<string[]>; sweep(): string[] } {
  const limits = ServeLimits.parse(options.limits ?? {});
  const zipLimits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;
  const { store, registry, temporal } = options;
  const admission = new Admission();
  const app = Fastify({ logger: false, bodyLimit: limits.maxBodyBytes });

  app.addHook('onResponse', async (req, reply) => {
    options.log?.(`${req.method} ${req.routeOptions.url ?? '(no route)'} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`);
  });
  // A known path with a method it does not have: 405 with Allow (as Flask answers InnerEye's
  // routes), before any body is parsed; other unknown routes: 404.
  app.addHook('onRequest', async (req) => {
    if (!req.is404) return;
    const allowed = allowedMethods(req.url.split('?')[0] ?? '');
    if (allowed) throw new ApiError(405, undefined, undefined, { Allow: allowed.join(', ') });
  });
  app.setNotFoundHandler((_req, reply) => sendError(reply, new ApiError(404)));
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err);
    if (err.statusCode === 413 || err instanceof BodyTooLargeError) return sendError(reply, new ApiError(413));
    if (err.statusCode === 415) return sendError(reply, new ApiError(415));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return sendError(reply, new ApiError(400, undefined, err.message));
    options.log?.(`internal error: ${err.name}`);
    return sendError(reply, new ApiError(500));
  });

  const authenticate = async (req: FastifyRequest) => {
    const value = req.headers[AUTH_HEADER.toLowerCase()];
    if (value === undefined) throw new ApiError(401);
    if (typeof value !== 'string' || !options.checkSecret(value)) throw new ApiError(403);
  };

  const startWorkflow = async (runId: string, modelId: string) => {
    const model = registry.get(modelId)!;
    const input: ServeRequestInput = {
      ...options.workflow, runId, runDir: store.runDir(runId), modelId, modelDir: model.folder,
      ...(temporal.inferenceTaskQueue ? { inferenceTaskQueue: temporal.inferenceTaskQueue } : {}),
    };
    await temporal.client.workflow.start(WORKFLOW_TYPE, {
      workflowId: runId, taskQueue: temporal.taskQueue, args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  };

  /** The workflow's state, or `undefined` when Temporal does not know the run. */
  const describe = async (runId: string) => {
    try {
      return (await temporal.client.workflow.getHandle(runId).describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };

  // Results and failures past the retention are deleted while the service runs.
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    sweeper = setInterval(() => {
      try {
        store.sweep(limits.retentionMs);
      } catch (err) {
        options.log?.(`retention sweep failed: ${(err as Error).name}`);
      }
    }, Math.max(50, Math.min(limits.retentionMs / 2, 60_000)));
    sweeper.unref();
  });
  app.addHook('onClose', async () => clearInterval(sweeper));

  app.get('/', async () => ({ status: 'Healthy' }));
  app.get('/openapi.json', async () => openApiDocument(limits));

  app.register(async (v1) => {
    v1.addHook('onRequest', authenticate);
    // The start body is raw bytes whatever its declared type (curl --data-binary sends
    // application/x-www-form-urlencoded): hand the stream to the route unparsed.
    v1.removeAllContentTypeParsers();
    v1.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

    v1.get('/ping', async (_req, reply) => reply.code(200).type(EMPTY_HTML).send(''));

    v1.post('/model/start/:modelId', async (req, reply) => {
      const { modelId } = z.object({ modelId: z.string() }).parse(req.params);
      if (!ModelId.safeParse(modelId).success || !registry.get(modelId)) throw new ApiError(404, 'InvalidModelId');
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > limits.maxBodyBytes) throw new ApiError(413, 'ZipTooLarge');
      // Admission: runs in flight on disk plus starts being received here.
      await admission.run(() => {
        if (store.inFlight().length + admission.reserved >= limits.maxInFlight) {
          throw new ApiError(503, 'TooManyRuns', undefined, { 'Retry-After': String(limits.retryAfterSeconds) });
        }
        admission.reserved++;
      });
      const runId = newRunId();
      try {
        const body = req.body as Readable | undefined;
        if (!body) throw new ApiError(400, 'InvalidZipFile', 'The request has no body: send the zip as the raw body (curl --data-binary @study.zip).');
        let bytes: number;
        try {
          bytes = await store.storeUpload(runId, modelId, body, limits.maxBodyBytes);
        } catch (err) {
          if (err instanceof BodyTooLargeError) throw new ApiError(413, 'ZipTooLarge');
          throw err;
        }
        try {
          await inspectZip(path.join(store.runDir(runId), RUN_FILES.upload), bytes, zipLimits);
        } catch (err) {
          store.discard(runId);
          if (err instanceof ZipRefusedError) throw new ApiError(400, 'InvalidZipFile', err.message);
          throw err;
        }
        await startWorkflow(runId, modelId);
      } finally {
        admission.reserved--;
      }
      return reply.code(201).type('text/plain').send(runId);
    });

    const runOf = (params: unknown) => {
      const { runId } = z.object({ runId: z.string() }).parse(params);
      const stored = RunIdParam.safeParse(runId).success ? store.read(runId) : { kind: 'unknown' as const };
      if (stored.kind === 'unknown') throw new ApiError(404, 'InvalidRunId');
      return { runId, stored };
    };

    v1.get('/model/results/:runId', async (req, reply) => {
      const { runId, stored } = runOf(req.params);
      let state: StoredRunState = stored;
      if (state.kind === 'pending') {
        const status = await describe(runId);
        if (status === 'RUNNING') return reply.code(202).type(EMPTY_HTML).send('');
        if (status === undefined) {
          // Accepted but never started (the service stopped in between): start it now.
          await startWorkflow(runId, state.request.modelId);
          return reply.code(202).type(EMPTY_HTML).send('');
        }
        state = store.read(runId); // it may have finished between the two reads
        if (state.kind === 'pending') {
          throw new ApiError(500, status === 'CANCELLED' || status === 'TERMINATED' ? 'RunCancelled' : undefined);
        }
      }
      if (state.kind === 'succeeded') return reply.code(200).type('application/zip').send(createReadStream(state.resultFile));
      if (state.kind === 'failed') {
        const { code, detail } = state.failure;
        if (code === 'InvalidZipFile') throw new ApiError(400, 'InvalidZipFile', detail);
        throw new ApiError(500, code === 'RunCancelled' ? 'RunCancelled' : undefined);
      }
      throw new ApiError(404, 'InvalidRunId');
    });

    v1.get('/model/status/:runId', async (req, reply) => {
      const { runId, stored } = runOf(req.params);
      const body: RunStatusBody = { runId, modelId: stored.request.modelId, receivedAt: stored.request.receivedAt, state: 'running', phase: null };
      if (stored.kind === 'succeeded') Object.assign(body, { state: 'succeeded', phase: 'finished' });
      else if (stored.kind === 'failed') {
        Object.assign(body, { state: stored.failure.code === 'RunCancelled' ? 'cancelled' : 'failed', phase: 'finished',
          failure: { code: stored.failure.code, detail: stored.failure.detail } });
      } else {
        body.phase = await Promise.race([
          temporal.client.workflow.getHandle(runId).query<ServePhase>('servePhase').catch(() => null),
          new Promise<null>((r) => setTimeout(() => r(null), 2_000).unref()),
        ]);
      }
      return reply.code(200).send(body);
    });
  }, { prefix: '/v1' });

  return Object.assign(app, {
    /** Starts the workflow of every accepted, unfinished run that Temporal does not know (idempotent). */
    async recoverRuns(): Promise<string[]> {
      const started: string[] = [];
      for (const runId of store.inFlight()) {
        const stored = store.read(runId);
        if (stored.kind !== 'pending' || (await describe(runId)) !== undefined) continue;
        if (!registry.get(stored.request.modelId)) continue;
        await startWorkflow(runId, stored.request.modelId);
        started.push(runId);
      }
      return started;
    },
    /** Deletes runs past the retention. */
    sweep(): string[] {
      return store.sweep(limits.retentionMs);
    },
  });
}

export type ServeApp = ReturnType<typeof createServeApp>;
export type { ErrorStatus };
export { errorBody };
