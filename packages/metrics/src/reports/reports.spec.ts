import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPythonReference } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsError } from '../errors.js';
import { boxPlotSvg, boxStatistics, svgToPng } from './boxplot.js';
import { formatFixed, roundHalfEven } from './format-number.js';
import { metricsAggregates, metricsAggregatesCsv, metricsAggregatesMarkdown, metricsCsv, metricsStatisticsJson,
  type SubjectStructureMetrics } from './metrics-tables.js';
import { describeLikePandas, fullStatistics, numpySum, studentTQuantile } from './statistics.js';
import { writeMetricsReports } from './write-reports.js';

const text = (v: number): number | string => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v);
const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));

/** Deterministic generator (xorshift32) in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

/** A cohort like a real evaluation, with the awkward cases of InnerEye's reports mixed in. */
function cohort(): SubjectStructureMetrics[] {
  const r = rng(12345);
  const out: SubjectStructureMetrics[] = [];
  for (let i = 0; i < 240; i++) {
    const subject = String((i * 37) % 1000);
    for (const structure of ['hippocampus_R', 'hippocampus_L']) {
      // Exact binary ties (k/4096) for Dice, so half-to-even rounding matters.
      let DiceNumeric = Math.round((0.8 + 0.15 * r()) * 4096) / 4096;
      let HausdorffDistance_mm = 1 + 6 * r();
      let MeanDistance_mm = 0.05 + 0.4 * r();
      if (i === 7 && structure === 'hippocampus_L') { DiceNumeric = 0; HausdorffDistance_mm = Infinity; MeanDistance_mm = Infinity; }
      if (i === 11) { DiceNumeric = NaN; HausdorffDistance_mm = NaN; MeanDistance_mm = NaN; }
      if (i === 12) DiceNumeric = 0.0625;
      out.push({ subject, structure, DiceNumeric, HausdorffDistance_mm, MeanDistance_mm });
    }
  }
  out.push({ subject: 'solo, "quoted"', structure: 'amygdala', DiceNumeric: 0.5, HausdorffDistance_mm: 2, MeanDistance_mm: 1 });
  out.push({ subject: '1', structure: 'empty_everywhere', DiceNumeric: NaN, HausdorffDistance_mm: NaN, MeanDistance_mm: NaN });
  out.push({ subject: '2', structure: 'empty_everywhere', DiceNumeric: NaN, HausdorffDistance_mm: NaN, MeanDistance_mm: NaN });
  return out;
}

describe('exact decimal rounding', () => {
  it('rounds the exact binary value half to even, unlike toFixed', () => {
    expect((0.0625).toFixed(3)).toBe('0.063');
    expect(formatFixed(0.0625, 3)).toBe('0.062');
    expect(formatFixed(0.1875, 3)).toBe('0.188');
    expect(formatFixed(2.675, 2)).toBe('2.67');
    expect(formatFixed(0.0005, 3)).toBe('0.001'); // 0.0005 is slightly above the tie in binary
    expect(formatFixed(252, 3)).toBe('252.000');
    expect(formatFixed(-0.0001, 3)).toBe('-0.000');
    expect(formatFixed(5e-324, 3)).toBe('0.000');
    expect(formatFixed(1.5e300, 0)).toBe(BigInt(1.5e300).toString());
    expect([formatFixed(NaN), formatFixed(Infinity), formatFixed(-Infinity)]).toEqual(['nan', 'inf', '-inf']);
    expect(roundHalfEven(0.0625)).toBe(0.062);
  });
});

describe("InnerEye's aggregate test vectors (Tests/ML/test_data/metrics_aggregates.csv)", () => {
  it('Dice [0.7, 0.4] gives std 0.212; [1.0, 0.4, 0.8] gives mean 0.733 and std 0.306', () => {
    const rows = (structure: string, dice: number[]) => dice.map((DiceNumeric, i) =>
      ({ subject: String(i), structure, DiceNumeric, HausdorffDistance_mm: 1, MeanDistance_mm: 1 }));
    const csv = metricsAggregatesCsv([...rows('kidney', [0.7, 0.4]), ...rows('liver', [1.0, 0.4, 0.8])]).split('\n');
    expect(csv[1]!.split(',').slice(0, 4)).toEqual(['kidney', '2.000', '0.550', '0.212']);
    expect(csv[2]!.split(',').slice(0, 4)).toEqual(['liver', '3.000', '0.733', '0.306']);
  });
  it('a single sample has an empty std, and any inf makes the mean inf and the std empty', () => {
    const agg = metricsAggregates([
      { subject: 'a', structure: 's', DiceNumeric: 0.5, HausdorffDistance_mm: Infinity, MeanDistance_mm: 1 },
      { subject: 'b', structure: 's', DiceNumeric: 0.7, HausdorffDistance_mm: 2, MeanDistance_mm: NaN },
    ])[0]!;
    expect(agg.HausdorffDistance_mm.mean).toBe(Infinity);
    expect(agg.HausdorffDistance_mm.std).toBeNaN();
    expect(agg.MeanDistance_mm.count).toBe(1);
    expect(agg.MeanDistance_mm.std).toBeNaN();
  });
});

