/**
 * Ground truth that cannot be used: a mask that is not binary, a structure the subject has no
 * mask or label for, or no ground truth where one is needed. The message names the file (or the
 * subject) and the offending value.
 */
export class GroundTruthError extends Error {
  override readonly name = 'GroundTruthError';
  readonly code = 'BAD_GROUND_TRUTH';
}

/** An evaluation option (e.g. a run's inference override) that the model package cannot honour; names the field and value. */
export class EvaluationOptionError extends Error {
  override readonly name = 'EvaluationOptionError';
  readonly code = 'BAD_OPTION';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}
