/**
 * The phantom head in world space (RAS+ mm, head centre at `centreRAS`): nested ellipsoidal shells
 * (scalp, skull, CSF, grey matter, white matter), two lateral ventricles with temporal horns, and a
 * curved, tapering left and right hippocampus. Everything is an analytic function of position, so
 * any voxel grid can sample it.
 */

import type { Random } from './random.js';

/** Tissue classes of the phantom, in precedence order of the drawing. */
export const TISSUE = Object.freeze({
  air: 0, scalp: 1, skull: 2, csf: 3, greyMatter: 4, whiteMatter: 5, ventricle: 6, hippocampusL: 7, hippocampusR: 8,
} as const);

/** A tissue class number (see {@link TISSUE}). */
export type Tissue = (typeof TISSUE)[keyof typeof TISSUE];

/**
 * T1-like relative intensity of each tissue, indexed by {@link Tissue} (white matter = 1).
 * Scalp fat is bright; the hippocampi are grey-matter-like, brighter than cortex (partial volume with white matter).
 */
export const TISSUE_INTENSITY: readonly number[] = Object.freeze([0, 0.85, 0.12, 0.22, 0.55, 1, 0.15, 0.72, 0.72]);

/** One hippocampus: a tube along a centre line, radius tapering from head to tail. */
export interface HippocampusShape {
  /** Centre-line points, RAS+ mm relative to the head centre, head (anterior) first. */
  readonly pointsRAS: readonly (readonly [number, number, number])[];
  /** Radius in mm at each centre-line point. */
  readonly radiiMm: readonly number[];
}

/** Everything that defines one phantom head. All lengths in mm. */
export interface PhantomAnatomy {
  /** World position (RAS+ mm) of the head centre. */
  readonly centreRAS: readonly [number, number, number];
  /** Head (scalp surface) semi-axes along R, A, S. */
  readonly headSemiAxesRAS: readonly [number, number, number];
  /** Thickness of scalp, skull and CSF, and of the cortical grey matter. */
  readonly scalpMm: number;
  readonly skullMm: number;
  readonly csfMm: number;
  readonly cortexMm: number;
  /** Amplitude (mm) of the folding of the grey/white boundary. */
  readonly foldingMm: number;
  /** Phases of the folding pattern (radians). */
  readonly foldingPhases: readonly [number, number, number];
  /** Lateral ventricle half-width (x), half-length (y), half-height (z), and lateral offset of each. */
  readonly ventricleSemiAxesRAS: readonly [number, number, number];
  readonly ventricleOffsetMm: number;
  readonly hippocampusL: HippocampusShape;
  readonly hippocampusR: HippocampusShape;
}

/** Options of {@link sampleAnatomy}. */
export interface AnatomyOptions {
  /** Range of the per-side hippocampus size factor. Default [0.85, 1.15]. */
  hippocampusScale?: readonly [number, number];
  /** Largest random shift of each hippocampus, per axis, in mm. Default 3. */
  hippocampusJitterMm?: number;
  /** Largest random shift of the head centre from the world origin, per axis, in mm. Default 8. */
  headJitterMm?: number;
}

const CENTRE_LINE_POINTS = 20;

/**
 * One hippocampus centre line. `side` is −1 for left (x < 0 in RAS+) and +1 for right. The head
 * lies anterior, the body runs backwards, the tail curves up and towards the midline.
 */
