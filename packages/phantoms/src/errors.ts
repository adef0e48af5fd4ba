/** What went wrong while generating phantoms. */
export type PhantomErrorCode = 'BAD_OPTIONS' | 'WRITE_FAILED';

/**
 * A phantom-generation error. The message names the place (option or file), the field and the
 * offending value.
 */
export class PhantomError extends Error {
  override readonly name = 'PhantomError';
  constructor(
    readonly code: PhantomErrorCode,
    /** The option group or file concerned. */
    readonly where: string,
    /** The offending field. */
    readonly field: string,
    /** What is wrong with it. */
    readonly detail: string,
  ) {
    super(`${where}: ${field}: ${detail}`);
  }
}
