import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RESULT_FORMAT_VERSION, RunFolder, RunFolderError, subjectFolderName, type RunPlan } from './run-folder.js';
import { RunSpec } from './run-spec.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-runfolder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = (subjects: string[]): RunPlan => ({
  runId: 'r', dataset: '/d/dataset.csv',
  model: { dir: '/m', fingerprint: 'f', name: 'M', version: '1', structures: ['L'] },
  subjects: subjects.map((id) => ({ id, images: [`/d/${id}.nii.gz`], groundTruth: { kind: 'masks', masks: { L: `/d/${id}_L.nii.gz` } } })),
});
const row = (dice: number) => ({ structure: 'L', DiceNumeric: dice, HausdorffDistance_mm: Infinity, MeanDistance_mm: -Infinity, HD95_MONAI_mm: NaN });

describe('run folder', () => {
  it('keeps NaN and ±Infinity (metrics of empty masks) through a result round trip, and leaves no temp file', () => {
    const run = new RunFolder(path.join(dir, 'roundtrip'));
    run.writePlan(plan(['a']));
    run.writeResult({ subjectId: 'a', key: 'k', rows: [row(NaN)], volumes: [{ structure: 'L', voxels: 0, volume_mm3: 0 }], completedAt: 'now' });
    const back = run.readResult('a')!;
    expect(back.format).toBe(RESULT_FORMAT_VERSION);
    expect(back.rows[0]!.DiceNumeric).toBeNaN();
    expect(back.rows[0]!.HausdorffDistance_mm).toBe(Infinity);
    expect(back.rows[0]!.MeanDistance_mm).toBe(-Infinity);
    expect(back.rows[0]!.HD95_MONAI_mm).toBeNaN();
    expect(readFileSync(run.resultFile('a'), 'utf8')).toContain('"HausdorffDistance_mm": "Infinity"');
    expect(readdirSync(run.subjectDir('a'))).toEqual(['metrics.json']);
  });

  it('treats a torn, foreign, older-format or missing result as no result', () => {
    const run = new RunFolder(path.join(dir, 'torn'));
    mkdirSync(run.subjectDir('a'), { recursive: true });
    writeFileSync(run.resultFile('a'), '{"key": "abc", "ro');
    expect(run.readResult('a')).toBeUndefined();
    writeFileSync(run.resultFile('a'), JSON.stringify({ format: RESULT_FORMAT_VERSION, subjectId: 'a', key: 'k', rows: [{ structure: 'L', DiceNumeric: 'high' }], completedAt: 'x' }));
    expect(run.readResult('a')).toBeUndefined();
    writeFileSync(run.resultFile('a'), JSON.stringify({ format: RESULT_FORMAT_VERSION - 1, subjectId: 'a', key: 'k', rows: [], completedAt: 'x' }));
    expect(run.readResult('a')).toBeUndefined();
    expect(run.readResult('missing')).toBeUndefined();
  });

  it('says in one line that a result was written by an older Seahorse, and how to recompute it', () => {
    const run = new RunFolder(path.join(dir, 'older'));
    run.writePlan(plan(['a', 'b']));
    mkdirSync(run.subjectDir('a'), { recursive: true });
    // A format-1 result (before volumes): valid then, not now.
    writeFileSync(run.resultFile('a'), JSON.stringify({ format: 1, subjectId: 'a', key: 'k', rows: [row(0.9)], completedAt: 'x' }));
    run.writeResult({ subjectId: 'b', key: 'k', rows: [], volumes: [{ structure: 'L', voxels: 3, volume_mm3: 3.5 }], completedAt: 'now' });
    expect(run.otherResultFormat('a')).toBe(1);
    expect(run.otherResultFormat('b')).toBeUndefined();
    const { results, failures } = run.contents();
    expect(results).toEqual([{ subjectId: 'b', rows: [], volumes: [{ structure: 'L', voxels: 3, volume_mm3: 3.5 }], labelled: true }]);
    expect(failures).toEqual([{ subjectId: 'a', reason: `${run.resultFile('a')}: a result of format 1, written by an older Seahorse (this one reads format 2); 'seahorse resume r' computes it again` }]);
  });

  it('makes subject ids safe folder names that cannot leave the subjects folder', () => {
    expect(subjectFolderName('007')).toBe('007');
    expect(subjectFolderName('../../etc')).toBe('..%2f..%2fetc');
    expect(subjectFolderName('..')).toBe('%2e.');
    expect(subjectFolderName('a b/c')).toBe('a%20b%2fc');
    const run = new RunFolder(path.join(dir, 'names'));
    expect(path.relative(path.join(run.out, 'subjects'), run.subjectDir('../../etc'))).toBe('..%2f..%2fetc');
  });

  it("counts the plan's subjects, not the folders: results, failures, and the rest to do", () => {
    const run = new RunFolder(path.join(dir, 'status'));
    expect(run.status()).toEqual({ planned: 0, withResults: 0, failed: 0, toDo: 0 });
    run.writePlan(plan(['a', 'b', 'c', 'd']));
    run.writeResult({ subjectId: 'a', key: 'k', rows: [row(0.9)], volumes: [], completedAt: 'now' });
    run.writeFailure('b', 'bad image');
    // A stray folder that is not in the plan counts for nothing.
    mkdirSync(path.join(run.out, 'subjects', 'stray'), { recursive: true });
    writeFileSync(path.join(run.out, 'subjects', 'stray', 'metrics.json'), '{}');
    expect(run.status()).toEqual({ planned: 4, withResults: 1, failed: 1, toDo: 2 });
    const { results, failures } = run.contents();
    expect(results.map((r) => r.subjectId)).toEqual(['a']);
    expect(failures).toEqual([{ subjectId: 'b', reason: 'bad image' }, { subjectId: 'c', reason: 'no result' }, { subjectId: 'd', reason: 'no result' }]);
    // A commit removes the failure record; clearing a subject empties its folder only.
    run.writeResult({ subjectId: 'b', key: 'k', rows: [row(0.8)], volumes: [], completedAt: 'now' });
    expect(run.readFailure('b')).toBeUndefined();
    run.clearSubject('a');
    expect(run.subjectFiles('a')).toEqual([]);
    expect(run.subjectFiles('b')).toEqual(['metrics.json']);
  });

  it('names the file and the field when run.json or plan.json is missing or invalid', () => {
    const run = new RunFolder(path.join(dir, 'errors'));
    expect(() => run.readSpec()).toThrow(/run\.json: no run\.json: .* is not a Seahorse run folder/);
    expect(() => run.plan()).toThrow(RunFolderError);
    expect(() => run.plan()).toThrow(/plan\.json: the plan is missing/);
    mkdirSync(run.out, { recursive: true });
    writeFileSync(run.planFile, JSON.stringify({ ...plan(['a']), subjects: [{ id: 'a', images: [], groundTruth: null }] }));
    expect(() => run.plan()).toThrow(/plan\.json: the plan is unreadable: subjects\.0\.images: /);
    writeFileSync(run.specFile, JSON.stringify({ runId: '../x', dataset: '/d', model: '/m', out: '/o' }));
    expect(() => run.readSpec()).toThrow(/run\.json: runId: run id: 1-128 characters/);
    const spec = RunSpec.parse({ runId: 'ok', dataset: '/d', model: '/m', out: run.out });
    run.writeSpec(spec);
    expect(run.readSpec()).toEqual(spec);
  });

  it('reads a re-planned run again instead of a stale plan', () => {
    const run = new RunFolder(path.join(dir, 'replan'));
    run.writePlan(plan(['a']));
    expect(run.plan().subjects.map((s) => s.id)).toEqual(['a']);
    new RunFolder(run.out).writePlan(plan(['a', 'b']));
    expect(run.plan().subjects.map((s) => s.id)).toEqual(['a', 'b']);
  });
});
