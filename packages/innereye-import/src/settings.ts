/**
 * The settings an import writes into `model.json`, and the presets Seahorse ships: InnerEye's
 * Hippocampus model and the shared msd-reference model.
 */

import type { PadPlacement, TilingMode } from '@seahorse/model-package';
import type { IntensityNormalisation } from '@seahorse/preprocess';

/** Settings written into `model.json`; every field can be overridden at import. */
export interface ModelPackageSettings {
  /** Model name. */
  name: string;
  /** Model version (free text). */
  version: string;
  /** Class names in output-channel order, background first; must match the network's class count. */
  classes: string[];
  preprocessing: {
    normalisation: IntensityNormalisation;
    /** `'native'` or [x, y, z] mm. */
    targetSpacingXYZ: 'native' | [number, number, number];
    /** `'native'` or axis codes such as `'RAS'`. */
    targetOrientation: string;
  };
  inference: {
    patchSizeZYX: [number, number, number];
    padMultiple: number;
    padPlacement: PadPlacement;
    padValue: number;
    tiling: TilingMode;
    gaussianOverlap: number;
    threads: 'auto' | number;
  };
  postprocessing: { largestConnectedComponent: string[] };
}

/**
 * InnerEye's Hippocampus settings (InnerEye/ML/configs/segmentation/Hippocampus.py): MriWindow
 * (sharpen 2.5, tail 1.0, output −1..1), native spacing and orientation, `innereye` tiling with
 * patch (128, 176, 176) padded to a multiple of 16 split as torchio does, mean aggregation, no
 * largest-component post-processing.
 */
export const INNEREYE_HIPPOCAMPUS_SETTINGS: Readonly<ModelPackageSettings> = Object.freeze<ModelPackageSettings>({
  name: 'Hippocampus',
  version: '1',
  classes: ['background', 'hippocampus_L', 'hippocampus_R'],
  preprocessing: {
    normalisation: { method: 'mriWindow', sharpen: 2.5, tail: 1.0, outputRange: [-1, 1] },
    targetSpacingXYZ: 'native',
    targetOrientation: 'native',
  },
  inference: {
    patchSizeZYX: [128, 176, 176], padMultiple: 16, padPlacement: 'split', padValue: 0,
    tiling: 'innereye', gaussianOverlap: 0.5, threads: 'auto',
  },
  postprocessing: { largestConnectedComponent: [] },
});

/**
 * Settings of the shared `msd-reference` model (trained on the MSD Task04 crops): whole-crop
 * z-score, zero padding at the end of each axis to a multiple of 8, one whole-volume pass, classes
 * background/anterior/posterior.
 */
export const MSD_REFERENCE_SETTINGS: Readonly<ModelPackageSettings> = Object.freeze<ModelPackageSettings>({
  name: 'msd-reference',
  version: '1',
  classes: ['background', 'anterior', 'posterior'],
  preprocessing: { normalisation: { method: 'zScore' }, targetSpacingXYZ: 'native', targetOrientation: 'native' },
  inference: {
    patchSizeZYX: [128, 176, 176], padMultiple: 8, padPlacement: 'end', padValue: 0,
    tiling: 'whole', gaussianOverlap: 0.5, threads: 'auto',
  },
  postprocessing: { largestConnectedComponent: [] },
});

/** Overrides of a preset: any field; nested objects are merged one level deep. */
export interface SettingsOverrides {
  name?: string;
  version?: string;
  classes?: string[];
  preprocessing?: Partial<ModelPackageSettings['preprocessing']>;
  inference?: Partial<ModelPackageSettings['inference']>;
  postprocessing?: Partial<ModelPackageSettings['postprocessing']>;
}

/** `over` on top of `base`, nested objects merged one level deep. */
export function mergeSettings(base: Readonly<ModelPackageSettings>, over: SettingsOverrides = {}): ModelPackageSettings {
  return {
    name: over.name ?? base.name,
    version: over.version ?? base.version,
    classes: [...(over.classes ?? base.classes)],
    preprocessing: { ...base.preprocessing, ...over.preprocessing },
    inference: { ...base.inference, ...over.inference },
    postprocessing: { ...base.postprocessing, ...over.postprocessing },
  };
}