function sampleHippocampus(rng: Random, side: -1 | 1, options: Required<AnatomyOptions>): HippocampusShape {
  const [smin, smax] = options.hippocampusScale;
  const scale = rng.uniform(smin, smax);
  const j = options.hippocampusJitterMm;
  const x0 = side * (27 + rng.uniform(-j, j));
  const y0 = -6 + rng.uniform(-j, j);
  const z0 = -16 + rng.uniform(-j, j);
  const length = 42 * scale;
  const bend = rng.uniform(5, 10);
  const rise = rng.uniform(6, 12);
  const wiggle = rng.uniform(-2, 2);
  const rHead = 6.5 * scale;
  const rTail = 3.4 * scale;
  const pointsRAS: [number, number, number][] = [];
  const radiiMm: number[] = [];
  for (let i = 0; i < CENTRE_LINE_POINTS; i++) {
    const t = i / (CENTRE_LINE_POINTS - 1);
    pointsRAS.push([
      x0 - side * bend * t * t,
      y0 - length * t,
      z0 + rise * t ** 1.6 + wiggle * Math.sin(Math.PI * t),
    ]);
    // A bulbous head (first quarter) tapering into the tail.
    const taper = rHead + (rTail - rHead) * t;
    radiiMm.push(t < 0.25 ? taper * (1 + 0.15 * Math.sin((Math.PI * t) / 0.25)) : taper);
  }
  return { pointsRAS, radiiMm };
}

/**
 * Draws one random phantom head.
 * @param rng - The subject's random stream.
 * @param options - See {@link AnatomyOptions}.
 * @returns A {@link PhantomAnatomy}.
 * @example
 * const anatomy = sampleAnatomy(createRandom(42, 1));
 * tissueAt(anatomy, ...anatomy.centreRAS); // TISSUE.whiteMatter or TISSUE.ventricle
 */
export function sampleAnatomy(rng: Random, options: AnatomyOptions = {}): PhantomAnatomy {
  const o: Required<AnatomyOptions> = {
    hippocampusScale: options.hippocampusScale ?? [0.85, 1.15],
    hippocampusJitterMm: options.hippocampusJitterMm ?? 3,
    headJitterMm: options.headJitterMm ?? 8,
  };
  const hj = o.headJitterMm;
  return {
    centreRAS: [rng.uniform(-hj, hj), rng.uniform(-hj, hj), rng.uniform(-hj, hj)],
    headSemiAxesRAS: [rng.uniform(62, 70), rng.uniform(78, 88), rng.uniform(64, 72)],
    scalpMm: rng.uniform(4, 6),
    skullMm: rng.uniform(4, 6),
    csfMm: rng.uniform(2, 3.5),
    cortexMm: rng.uniform(3.5, 5),
    foldingMm: rng.uniform(1.5, 3),
    foldingPhases: [rng.uniform(0, 2 * Math.PI), rng.uniform(0, 2 * Math.PI), rng.uniform(0, 2 * Math.PI)],
    ventricleSemiAxesRAS: [rng.uniform(5, 7), rng.uniform(20, 26), rng.uniform(8, 11)],
    ventricleOffsetMm: rng.uniform(6, 9),
    hippocampusL: sampleHippocampus(rng, -1, o),
    hippocampusR: sampleHippocampus(rng, 1, o),
  };
}

/** Normalised radius of (x, y, z) in the ellipsoid with semi-axes (a, b, c): < 1 inside. */
function ellipsoidRadius(x: number, y: number, z: number, a: number, b: number, c: number): number {
  return Math.sqrt((x / a) ** 2 + (y / b) ** 2 + (z / c) ** 2);
}

/** True when (x, y, z) (head-relative mm) lies inside the tube of `shape`. */
function insideTube(shape: HippocampusShape, x: number, y: number, z: number): boolean {
  const pts = shape.pointsRAS;
  const rs = shape.radiiMm;
  for (let i = 0; i + 1 < pts.length; i++) {
    const p = pts[i]!, q = pts[i + 1]!;
    const dx = q[0] - p[0], dy = q[1] - p[1], dz = q[2] - p[2];
    const len2 = dx * dx + dy * dy + dz * dz;
    let u = ((x - p[0]) * dx + (y - p[1]) * dy + (z - p[2]) * dz) / len2;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    const ex = x - p[0] - u * dx, ey = y - p[1] - u * dy, ez = z - p[2] - u * dz;
    const r = rs[i]! + u * (rs[i + 1]! - rs[i]!);
    if (ex * ex + ey * ey + ez * ez < r * r) return true;
  }
  return false;
}

