// The OpenAPI 3.0 document the service serves at /openapi.json: InnerEye-Inference's routes, its
// error bodies, and Seahorse's additions (the status route, 413 and 503).
import { ERROR_CODES, ERROR_TITLES } from './api-errors.js';

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const authErrors = { 401: error('The API_AUTH_SECRET header is missing'), 403: error('The API_AUTH_SECRET header is wrong') };
const runIdParam = { name: 'run_id', in: 'path', required: true, schema: { type: 'string' }, description: 'The run id a start returned' };

/** The document, with the service's body limit stated. */
export function openApiDocument(limits: { maxBodyBytes: number; retryAfterSeconds: number }) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Seahorse serve (InnerEye-Inference compatible)',
      version: '1',
      description: 'Send a zip of one DICOM series, poll for the structure set (a zip holding segmentation.dcm, an RTSTRUCT).',
    },
    components: {
      securitySchemes: { ApiAuthSecret: { type: 'apiKey', in: 'header', name: 'API_AUTH_SECRET' } },
      schemas: {
        Error: {
          type: 'object', required: ['code', 'status', 'title', 'detail'],
          properties: {
            code: { type: 'string', enum: Object.values(ERROR_CODES) },
            status: { type: 'integer', enum: Object.keys(ERROR_TITLES).map(Number) },
            title: { type: 'string', enum: Object.values(ERROR_TITLES) },
            detail: { type: 'string' },
            extra_details: { type: 'string', enum: ['InvalidModelId', 'InvalidRunId', 'InvalidZipFile', 'RunCancelled', 'ZipTooLarge', 'TooManyRuns'] },
          },
        },
        RunStatus: {
          type: 'object', required: ['runId', 'modelId', 'receivedAt', 'state', 'phase'],
          properties: {
            runId: { type: 'string' }, modelId: { type: 'string' }, receivedAt: { type: 'string', format: 'date-time' },
            state: { type: 'string', enum: ['running', 'succeeded', 'failed', 'cancelled'] },
            phase: { type: 'string', nullable: true, enum: ['unpacking', 'segmenting', 'packaging', 'recording', 'finished', null] },
            failure: { type: 'object', required: ['code', 'detail'], properties: { code: { type: 'string' }, detail: { type: 'string' } } },
          },
        },
      },
    },
    paths: {
      '/': {
        get: {
          summary: 'Health check (no auth)', security: [],
          responses: {
            200: { description: 'Healthy', content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['Healthy'] } } } } } },
          },
        },
      },
      '/v1/ping': {
        get: {
          summary: 'Check the secret', security: [{ ApiAuthSecret: [] }],
          responses: { 200: { description: 'The secret is right (empty body)', content: { 'text/html': { schema: { type: 'string', maxLength: 0 } } } }, ...authErrors },
        },
      },
      '/v1/model/start/{model_id}': {
        post: {
          summary: 'Start a run on a zip of DICOM files', security: [{ ApiAuthSecret: [] }],
          parameters: [{ name: 'model_id', in: 'path', required: true, schema: { type: 'string' }, description: 'Name:Version of a registered model, e.g. Hippocampus:1' }],
          requestBody: {
            required: true, description: `The zip, as the raw body (at most ${limits.maxBodyBytes} bytes)`,
            content: { 'application/zip': { schema: { type: 'string', format: 'binary' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            201: { description: 'Started; the body is the run id', content: { 'text/plain': { schema: { type: 'string' } } } },
            400: error('Not a zip, an empty zip, no DICOM file, a zip bomb or unsafe entry names (InvalidZipFile; the detail says which)'),
            ...authErrors,
            404: error('Unknown model (InvalidModelId)'),
            413: error('The body is over the limit (ZipTooLarge)'),
            503: { ...error('Too many runs in flight (TooManyRuns)'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: `seconds (${limits.retryAfterSeconds})` } } },
          },
        },
      },
      '/v1/model/results/{run_id}': {
        get: {
          summary: "A run's result", security: [{ ApiAuthSecret: [] }], parameters: [runIdParam],
          responses: {
            200: { description: 'A zip holding exactly one file, segmentation.dcm (an RTSTRUCT)', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
            202: { description: 'Still running (empty body)', content: { 'text/html': { schema: { type: 'string', maxLength: 0 } } } },
            400: error('The run failed on its input (InvalidZipFile)'),
            ...authErrors,
            404: error('Unknown run (InvalidRunId)'),
            500: error('The run was cancelled (RunCancelled) or failed'),
          },
        },
      },
      '/v1/model/status/{run_id}': {
        get: {
          summary: "A run's progress (Seahorse's addition)", security: [{ ApiAuthSecret: [] }], parameters: [runIdParam],
          responses: {
            200: { description: 'The run state', content: { 'application/json': { schema: { $ref: '#/components/schemas/RunStatus' } } } },
            ...authErrors,
            404: error('Unknown run (InvalidRunId)'),
          },
        },
      },
    },
  };
}
