/**
 * Outer contours of a binary mask slice, as closed simple polygons in pixel index coordinates
 * (x = column, y = row, the centre of pixel (x, y) at (x, y)).
 *
 * Method: the directed pixel-edge ("crack") boundary of the foreground, walked with the
 * foreground on the right (in y-down index space), taking the left turn (to the other pixel) where
 * two diagonal foreground pixels touch (8-connected foreground); each loop is then replaced by the midpoints
 * of its edges, which cuts every corner by half a pixel. The midpoint polygon passes strictly
 * between each foreground pixel centre and its background neighbours, so testing pixel centres
 * against it gives the mask back, and no two loops share a point (each crack edge has its own
 * midpoint), so the polygons are simple (no self-intersections, no touching).
 *
 * Outer loops (positive area) are kept, holes dropped (filled), and an outer loop inside another
 * (an island in a hole) dropped too, since the filled outer loop already covers it: what is left
 * are the outer boundaries of the filled components, which every rasteriser fills the same way.
 */

/** A closed polygon: x0, y0, x1, y1, … (the last point joins the first). */
export type Polygon = Float64Array;

/** Signed area (shoelace); outer loops traced here are positive. */
export function polygonArea(p: ArrayLike<number>): number {
  let s = 0;
  const n = p.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    s += p[2 * i]! * p[2 * j + 1]! - p[2 * j]! * p[2 * i + 1]!;
  }
  return s / 2;
}

/** Even-odd point-in-polygon test (ray towards +x). */
export function insidePolygon(p: ArrayLike<number>, x: number, y: number): boolean {
  let inside = false;
  const n = p.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = p[2 * i]!, yi = p[2 * i + 1]!, xj = p[2 * j]!, yj = p[2 * j + 1]!;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// Directions in y-down index space: 0 east (+x), 1 south (+y), 2 west, 3 north.
const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];

/**
 * The outer contours of `mask` (`width × height`, x fastest; non-zero is foreground).
 * @returns Polygons in pixel index coordinates, collinear points removed.
 */
export function outerContours(mask: ArrayLike<number>, width: number, height: number): Polygon[] {
  const fg = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask[x + width * y] !== 0;
  // Corners are (i, j) for the point (i - 0.5, j - 0.5), 0 ≤ i ≤ width, 0 ≤ j ≤ height.
  const cw = width + 1;
  // Outgoing directed edges per corner: a bit per direction; visited bits alongside.
  const out = new Uint8Array(cw * (height + 1));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (!fg(x, y)) continue;
    if (!fg(x, y - 1)) out[x + cw * y]! |= 1 << 0;               // top: (x,y) → (x+1,y), east
    if (!fg(x + 1, y)) out[x + 1 + cw * y]! |= 1 << 1;           // right: (x+1,y) → (x+1,y+1), south
    if (!fg(x, y + 1)) out[x + 1 + cw * (y + 1)]! |= 1 << 2;     // bottom: (x+1,y+1) → (x,y+1), west
    if (!fg(x - 1, y)) out[x + cw * (y + 1)]! |= 1 << 3;         // left: (x,y+1) → (x,y), north
  }
  const loops: Polygon[] = [];
  for (let start = 0; start < out.length; start++) {
    while (out[start]) {
      let dir = 0;
      while (!(out[start]! & (1 << dir))) dir++;
      const pts: number[] = [];
      let ci = start % cw, cj = Math.floor(start / cw);
      for (;;) {
        const here = ci + cw * cj;
        out[here]! &= ~(1 << dir);
        // The edge's midpoint, in pixel-centre coordinates.
        pts.push(ci - 0.5 + DX[dir]! / 2, cj - 0.5 + DY[dir]! / 2);
        ci += DX[dir]!;
        cj += DY[dir]!;
        const next = ci + cw * cj;
        if (!out[next]) break; // back at the start, all edges walked
        // Where two diagonal foreground pixels touch, both turns are open: the left one crosses to
        // the other pixel (8-connected foreground); otherwise exactly one way is open.
        const right = (dir + 1) % 4, left = (dir + 3) % 4;
        if (out[next]! & (1 << left)) dir = left;
        else if (out[next]! & (1 << dir)) { /* straight */ }
        else dir = right;
      }
      loops.push(removeCollinear(pts));
    }
  }
  const outer = loops.filter((l) => polygonArea(l) > 0);
  return outer.filter((l, i) => !outer.some((o, k) => k !== i && insidePolygon(o, l[0]!, l[1]!)));
}

function removeCollinear(pts: number[]): Polygon {
  const n = pts.length / 2;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i + n - 1) % n, c = (i + 1) % n;
    const cross = (pts[2 * i]! - pts[2 * a]!) * (pts[2 * c + 1]! - pts[2 * i + 1]!) - (pts[2 * i + 1]! - pts[2 * a + 1]!) * (pts[2 * c]! - pts[2 * i]!);
    if (Math.abs(cross) > 1e-12) keep.push(pts[2 * i]!, pts[2 * i + 1]!);
  }
  return Float64Array.from(keep);
}

/**
 * Fills polygons onto a `width × height` slice by pixel centres, even-odd over all of them
 * (nested contours are holes, as dcmrtstruct2nii does).
 */
export function fillEvenOdd(polygons: readonly ArrayLike<number>[], width: number, height: number, out: Uint8Array): void {
  const xs: number[] = [];
  for (let y = 0; y < height; y++) {
    xs.length = 0;
    for (const p of polygons) {
      const n = p.length / 2;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = p[2 * i + 1]!, yj = p[2 * j + 1]!;
        if ((yi > y) !== (yj > y)) {
          const xi = p[2 * i]!, xj = p[2 * j]!;
          xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
        }
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.max(0, Math.ceil(xs[k]!)), x1 = Math.min(width - 1, Math.ceil(xs[k + 1]!) - 1);
      for (let x = x0; x <= x1; x++) out[x + width * y]! ^= 1;
    }
  }
}
