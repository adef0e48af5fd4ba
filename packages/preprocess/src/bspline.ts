/**
 * Cubic B-spline interpolation as ITK's `BSplineDecompositionImageFilter` +
 * `BSplineInterpolateImageFunction` (spline order 3, mirror boundaries) compute it, which is what
 * SimpleITK's `sitkBSpline` resampling uses.
 */

/** The cubic B-spline's pole. */
const POLE = Math.sqrt(3) - 2;
/** ITK's default tolerance for the causal initialisation's horizon. */
const TOLERANCE = 1e-10;

/** Filters one line (`n` samples, stride `stride`, from `offset`) of `c` in place into B-spline coefficients. */
function lineToCoefficients(c: Float64Array, offset: number, stride: number, n: number, scratch: Float64Array): void {
  if (n === 1) return;
  const z = POLE;
  for (let i = 0; i < n; i++) scratch[i] = c[offset + i * stride]!;
  const gain = (1 - z) * (1 - 1 / z);
  for (let i = 0; i < n; i++) scratch[i]! *= gain;
  // causal initialisation (mirror boundaries)
  const horizon = Math.ceil(Math.log(TOLERANCE) / Math.log(Math.abs(z)));
  if (horizon < n) {
    let zn = z;
    let sum = scratch[0]!;
    for (let i = 1; i < horizon; i++) { sum += zn * scratch[i]!; zn *= z; }
    scratch[0] = sum;
  } else {
    let zn = z;
    const iz = 1 / z;
    let z2n = Math.pow(z, n - 1);
    let sum = scratch[0]! + z2n * scratch[n - 1]!;
    z2n *= z2n * iz;
    for (let i = 1; i <= n - 2; i++) { sum += (zn + z2n) * scratch[i]!; zn *= z; z2n *= iz; }
    scratch[0] = sum / (1 - zn * zn);
  }
  for (let i = 1; i < n; i++) scratch[i] = scratch[i]! + z * scratch[i - 1]!;
  // anticausal initialisation (mirror boundaries)
  scratch[n - 1] = (z / (z * z - 1)) * (z * scratch[n - 2]! + scratch[n - 1]!);
  for (let i = n - 2; i >= 0; i--) scratch[i] = z * (scratch[i + 1]! - scratch[i]!);
  for (let i = 0; i < n; i++) c[offset + i * stride] = scratch[i]!;
}

/**
 * Cubic B-spline coefficients of an x-fastest volume, filtering along x, then y, then z.
 * @returns float64 coefficients, same layout.
 */
export function bsplineCoefficientsXYZ(data: ArrayLike<number>, shapeXYZ: readonly [number, number, number]): Float64Array {
  const [nx, ny, nz] = shapeXYZ;
  const c = Float64Array.from(data as ArrayLike<number>);
  const scratch = new Float64Array(Math.max(nx, ny, nz));
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) lineToCoefficients(c, nx * (y + ny * z), 1, nx, scratch);
  for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) lineToCoefficients(c, x + nx * ny * z, nx, ny, scratch);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) lineToCoefficients(c, x + nx * y, nx * ny, nz, scratch);
  return c;
}

/** Fills `idx` with the 4 support indices (mirrored into [0, n-1]) and `w` with the weights for coordinate `x`. */
export function bsplineSupport(x: number, n: number, idx: Int32Array, w: Float64Array): void {
  const base = Math.floor(x) - 1;
  const t = x - (base + 1);
  const w3 = (1 / 6) * t * t * t;
  const w0 = 1 / 6 + 0.5 * t * (t - 1) - w3;
  const w2 = t + w0 - 2 * w3;
  w[0] = w0; w[1] = 1 - w0 - w2 - w3; w[2] = w2; w[3] = w3;
  for (let k = 0; k < 4; k++) {
    let i = base + k;
    if (n === 1) i = 0;
    else {
      // whole-sample mirror (period 2n-2); equals ITK's single reflection wherever that stays in range
      const period = 2 * n - 2;
      i = ((i % period) + period) % period;
      if (i >= n) i = period - i;
    }
    idx[k] = i;
  }
}
