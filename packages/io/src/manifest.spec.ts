import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { ManifestError, type ManifestErrorCode } from './errors.js';
import { loadCohort, type LoadCohortOptions } from './manifest.js';
import { writeNifti } from './nifti-write.js';

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, commas and newlines in quotes, CRLF, BOM and blank lines', () => {
    const text = '\ufeffa,b,c\r\n1,"x,y","say ""hi"""\r\n\r\n2,"multi\nline",\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x,y', 'say "hi"'] },
      { line: 4, fields: ['2', 'multi\nline', ''] },
    ]);
  });

  it('rejects unterminated and misplaced quotes with the line', () => {
    expect(() => parseCsv('a\n"open\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\n"open\n')).toThrow(/line 2: a quoted field is never closed/);
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(/line 2: unexpected "y" after a closing quote/);
  });
});

describeWithSharedData('loadCohort on the shared manifests', ['data/colin27-aal/dataset.csv', 'data/niivue-subject/dataset.csv', 'data/msd-hippocampus/dataset.json'], () => {
  it.each(['colin27-aal', 'niivue-subject'])('%s/dataset.csv: one subject, mri image, two hippocampus masks, same grid', (name) => {
    const c = loadCohort(sharedPath(`data/${name}/dataset.csv`));
    expect(c.format).toBe('innereye-csv');
    expect(c.root).toBe(sharedPath(`data/${name}`));
    expect(c.subjects).toHaveLength(1);
    const s = c.subjects[0]!;
    expect(s.id).toBe('1');
    expect(s.images.map((i) => i.channel)).toEqual(['mri']);
    expect(s.groundTruth.kind).toBe('masks');
    if (s.groundTruth.kind === 'masks') {
      expect(s.groundTruth.structures.map((m) => [m.name, m.path])).toEqual([
        ['hippocampus_L', 'hippocampus_L.nii.gz'], ['hippocampus_R', 'hippocampus_R.nii.gz']]);
    }
  });

  it('msd-hippocampus/dataset.json: 200 cases with label maps Anterior=1, Posterior=2', () => {
    const c = loadCohort(sharedPath('data/msd-hippocampus/dataset.json'));
    expect(c.format).toBe('msd-json');
    expect(c.subjects).toHaveLength(200);
    const s = c.subjects[0]!;
    expect(s.id).toBe('hippocampus_003');
    expect(s.images).toEqual([{ channel: 'MRI', file: sharedPath('data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz'), path: './imagesTr/hippocampus_003.nii.gz' }]);
    expect(s.groundTruth).toMatchObject({ kind: 'labelMap', background: 'background', labels: [{ value: 1, name: 'Anterior' }, { value: 2, name: 'Posterior' }] });
    expect(new Set(c.subjects.map((x) => x.id)).size).toBe(200);
  });
});

