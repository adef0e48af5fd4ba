/**
 * Errors of the architecture check: a state_dict that is not the InnerEye UNet3D its first layers
 * imply, with every difference listed.
 */

/** One difference between the state_dict found and the architecture expected. */
export interface ArchitectureProblem {
  /** `'missing'`: key expected but absent; `'unexpected'`: key found but not expected; `'shape'`: both, shapes differ; `'dtype'`: not a floating-point tensor. */
  kind: 'missing' | 'unexpected' | 'shape' | 'dtype';
  /** The state_dict key. */
  key: string;
  /** What the architecture expects (a shape such as `[16,1,3,3,3]`, or `'absent'`). */
  expected: string;
  /** What the checkpoint holds. */
  found: string;
}

/** Why a state_dict is not an InnerEye UNet3D that Seahorse can convert. */
export type ArchitectureErrorCode =
  | 'NOT_UNET3D'             // the keys that identify InnerEye's UNet3D are absent
  | 'ARCHITECTURE_MISMATCH'; // it looks like UNet3D, but keys or shapes differ from what it implies

/**
 * A state_dict that does not match InnerEye's UNet3D. `problems` lists every difference, each with
 * what was expected and what was found; the message shows the first few.
 */
export class ArchitectureMismatchError extends Error {
  override readonly name = 'ArchitectureMismatchError';
  constructor(
    readonly code: ArchitectureErrorCode,
    readonly file: string,
    readonly problems: readonly ArchitectureProblem[],
    summary: string,
  ) {
    const shown = problems.slice(0, 8).map((p) => `  ${p.kind} ${p.key}: expected ${p.expected}, found ${p.found}`);
    const more = problems.length > 8 ? [`  … and ${problems.length - 8} more`] : [];
    super([`${file}: state_dict: ${summary}`, ...shown, ...more].join('\n'));
  }
}
