// InnerEye-Inference's error bodies: JSON `{code, status, title, detail[, extra_details]}`, with
// the titles and codes its `app.py` uses, so a client written to that contract reads them.

/** InnerEye's titles by HTTP status. */
export const ERROR_TITLES = {
  400: 'InvalidInput',
  401: 'NoAuthenticationInformation',
  403: 'AuthenticationFailed',
  404: 'ResourceNotFound',
  405: 'MethodNotAllowed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  500: 'InternalError',
  503: 'ServiceUnavailable',
} as const;

/** InnerEye's `code` field by HTTP status (its `HTTPStatus` names). */
export const ERROR_CODES = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'REQUEST_ENTITY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
} as const;

export type ErrorStatus = keyof typeof ERROR_TITLES;

/** The `extra_details` values InnerEye uses, and Seahorse's additions for its start-time checks. */
export type ExtraDetails =
  | 'InvalidModelId' | 'InvalidRunId' | 'InvalidZipFile' | 'RunCancelled'
  | 'ZipTooLarge' | 'TooManyRuns';

/** One error body as sent on the wire. */
export interface ApiErrorBody {
  code: (typeof ERROR_CODES)[ErrorStatus];
  status: ErrorStatus;
  title: (typeof ERROR_TITLES)[ErrorStatus];
  detail: string;
  extra_details?: ExtraDetails;
}

/** An error the routes throw; the error handler turns it into {@link ApiErrorBody}. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ErrorStatus,
    readonly extraDetails?: ExtraDetails,
    readonly detail: string = DEFAULT_DETAILS[status],
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  body(): ApiErrorBody {
    return errorBody(this.status, this.detail, this.extraDetails);
  }
}

/** The body InnerEye sends for `status`. */
export function errorBody(status: ErrorStatus, detail: string = DEFAULT_DETAILS[status], extraDetails?: ExtraDetails): ApiErrorBody {
  const body: ApiErrorBody = { code: ERROR_CODES[status], status, title: ERROR_TITLES[status], detail };
  if (extraDetails) body.extra_details = extraDetails;
  return body;
}

/** InnerEye's detail text by status, word for word where it had one (its `ERROR_MESSAGES`). */
export const DEFAULT_DETAILS: Record<ErrorStatus, string> = {
  400: 'Input file is not in correct format.',
  401: 'Server failed to authenticate the request. Make sure the value of the API_AUTH_SECRET header is populated.',
  403: 'Server failed to authenticate the request. Make sure the value of the API_AUTH_SECRET header is correct.',
  404: 'The specified resource does not exist.',
  405: 'The resource does not support this method (the Allow header lists those it does).',
  413: 'The request body is larger than this service accepts.',
  415: 'The request body must be a zip file (Content-Type application/zip or application/octet-stream).',
  500: 'The server encountered an internal error. Please retry the request.',
  503: 'Too many runs are in flight. Retry after the number of seconds in the Retry-After header.',
};