describe('loadCohort on generated datasets', () => {
  let dir = '';
  let outside = '';
  const affine = Float64Array.from([1, 0, 0, -3, 0, 1, 0, 4, 0, 0, 2, 5, 0, 0, 0, 1]);
  const vol = (shape: [number, number, number] = [4, 5, 6], a = affine) =>
    ({ data: new Uint8Array(shape[0] * shape[1] * shape[2]), shapeXYZ: shape, affine: a, kind: 'label' as const });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-io-manifest-'));
    outside = mkdtempSync(path.join(tmpdir(), 'seahorse-io-outside-'));
    mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
    for (const f of ['img1.nii.gz', 'l1.nii.gz', 'r1.nii.gz', 'img2.nii.gz', 'l2.nii.gz', 'r2.nii.gz', 'sub/deeper/img3.nii.gz']) {
      writeNifti(path.join(dir, f), vol());
    }
    const moved = affine.slice();
    moved[3] = -2.5;
    writeNifti(path.join(dir, 'moved.nii.gz'), vol([4, 5, 6], moved));
    writeNifti(path.join(dir, 'small.nii.gz'), vol([4, 5, 5]));
    writeFileSync(path.join(dir, 'not-nifti.nii.gz'), 'hello');
    writeNifti(path.join(outside, 'secret.nii.gz'), vol());
    symlinkSync(path.join(outside, 'secret.nii.gz'), path.join(dir, 'link-out.nii.gz'));
    symlinkSync(path.join(dir, 'img2.nii.gz'), path.join(dir, 'link-in.nii.gz'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  function manifest(name: string, text: string): string {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  }
  function expectManifestError(file: string, code: ManifestErrorCode, location: string, message: RegExp, options: LoadCohortOptions = {}) {
    let err: unknown;
    try { loadCohort(file, options); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ManifestError);
    const m = err as ManifestError;
    expect([m.code, m.file, m.location]).toEqual([code, file, location]);
    expect(m.message.startsWith(`${file}: ${location}: `)).toBe(true);
    expect(m.message).toMatch(message);
  }

  it('reads optional columns, tags, quoted fields, CRLF, sorted subjects and nested paths', () => {
    const f = manifest('full.csv', [
      'subject,filePath,channel,seriesId,institutionId,tags,groupID,acquisition_date',
      '2,img2.nii.gz,mri,s2,inst,"[a;b]",g1,2020-01-01',
      '2,l2.nii.gz,hippocampus_L,,,,,',
      '10,sub/deeper/img3.nii.gz,mri,,,,,',
      '1,img1.nii.gz,mri,,,[x],,',
      '1,r1.nii.gz,hippocampus_R,,,,,',
      '1,l1.nii.gz,hippocampus_L,,,,,',
    ].join('\r\n'));
    const c = loadCohort(f);
    expect(c.subjects.map((s) => s.id)).toEqual(['1', '10', '2']);
    const [s1, s10, s2] = c.subjects;
    expect(s1!.groundTruth).toMatchObject({ kind: 'masks', structures: [{ name: 'hippocampus_L' }, { name: 'hippocampus_R' }] });
    expect(s1!.metadata).toEqual({ tags: ['x'] });
    expect(s1!.source).toBe('lines 5, 6, 7');
    expect(s10!.groundTruth).toEqual({ kind: 'none' });
    expect(s10!.images[0]!.file).toBe(path.join(dir, 'sub/deeper/img3.nii.gz'));
    expect(s2!.metadata).toEqual({ seriesId: 's2', institutionId: 'inst', tags: ['a', 'b'], groupId: 'g1' });
  });

  it('honours imageChannels and groundTruthChannels', () => {
    const f = manifest('chan.csv', 'subject,filePath,channel\n1,img1.nii.gz,t1\n1,img2.nii.gz,t2\n1,l1.nii.gz,left\n');
    const c = loadCohort(f, { imageChannels: ['t1', 't2'], groundTruthChannels: ['left'] });
    expect(c.subjects[0]!.images.map((i) => i.channel)).toEqual(['t1', 't2']);
    expectManifestError(f, 'BAD_FIELD', 'lines 2, 3, 4', /subject 1 has no ground-truth channel "right"/,
      { imageChannels: ['t1'], groundTruthChannels: ['left', 'right'] });
    expectManifestError(f, 'BAD_FIELD', 'lines 2, 3, 4', /subject 1 has no image channel \(imageChannels: mri; channels found: t1, t2, left\)/);
  });

  it('rejects malformed CSVs with the line and column', () => {
    expectManifestError(manifest('nocol.csv', 'subject,path,channel\n1,img1.nii.gz,mri\n'), 'BAD_FORMAT', 'line 1', /lacks the required column "filePath"/);
    expectManifestError(manifest('empty.csv', ''), 'BAD_FORMAT', 'line 1', /the CSV is empty/);
    expectManifestError(manifest('header-only.csv', 'subject,filePath,channel\n'), 'BAD_FORMAT', 'line 2', /no rows/);
    expectManifestError(manifest('ragged.csv', 'subject,filePath,channel\n1,img1.nii.gz\n'), 'BAD_FORMAT', 'line 2', /2 fields, but the header has 3/);
    expectManifestError(manifest('subj.csv', 'subject,filePath,channel\n1,img1.nii.gz,mri\nabc,img2.nii.gz,mri\n'),
      'BAD_FIELD', 'line 3, column subject', /"abc": must be a positive integer/);
    expectManifestError(manifest('zero.csv', 'subject,filePath,channel\n0,img1.nii.gz,mri\n'), 'BAD_FIELD', 'line 2, column subject', /"0": must be a positive integer/);
    expectManifestError(manifest('nopath.csv', 'subject,filePath,channel\n1,,mri\n'), 'BAD_FIELD', 'line 2, column filePath', /missing/);
    expectManifestError(manifest('dup.csv', 'subject,filePath,channel\n1,img1.nii.gz,mri\n1,img2.nii.gz,mri\n'),
      'DUPLICATE', 'line 3', /subject 1 channel "mri" is already given on line 2/);
    expectManifestError(manifest('quote.csv', 'subject,filePath,channel\n1,"img1.nii.gz,mri\n'), 'BAD_FORMAT', 'line 2', /never closed/);
    expectManifestError(manifest('manifest.txt', 'x'), 'BAD_FORMAT', 'file', /expected a \.csv .* or \.json/);
    expectManifestError(path.join(dir, 'absent.csv'), 'READ_FAILED', 'file', /ENOENT/);
  });

  it('rejects paths that leave the dataset root: .., absolute, symlink to outside', () => {
    expectManifestError(manifest('dotdot.csv', `subject,filePath,channel\n1,../${path.basename(outside)}/secret.nii.gz,mri\n`),
      'PATH_ESCAPE', 'line 2, column filePath', /leaves the dataset root/);
    expectManifestError(manifest('dotdot2.csv', 'subject,filePath,channel\n1,sub/../../x.nii.gz,mri\n'),
      'PATH_ESCAPE', 'line 2, column filePath', /"sub\/\.\.\/\.\.\/x\.nii\.gz" leaves the dataset root/);
    expectManifestError(manifest('abs.csv', `subject,filePath,channel\n1,${path.join(dir, 'img1.nii.gz')},mri\n`),
      'PATH_ESCAPE', 'line 2, column filePath', /is absolute; paths must be relative/);
    expectManifestError(manifest('link.csv', 'subject,filePath,channel\n1,link-out.nii.gz,mri\n'),
      'PATH_ESCAPE', 'line 2, column filePath', /resolves through a symlink to .*secret\.nii\.gz, outside the dataset root/);
    // A symlink that stays inside, and a .. that stays inside, are fine.
    const ok = loadCohort(manifest('inside.csv', 'subject,filePath,channel\n1,link-in.nii.gz,mri\n2,sub/../img1.nii.gz,mri\n'));
    expect(ok.subjects.map((s) => s.images[0]!.file)).toEqual([path.join(dir, 'link-in.nii.gz'), path.join(dir, 'img1.nii.gz')]);
  });

  it('names a missing file with its line', () => {
    expectManifestError(manifest('missing.csv', 'subject,filePath,channel\n1,img1.nii.gz,mri\n1,nothere.nii.gz,hippocampus_L\n'),
      'MISSING_FILE', 'line 3, column filePath', /"nothere\.nii\.gz" does not exist/);
     // For cohort runs, a missing file can be kept so that it fails only its subject; escapes still fail.
    const kept = loadCohort(manifest('missing-kept.csv', 'subject,filePath,channel\n1,img1.nii.gz,mri\n1,nothere.nii.gz,hippocampus_L\n2,img1.nii.gz,mri\n'),
      { allowMissingFiles: true });
    expect(kept.subjects.map((x) => x.id)).toEqual(['1', '2']);
    const gt = kept.subjects[0]!.groundTruth;
    expect(gt.kind === 'masks' ? gt.structures[0]!.file : '').toBe(path.join(dir, 'nothere.nii.gz'));
    expectManifestError(manifest('missing-escape.csv', 'subject,filePath,channel\n1,../nothere.nii.gz,mri\n'),
      'PATH_ESCAPE', 'line 2, column filePath', /leaves the dataset root/, { allowMissingFiles: true });
  });

  it('with checkGeometry, an image and a label on different grids is an error naming both', () => {
    const f = manifest('geom.csv', 'subject,filePath,channel\n1,img1.nii.gz,mri\n1,l1.nii.gz,hippocampus_L\n1,moved.nii.gz,hippocampus_R\n');
    expectManifestError(f, 'GEOMETRY', 'line 4, column filePath',
      /subject 1: moved\.nii\.gz is not on the grid of img1\.nii\.gz: originXYZ differs .*img1\.nii\.gz \[-3, 4, 5\] mm \(RAS\) vs moved\.nii\.gz \[-2\.5, 4, 5\]/);
    expect(loadCohort(f, { checkGeometry: false }).subjects).toHaveLength(1);
    expect(loadCohort(f, { geometryTolerance: { atol: 0.6 } }).subjects).toHaveLength(1);
    const g = manifest('shape.csv', 'subject,filePath,channel\n1,img1.nii.gz,mri\n1,small.nii.gz,hippocampus_L\n');
    expectManifestError(g, 'GEOMETRY', 'line 3, column filePath', /shapeXYZ differs: img1\.nii\.gz \[4, 5, 6\] vs small\.nii\.gz \[4, 5, 5\]/);
    const h = manifest('bad.csv', 'subject,filePath,channel\n1,img1.nii.gz,mri\n1,not-nifti.nii.gz,hippocampus_L\n');
    expectManifestError(h, 'BAD_FIELD', 'line 3, column filePath', /"not-nifti\.nii\.gz" is not a readable NIfTI file: .*TOO_SHORT|sizeof_hdr/);
  });

  it('rejects invalid options', () => {
    const f = manifest('opt.csv', 'subject,filePath,channel\n1,img1.nii.gz,mri\n');
    expectManifestError(f, 'BAD_FIELD', 'options.checkGeometry', /expected boolean/, { checkGeometry: 'yes' } as unknown as LoadCohortOptions);
    expectManifestError(f, 'BAD_FIELD', 'options.imageChannels', /./, { imageChannels: [] });
  });

  it('MSD dataset.json: label maps, modalities as volume indices, field errors', () => {
    const msd = (o: unknown) => manifest('dataset.json', JSON.stringify(o));
    const base = { name: 'T', modality: { 0: 'T1', 1: 'T2' }, labels: { 0: 'bg', 2: 'B', 1: 'A' }, training: [{ image: './img1.nii.gz', label: './l1.nii.gz' }] };
    const c = loadCohort(msd(base));
    expect(c.name).toBe('T');
    expect(c.subjects[0]!.images.map((i) => [i.channel, i.volumeIndex])).toEqual([['T1', 0], ['T2', 1]]);
    expect(c.subjects[0]!.groundTruth).toMatchObject({ kind: 'labelMap', background: 'bg', labels: [{ value: 1, name: 'A' }, { value: 2, name: 'B' }] });
    const f = path.join(dir, 'dataset.json');
    writeFileSync(f, '{ "training": [');
    expectManifestError(f, 'BAD_FORMAT', '(root)', /not valid JSON/);
    msd({ ...base, labels: undefined });
    expectManifestError(f, 'BAD_FIELD', 'labels', /expected record/);
    msd({ ...base, labels: { x: 'bg' } });
    expectManifestError(f, 'BAD_FIELD', 'labels.x', /label keys must be integers/);
    msd({ ...base, labels: { 1: 'A' } });
    expectManifestError(f, 'BAD_FIELD', 'labels', /no label 0 \(background\)/);
    msd({ ...base, training: [base.training[0], { image: './img2.nii.gz', label: '../../etc/passwd' }] });
    expectManifestError(f, 'PATH_ESCAPE', 'training[1].label', /leaves the dataset root/);
    msd({ ...base, training: [{ image: './img2.nii.gz' }] });
    expectManifestError(f, 'BAD_FIELD', 'training[0].label', /expected string/);
    msd({ ...base, training: [{ image: './img1.nii.gz', label: './moved.nii.gz' }] });
    expectManifestError(f, 'GEOMETRY', 'training[0].label', /originXYZ differs/);
  });

  it('nnU-Net v2 dataset.json: channels by file name, labels by name', () => {
    const root = path.join(dir, 'nnunet');
    mkdirSync(path.join(root, 'imagesTr'), { recursive: true });
    mkdirSync(path.join(root, 'labelsTr'), { recursive: true });
    for (const id of ['case_001', 'case_002']) {
      writeNifti(path.join(root, 'imagesTr', `${id}_0000.nii.gz`), vol());
      writeNifti(path.join(root, 'imagesTr', `${id}_0001.nii.gz`), vol());
      writeNifti(path.join(root, 'labelsTr', `${id}.nii.gz`), vol());
    }
    const f = path.join(root, 'dataset.json');
    writeFileSync(f, JSON.stringify({ channel_names: { 0: 'T1', 1: 'FLAIR' }, labels: { background: 0, lesion: 1 }, numTraining: 2, file_ending: '.nii.gz' }));
    const c = loadCohort(f);
    expect(c.format).toBe('nnunet-json');
    expect(c.subjects.map((s) => [s.id, s.images.map((i) => i.path)])).toEqual([
      ['case_001', ['imagesTr/case_001_0000.nii.gz', 'imagesTr/case_001_0001.nii.gz']],
      ['case_002', ['imagesTr/case_002_0000.nii.gz', 'imagesTr/case_002_0001.nii.gz']]]);
    writeFileSync(f, JSON.stringify({ channel_names: { 0: 'T1' }, labels: { background: 0, whole: [1, 2] }, file_ending: '.nii.gz' }));
    expectManifestError(f, 'BAD_FIELD', 'labels.whole', /region-based labels/);
    writeFileSync(f, JSON.stringify({ channel_names: { 0: 'T1', 2: 'T2' }, labels: { background: 0, lesion: 1 }, file_ending: '.nii.gz' }));
    expectManifestError(f, 'MISSING_FILE', 'channel_names.2 of case case_001', /imagesTr\/case_001_0002\.nii\.gz" does not exist/);
  });
});