/** Axis-aligned bounds (head-relative mm) of a tube, for a quick rejection test. */
export function tubeBounds(shape: HippocampusShape): { min: [number, number, number]; max: [number, number, number] } {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  shape.pointsRAS.forEach((p, i) => {
    const r = shape.radiiMm[i]!;
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k]!, p[k]! - r);
      max[k] = Math.max(max[k]!, p[k]! + r);
    }
  });
  return { min, max };
}

/**
 * Makes the tissue lookup of one anatomy: a function of a world position (RAS+ mm) that returns
 * its {@link Tissue}. Precedence: hippocampi, then ventricles, then the shells from outside in.
 * @param anatomy - From {@link sampleAnatomy}.
 * @returns `(r, a, s) => Tissue`.
 * @example
 * const tissueAt = tissueFunction(anatomy);
 * tissueAt(200, 0, 0); // TISSUE.air
 */
export function tissueFunction(anatomy: PhantomAnatomy): (r: number, a: number, s: number) => Tissue {
  const [cx, cy, cz] = anatomy.centreRAS;
  const [ha, hb, hc] = anatomy.headSemiAxesRAS;
  const shells = [anatomy.scalpMm, anatomy.skullMm, anatomy.csfMm];
  const skullOuter = shells[0]!;
  const csfOuter = skullOuter + shells[1]!;
  const brainOuter = csfOuter + shells[2]!;
  const wmOuter = brainOuter + anatomy.cortexMm;
  const [va, vb, vc] = anatomy.ventricleSemiAxesRAS;
  const vOff = anatomy.ventricleOffsetMm;
  const [p0, p1, p2] = anatomy.foldingPhases;
  const fold = anatomy.foldingMm;
  const boundsL = tubeBounds(anatomy.hippocampusL);
  const boundsR = tubeBounds(anatomy.hippocampusR);
  const inBounds = (b: ReturnType<typeof tubeBounds>, x: number, y: number, z: number): boolean =>
    x >= b.min[0] && x <= b.max[0] && y >= b.min[1] && y <= b.max[1] && z >= b.min[2] && z <= b.max[2];
  const meanHead = (ha + hb + hc) / 3;
  // Depth below the scalp, in mm, along the ellipsoid's normalised radius.
  return (r, a, s) => {
    const x = r - cx, y = a - cy, z = s - cz;
    if (inBounds(boundsL, x, y, z) && insideTube(anatomy.hippocampusL, x, y, z)) return 7;
    if (inBounds(boundsR, x, y, z) && insideTube(anatomy.hippocampusR, x, y, z)) return 8;
    const q = ellipsoidRadius(x, y, z, ha, hb, hc);
    if (q >= 1) return 0;
    const depth = (1 - q) * meanHead;
    if (depth < skullOuter) return 1;
    if (depth < csfOuter) return 2;
    if (depth < brainOuter) return 3;
    // Ventricles: a bent ellipsoid each side of the midline, with a temporal horn going down and forwards.
    const vx = Math.abs(x) - vOff - 0.08 * Math.max(0, -y);
    if (ellipsoidRadius(vx, y - 2, z - 10 + 0.006 * y * y, va, vb, vc) < 1) return 6;
    const hornY = y + 22, hornZ = z + 2;
    if (ellipsoidRadius(Math.abs(x) - 30, hornY * 0.8 + hornZ * 0.6, hornZ * 0.8 - hornY * 0.6, 2.2, 9, 2.2) < 1) return 6;
    const folding = fold * Math.sin(x / 6 + p0) * Math.sin(y / 7 + p1) * Math.sin(z / 6 + p2);
    return depth < wmOuter + folding ? 4 : 5;
  };
}
