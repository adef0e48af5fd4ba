/** Shared-folder paths (relative) of the registered InnerEye ensemble and its config. */
export const TINY_ENSEMBLE = 'models/innereye-tiny-ensemble';
export const TINY_CONFIG = `${TINY_ENSEMBLE}/final_ensemble_model/model_inference_config.json`;

/** A shared checkpoint, the member name Seahorse gives it, and the architecture the shared README states. */
export interface SharedCheckpoint {
  relative: string;
  member: string;
  /** PyTorch softmax posteriors [C, Z, Y, X] for `input`, when the shared folder has them. */
  reference?: string;
  /** Input [Z, Y, X] float32. */
  input?: string;
  arch: { inputChannels: number; initialFeatureChannels: number; downsamplings: number; classes: number };
}

const TINY_ARCH = { inputChannels: 1, initialFeatureChannels: 4, downsamplings: 2, classes: 3 };

export const TINY_MEMBER_CHECKPOINTS: SharedCheckpoint[] = (['1', '2', '3', '4'] as const).map((n) => ({
  relative: `${TINY_ENSEMBLE}/final_ensemble_model/checkpoints/OTHER_RUNS/${n}/last.ckpt`,
  member: `OTHER_RUNS_${n}`,
  reference: `${TINY_ENSEMBLE}/reference/posteriors_OTHER_RUNS_${n}.npy`,
  input: `${TINY_ENSEMBLE}/reference/input_zyx.npy`,
  arch: TINY_ARCH,
}));

export const TINY_LAST_CHECKPOINT = {
  relative: `${TINY_ENSEMBLE}/final_ensemble_model/checkpoints/last.ckpt`,
  member: 'last',
  reference: `${TINY_ENSEMBLE}/reference/posteriors_last.npy`,
  input: `${TINY_ENSEMBLE}/reference/input_zyx.npy`,
  arch: TINY_ARCH,
} satisfies SharedCheckpoint;

export const FULL_SIZE_CHECKPOINT = {
  relative: 'models/innereye-full-size/last.ckpt',
  member: 'last',
  reference: 'models/innereye-full-size/posteriors.npy',
  input: 'models/innereye-full-size/input_zyx.npy',
  arch: { inputChannels: 1, initialFeatureChannels: 16, downsamplings: 4, classes: 3 },
} satisfies SharedCheckpoint;

export const MSD_CHECKPOINT = {
  relative: 'models/msd-reference/last.ckpt',
  member: 'last',
  arch: { inputChannels: 1, initialFeatureChannels: 8, downsamplings: 3, classes: 3 },
} satisfies SharedCheckpoint;

/** Every shared checkpoint: widths 4, 8 and 16, depths 2, 3 and 4. */
export const SHARED_CHECKPOINTS: SharedCheckpoint[] = [...TINY_MEMBER_CHECKPOINTS, TINY_LAST_CHECKPOINT, FULL_SIZE_CHECKPOINT, MSD_CHECKPOINT];