describe('report files are identical to what pandas writes from the same numbers', () => {
  let dir = '';
  const results = cohort();
  const tCases: [number, number][] = [[0.975, 1], [0.975, 2], [0.975, 9], [0.975, 30], [0.975, 251], [0.9, 4.5], [0.6, 3]];
  const toFormat = [0.0625, 0.1875, 0.0005, 2.675, 1 / 3, -0.0001, 1e-7, 123456.0005, 0.9995, 0.9994999999999999, 1.0005];
  let ref: {
    metricsCsv: string; aggregatesCsv: string; t: number[]; formatted: string[];
    describe: Record<string, Record<string, Record<string, number | string>>>;
  };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-reports-'));
    const r = rng(99);
    for (let i = 0; i < 3000; i++) toFormat.push((r() - 0.5) * 10 ** Math.floor(r() * 8 - 3), Math.round(r() * 1e5) / 2 ** 14);
    const spec = {
      results: results.map((x) => ({ subject: x.subject, structure: x.structure, dice: text(x.DiceNumeric),
        hd: text(x.HausdorffDistance_mm), md: text(x.MeanDistance_mm) })),
      tQuantiles: tCases, format: toFormat.map(text),
    };
    const specFile = path.join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    ref = await runPythonReference('metrics_reports.py', [specFile, dir]);
  });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('metrics.csv and metrics_aggregates.csv match byte for byte', () => {
    const out = path.join(dir, 'seahorse');
    writeMetricsReports(out, results, { png: false });
    const ours = readFileSync(path.join(out, 'metrics.csv'), 'utf8');
    expect(ours.split('\n').length).toBe(results.length + 2);
    expect(ours).toBe(readFileSync(ref.metricsCsv, 'utf8'));
    expect(readFileSync(path.join(out, 'metrics_aggregates.csv'), 'utf8')).toBe(readFileSync(ref.aggregatesCsv, 'utf8'));
  });

  it('count, mean, std, min and max equal pandas describe() bit for bit', () => {
    let compared = 0;
    for (const a of metricsAggregates(results)) {
      for (const m of ['DiceNumeric', 'HausdorffDistance_mm', 'MeanDistance_mm'] as const) {
        const p = ref.describe[a.structure]![m]!;
        for (const s of ['count', 'mean', 'std', 'min', 'max'] as const) {
          expect(Object.is(a[m][s], num(p[s]!)), `${a.structure} ${m} ${s}: ${a[m][s]} vs ${p[s]}`).toBe(true);
          compared++;
        }
      }
    }
    expect(compared).toBe(4 * 3 * 5);
  });

  it('quartiles of finite data equal pandas describe()', () => {
    const full = JSON.parse(metricsStatisticsJson(results)) as { structures: Record<string, Record<string, number>>[] };
    const left = full.structures.find((s) => (s.structure as unknown) === 'hippocampus_L')!;
    const p = ref.describe.hippocampus_L!.DiceNumeric!;
    expect(left.DiceNumeric!.q25).toBe(num(p['25%']!));
    expect(left.DiceNumeric!.median).toBe(num(p['50%']!));
    expect(left.DiceNumeric!.q75).toBe(num(p['75%']!));
  });

  it('"%.3f" formatting equals Python on 6000+ values, exact ties included', () => {
    expect(toFormat.map((v) => formatFixed(v, 3))).toEqual(ref.formatted);
  });

  it("Student-t quantiles equal scipy's t.ppf within 1e-10 relative", () => {
    tCases.forEach(([p, df], i) => expect(Math.abs(studentTQuantile(p, df) / ref.t[i]! - 1)).toBeLessThan(1e-10));
  });
});

