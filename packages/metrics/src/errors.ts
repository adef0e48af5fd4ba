/** Why a metrics computation or report refused its input. */
export type MetricsErrorCode =
  | 'SHAPE_MISMATCH'
  | 'SPACING_MISMATCH'
  | 'BAD_SPACING'
  | 'BAD_SHAPE'
  | 'NOT_BINARY'
  | 'BAD_OPTIONS'
  | 'BAD_RESULTS'
  | 'WRITE_FAILED';

/**
 * The one error class of `@seahorse/metrics`. `code` says what went wrong; the message names the
 * input (subject, structure, file or field) and the offending value.
 *
 * @example
 * ```ts
 * try { diceNumeric(a, b); } catch (e) { if (e instanceof MetricsError && e.code === 'NOT_BINARY') {  } }
 * ```
 */
export class MetricsError extends Error {
  override readonly name = 'MetricsError';
  constructor(readonly code: MetricsErrorCode, message: string) {
    super(message);
  }
}
