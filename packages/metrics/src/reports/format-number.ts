/**
 * Exact decimal formatting of doubles, as Python's `"%.{n}f" % x` and `"{:.{n}f}".format(x)` do it:
 * the exact binary value of `x` is rounded to `digits` decimals, ties to even. (JavaScript's
 * `toFixed` rounds exact binary ties such as 0.0625 up, which disagrees with Python.)
 */

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** `|x| = mantissa · 2^exponent` exactly, for finite `x`. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  F64[0] = x;
  const bits = U64[0]!;
  const rawExp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  if (rawExp === 0) return { mantissa: frac, exponent: -1074 };
  return { mantissa: frac | (1n << 52n), exponent: rawExp - 1075 };
}

/**
 * Formats `x` with exactly `digits` decimals like Python's `"%.3f"` (for `digits = 3`):
 * half-to-even on the exact binary value; `NaN` → `"nan"`, `±Infinity` → `"inf"` / `"-inf"`;
 * negative values that round to zero keep their sign (`"-0.000"`), as in Python.
 * @param digits - Integer in [0, 20]. Default 3.
 * @example
 * ```ts
 * formatFixed(0.0625, 3); // "0.062"  (toFixed gives "0.063")
 * formatFixed(2.675, 2);  // "2.67"   (2.675 is 2.67499999… in binary)
 * formatFixed(252, 3);    // "252.000"
 * ```
 */
export function formatFixed(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = (mantissa << BigInt(exponent)) * scale;
  } else {
    const num = mantissa * scale;
    const shift = BigInt(-exponent);
    q = num >> shift;
    const rem = num - (q << shift);
    const twice = rem << 1n;
    const den = 1n << shift;
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    if (s.length <= digits) s = '0'.repeat(digits - s.length + 1) + s;
    s = `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  }
  return (negative ? '-' : '') + s;
}

/**
 * Rounds like InnerEye's `format_metric` followed by `float()`: `Number(formatFixed(x, digits))`,
 * i.e. half-to-even on the exact binary value, then the nearest double to that decimal.
 * NaN and ±Infinity pass through.
 * @example
 * ```ts
 * roundHalfEven(0.0625); // 0.062
 * ```
 */
export function roundHalfEven(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  return Number(formatFixed(x, digits));
}

/**
 * A float as Python's `repr` (and numpy's `astype(str)`, which pandas' `to_csv` uses without a
 * `float_format`) writes it: the shortest digits that read back to the same double, in fixed
 * notation for exponents −4 to 15 (always with a decimal point: `2.0`), else in exponent notation
 * (`1e-05`, `1.5e+16`); `nan`, `inf`, `-inf`.
 * @example
 * ```ts
 * pythonFloatRepr(2); // "2.0"
 * pythonFloatRepr(0.00001); // "1e-05"
 * ```
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const e = Number(exp);
  const digits = mantissa.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (e < -4 || e >= 16) {
    const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const intPart = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}