describe('statistics', () => {
  it('numpySum is pairwise: it differs from a naive loop where numpy does', () => {
    const v = Array.from({ length: 1000 }, (_, i) => 0.1 * ((i % 7) + 1));
    let naive = 0;
    for (const x of v) naive += x;
    expect(numpySum(v)).not.toBe(naive);
    expect(numpySum([0.1, 0.2, 0.3])).toBe(0.1 + 0.2 + 0.3);
  });
  it('the 95% CI of the mean is mean ± t·s/√n', () => {
    const s = fullStatistics([1, 2, 3, 4]);
    const half = studentTQuantile(0.975, 3) * describeLikePandas([1, 2, 3, 4]).std / 2;
    expect(s.ci95Low).toBe(2.5 - half);
    expect(s.ci95High).toBe(2.5 + half);
    expect(fullStatistics([1]).ci95Low).toBeNaN();
  });
});

describe('Markdown, JSON and box plots', () => {
  const rows = (structure: string, dice: number[]) => dice.map((DiceNumeric, i) =>
    ({ subject: String(i), structure, DiceNumeric, HausdorffDistance_mm: 2 + i, MeanDistance_mm: 0.1 * i }));
  const results = [...rows('hippocampus_L', [0.918, 0.9, 0.95, 0.2]), ...rows('hippocampus_R', [0.91, 0.92, NaN])];

  it('the Markdown table has the model card\'s columns, padded, with an integer count', () => {
    const md = metricsAggregatesMarkdown(results).trimEnd().split('\n');
    expect(md[0]).toMatch(/^\| Structure +\| count \| DiceNumeric_mean \| DiceNumeric_std \|/);
    expect(md[1]).toMatch(/^\|-+\|-+\|/);
    expect(md[2]).toMatch(/^\| hippocampus_L \| 4 +\| 0\.742 +\|/);
    expect(new Set(md.map((l) => l.length)).size).toBe(1);
  });

  it('the JSON holds every statistic, non-finite numbers in the one JSON codec ("NaN", "Infinity")', () => {
    const j = JSON.parse(metricsStatisticsJson([...results,
      { subject: '9', structure: 'hippocampus_R', DiceNumeric: 0, HausdorffDistance_mm: Infinity, MeanDistance_mm: Infinity }]));
    const r = j.structures[1];
    expect(r.structure).toBe('hippocampus_R');
    expect(Object.keys(r.DiceNumeric)).toEqual(['count', 'mean', 'std', 'min', 'max', 'q25', 'median', 'q75',
      'ci95Low', 'ci95High', 'nanCount', 'infiniteCount']);
    expect(r.DiceNumeric.nanCount).toBe(1);
    expect(r.HausdorffDistance_mm.mean).toBe('Infinity');
    expect(r.HausdorffDistance_mm.std).toBe('NaN');
    expect(r.HausdorffDistance_mm.infiniteCount).toBe(1);
  });

  it('box statistics put whiskers at the extreme points within 1.5 IQR and keep outliers as points', () => {
    const b = boxStatistics('L', [0.918, 0.9, 0.95, 0.2, NaN, Infinity])!;
    expect(b.excluded).toBe(2);
    expect([b.q1, b.median, b.q3]).toEqual([0.7250000000000001, 0.909, 0.926]); // np.percentile(v, [25, 50, 75])
    // matplotlib's rule: the nearest in-range value (0.9) lies inside the box, so the whisker stops at q1.
    expect(b.whiskerLow).toBe(b.q1);
    expect(b.whiskerHigh).toBe(0.95);
    const c = boxStatistics('c', [1, 2, 3, 4, 5, 100])!;
    expect([c.whiskerLow, c.q1, c.q3, c.whiskerHigh]).toEqual([1, 2.25, 4.75, 5]);
    const svg = boxPlotSvg([b], { title: 'Dice <test>', yLabel: 'DiceNumeric' });
    expect(svg).toContain('Dice &lt;test&gt;');
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg.match(/fill="white" stroke="#b00020"/g)).toHaveLength(1);
    expect(svg).toContain('n=4 (+2 not finite)');
  });

  it("a run's report: report.html and failures.json, written last from the same results, with the box plots inline", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-run-report-'));
    try {
      const failures = [{ subjectId: '9', reason: '/d/9.nii.gz: gzip stream ends early' }];
      const written = writeMetricsReports(dir, results, { run: { title: 'run r1', provenance: { runId: 'r1' }, failures, generatedAt: 'then' } });
      expect(written.files.map((f) => path.basename(f)).slice(-2)).toEqual(['failures.json', 'report.html']);
      expect(written.aggregatesMarkdown).toBe(readFileSync(path.join(dir, 'metrics_aggregates.md'), 'utf8'));
      expect(JSON.parse(readFileSync(path.join(dir, 'failures.json'), 'utf8'))).toEqual(failures);
      const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
      expect(html).toContain('<title>run r1</title>');
      expect(html).toContain('Generated then by Seahorse');
      expect(html.match(/<figure><svg/g)).toHaveLength(3);
      expect(html).toContain('Failed subjects (1)');
      const csvRows = readFileSync(path.join(dir, 'metrics.csv'), 'utf8').trim().split('\n').length - 1;
      expect(html.split('Per-subject metrics')[1]!.match(/<tr>/g)).toHaveLength(csvRows + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes every file atomically, and the PNGs are real PNG images of the SVG size', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-write-'));
    try {
      const out = path.join(dir, 'nested', 'reports');
      const written = writeMetricsReports(out, results, { titleSuffix: 'for the test set' });
      expect(written.files.map((f) => path.basename(f))).toEqual(['metrics.csv', 'metrics_aggregates.csv',
        'metrics_aggregates.md', 'metrics_statistics.json', 'metrics_extended.csv', 'metrics_extended_aggregates.csv', 'metrics_boxplot.svg', 'metrics_boxplot.png',
        'metrics_boxplot_HausdorffDistance_mm.svg', 'metrics_boxplot_HausdorffDistance_mm.png',
        'metrics_boxplot_MeanDistance_mm.svg', 'metrics_boxplot_MeanDistance_mm.png']);
      // Nothing else is in the folder: no temporary file was left behind.
      expect(readdirSync(out).sort()).toEqual(written.files.map((f) => path.basename(f)).sort());
      const png = readFileSync(path.join(out, 'metrics_boxplot.png'));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([750, 600]);
      expect(svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20"></svg>').length).toBeGreaterThan(50);
      const one = writeMetricsReports(path.join(dir, 'one'), [results[0]!]);
      expect(one.boxplotsSkipped).toMatch(/more than one/);
      expect(existsSync(path.join(dir, 'one', 'metrics_boxplot.svg'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("InnerEye's files stay byte for byte the same when the rows carry the extended metrics and volumes are given", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-innereye-same-'));
    try {
      const extended = results.map((r, i) => ({ ...r, HD95_MONAI_mm: i + 0.5, PredictedVolume_mm3: 100 + i, GroundTruthVolume_mm3: 99 }));
      writeMetricsReports(path.join(dir, 'plain'), results, { png: false });
      writeMetricsReports(path.join(dir, 'extended'), extended, { png: false, volumes: results.map((r) => ({ subject: r.subject, structure: r.structure, voxels: 7, volume_mm3: 7 })) });
      for (const f of ['metrics.csv', 'metrics_aggregates.csv', 'metrics_aggregates.md', 'metrics_statistics.json']) {
        expect(readFileSync(path.join(dir, 'extended', f)), f).toEqual(readFileSync(path.join(dir, 'plain', f)));
      }
      expect(readFileSync(path.join(dir, 'extended', 'metrics_extended.csv'), 'utf8')).toContain(',0.5,');
      expect(existsSync(path.join(dir, 'extended', 'volumes.csv'))).toBe(true);
      expect(existsSync(path.join(dir, 'plain', 'volumes.csv'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad results and unwritable folders are MetricsErrors naming the entry or file', () => {
    expect(() => metricsCsv([{ subject: '', structure: 's', DiceNumeric: 1, HausdorffDistance_mm: 0, MeanDistance_mm: 0 }]))
      .toThrow(/results\[0\]\.subject must be a non-empty string/);
    expect(() => metricsCsv([{ subject: 'a', structure: 's', DiceNumeric: '0.9' as unknown as number, HausdorffDistance_mm: 0, MeanDistance_mm: 0 }]))
      .toThrow(/results\[0\]\.DiceNumeric \(subject 'a', structure 's'\) must be a number/);
    const dup = { subject: 'a', structure: 's', DiceNumeric: 1, HausdorffDistance_mm: 0, MeanDistance_mm: 0 };
    expect(() => metricsCsv([dup, dup])).toThrow(/subject 'a', structure 's' appears twice/);
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-bad-'));
    try {
      writeFileSync(path.join(dir, 'file'), 'x');
      let err: unknown;
      try { writeMetricsReports(path.join(dir, 'file'), [dup]); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(MetricsError);
      expect((err as MetricsError).code).toBe('WRITE_FAILED');
      expect((err as Error).message).toContain(path.join(dir, 'file', 'metrics.csv'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
