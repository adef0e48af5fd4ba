/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32), so a phantom cohort is
 * a pure function of its seed: the same seed gives the same numbers on every machine and Node.js
 * version (only integer arithmetic and `Math.log`/`Math.sqrt`/`Math.cos`, which V8 computes
 * identically everywhere it runs).
 */

/** A seeded stream of pseudo-random numbers. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a generator from one or more 32-bit integers (e.g. the cohort seed and a subject number).
 * @param seeds - Integers; each is taken modulo 2^32.
 * @returns A {@link Random}.
 * @example
 * const rng = createRandom(42, 7);
 * rng.uniform(2, 3); // the same value every run
 */
export function createRandom(...seeds: number[]): Random {
  let mix = 0x2545f491;
  for (const s of seeds) mix = splitmix32((mix ^ (s >>> 0)) >>> 0)();
  const init = splitmix32(mix);
  let a = init(), b = init(), c = init(), d = init();
  const nextUint = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = (b ^ (b >>> 9)) >>> 0;
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint();
  const next = (): number => nextUint() / 4294967296;
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(next() * n),
  };
}
