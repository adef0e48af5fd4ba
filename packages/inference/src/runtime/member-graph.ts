/**
 * Which ONNX graph a package's members hold, from the metadata Seahorse's importer writes into
 * every member: the default graph (BatchNorm folded, the decoder's ConvTranspose as its phase
 * decomposition into stride-1 Convs) or the literal one (BatchNormalization nodes, ConvTranspose),
 * which packages imported before the default changed hold. Both give the same segmentations; the
 * literal graph is about 2.5× slower on onnxruntime-node's CPU provider and needs about three times
 * the memory per voxel, so `'whole'` mode plans its passes with its own bytes-per-voxel figure.
 */

import { readFile } from 'node:fs/promises';
import { readOnnxSignature, type ModelPackage } from '@seahorse/model-package';
import { DEFAULT_MEMORY_BUDGET_BYTES, LITERAL_GRAPH_BYTES_PER_VOXEL, PHASE_GRAPH_BYTES_PER_VOXEL } from '../tiling/plan.js';

/** `'phase'`: the default graph; `'literal'`: ConvTranspose nodes (imported before); `'foreign'`: not written by Seahorse's importer. */
export type MemberGraphKind = 'phase' | 'literal' | 'foreign';

/** What a package's members hold (the slowest member decides). */
export interface PackageGraph {
  readonly kind: MemberGraphKind;
  /** `'whole'` mode's estimated peak bytes per voxel of one pass for this graph. */
  readonly bytesPerVoxel: number;
  /** A line for the user when the package should be re-imported; `undefined` otherwise. */
  readonly notice: string | undefined;
}

/** The graph kind of one member's ONNX bytes, from its `seahorse.*` metadata. */
export function memberGraphKind(onnxBytes: Uint8Array): MemberGraphKind {
  const metadata = readOnnxSignature(onnxBytes).metadata;
  if (metadata['seahorse.architecture'] === undefined) return 'foreign';
  return metadata['seahorse.upsampling'] === 'phase' ? 'phase' : 'literal';
}

/**
 * Reads every member's graph kind and returns the package's: literal if any member is, else
 * foreign if any is, else phase. Foreign graphs get the literal graph's (conservative) memory figure.
 */
export async function packageGraph(model: ModelPackage): Promise<PackageGraph> {
  const kinds = await Promise.all(model.members.map(async (m) => memberGraphKind(await readFile(m.path))));
  const kind: MemberGraphKind = kinds.includes('literal') ? 'literal' : kinds.includes('foreign') ? 'foreign' : 'phase';
  const literal = model.members.filter((_, i) => kinds[i] === 'literal').map((m) => m.name);
  return {
    kind,
    bytesPerVoxel: kind === 'phase' ? PHASE_GRAPH_BYTES_PER_VOXEL : LITERAL_GRAPH_BYTES_PER_VOXEL,
    notice: kind !== 'literal' ? undefined
      : `model package ${model.folder}: member(s) ${literal.join(', ')} hold the literal graph (ConvTranspose, BatchNormalization nodes), `
        + 'as Seahorse imported InnerEye checkpoints before; they segment the same, but about 2.5× slower on CPU, and whole mode tiles '
        + `volumes above ${(DEFAULT_MEMORY_BUDGET_BYTES / LITERAL_GRAPH_BYTES_PER_VOXEL / 1e6).toFixed(1)} M voxels (instead of ${(DEFAULT_MEMORY_BUDGET_BYTES / PHASE_GRAPH_BYTES_PER_VOXEL / 1e6).toFixed(1)} M). `
        + 'Re-import the checkpoints with `seahorse import-innereye <source> <out>` for the faster default graph.',
  };
}
