import { describe, expect, it } from 'vitest';
import { fillEvenOdd, outerContours, polygonArea } from './contours.js';

function grid(rows: string[]): { mask: Uint8Array; w: number; h: number } {
  const h = rows.length, w = rows[0]!.length;
  const mask = new Uint8Array(w * h);
  rows.forEach((r, y) => [...r].forEach((c, x) => { mask[x + w * y] = c === '#' ? 1 : 0; }));
  return { mask, w, h };
}

function segmentsIntersect(p: ArrayLike<number>): boolean {
  const n = p.length / 2;
  const seg = (i: number) => [p[2 * i]!, p[2 * i + 1]!, p[2 * ((i + 1) % n)]!, p[2 * ((i + 1) % n) + 1]!] as const;
  const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    if (j === i + 1 || (i === 0 && j === n - 1)) continue;
    const [a, b, c, d] = [seg(i), seg(j), 0, 0];
    void c; void d;
    const o1 = orient(a[0], a[1], a[2], a[3], b[0], b[1]), o2 = orient(a[0], a[1], a[2], a[3], b[2], b[3]);
    const o3 = orient(b[0], b[1], b[2], b[3], a[0], a[1]), o4 = orient(b[0], b[1], b[2], b[3], a[2], a[3]);
    if (o1 !== o2 && o3 !== o4) return true;
  }
  return false;
}

const refill = (rows: string[]) => {
  const { mask, w, h } = grid(rows);
  const polys = outerContours(mask, w, h);
  const out = new Uint8Array(w * h);
  fillEvenOdd(polys, w, h, out);
  return { polys, out, mask };
};

describe('outerContours', () => {
  it('a single pixel is a diamond through its edge midpoints', () => {
    const { polys } = refill(['#']);
    expect(polys).toHaveLength(1);
    expect(Array.from(polys[0]!)).toEqual([0, -0.5, 0.5, 0, 0, 0.5, -0.5, 0]);
    expect(polygonArea(polys[0]!)).toBe(0.5);
  });

  it('filled back by pixel centres gives the mask (no holes)', () => {
    const rows = ['..........', '.####..#..', '.#####.##.', '..###...#.', '.......##.', '.#........'];
    const { polys, out, mask } = refill(rows);
    expect(polys).toHaveLength(3);
    expect(Array.from(out)).toEqual(Array.from(mask));
    for (const p of polys) expect(segmentsIntersect(p)).toBe(false);
  });

  it('holes are filled: outer contours only, one per component', () => {
    const { polys, out, mask } = refill(['#####', '#...#', '#.#.#', '#...#', '#####']);
    expect(polys).toHaveLength(1);
    expect(out.reduce((s, v) => s + v, 0)).toBe(25);
    expect(mask.reduce((s, v) => s + v, 0)).toBe(17);
  });

  it('diagonal touches (8-connected) give one simple polygon', () => {
    const { polys, out, mask } = refill(['#..', '.#.', '..#', '.#.']);
    expect(polys).toHaveLength(1);
    expect(segmentsIntersect(polys[0]!)).toBe(false);
    expect(Array.from(out)).toEqual(Array.from(mask));
  });

  it('random masks: simple polygons that fill back to the hole-filled mask', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 30; t++) {
      const w = 12, h = 9;
      const mask = new Uint8Array(w * h).map(() => (rand() < 0.45 ? 1 : 0));
      const polys = outerContours(mask, w, h);
      for (const p of polys) expect(segmentsIntersect(p)).toBe(false);
      const out = new Uint8Array(w * h);
      fillEvenOdd(polys, w, h, out);
      // Every foreground pixel is inside; what is added lies in holes (not reachable from the border).
      for (let i = 0; i < mask.length; i++) if (mask[i]) expect(out[i]).toBe(1);
      const outside = new Uint8Array(w * h);
      const stack: number[] = [];
      for (let x = 0; x < w; x++) stack.push(x, x + w * (h - 1));
      for (let y = 0; y < h; y++) stack.push(w * y, w - 1 + w * y);
      while (stack.length) {
        const i = stack.pop()!;
        if (outside[i] || mask[i]) continue;
        outside[i] = 1;
        const x = i % w, y = Math.floor(i / w);
        // Background is 4-connected (foreground 8-connected).
        if (x > 0) stack.push(i - 1);
        if (x < w - 1) stack.push(i + 1);
        if (y > 0) stack.push(i - w);
        if (y < h - 1) stack.push(i + w);
      }
      for (let i = 0; i < mask.length; i++) expect(out[i]).toBe(outside[i] ? 0 : 1);
    }
  });
});
