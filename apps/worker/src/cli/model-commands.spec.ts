import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { runCli } from './program.js';

describeWithSharedData('seahorse import-innereye and segment', ['models/innereye-tiny-ensemble', 'models/msd-reference/last.ckpt', 'data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz'], () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-cli-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the registered tiny ensemble into a 5-member package with the Hippocampus settings', async () => {
    const errors: string[] = [];
    const out = path.join(dir, 'tiny');
    expect(await runCli(['import-innereye', sharedPath('models/innereye-tiny-ensemble'), out], (l) => errors.push(l))).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8'));
    expect(manifest.members).toHaveLength(5);
    expect(manifest.classes).toEqual(['background', 'hippocampus_L', 'hippocampus_R']);
    // Importing over it again is refused with one line and exit code 2 … unless --overwrite.
    expect(await runCli(['import-innereye', sharedPath('models/innereye-tiny-ensemble'), out], (l) => errors.push(l))).not.toBe(0);
    expect(errors.at(-1)).toMatch(/^seahorse: error: .*tiny/);
  }, 300_000);

  it('imports one checkpoint with the msd-reference preset, and segment writes outputs on the scan grid', async () => {
    const out = path.join(dir, 'msd');
    expect(await runCli(['import-innereye', sharedPath('models/msd-reference/last.ckpt'), out, '--preset', 'msd-reference'])).toBe(0);
    const seg = path.join(dir, 'seg');
    expect(await runCli(['segment', sharedPath('data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz'), '--model', out, '--out', seg, '--threads', '1'])).toBe(0);
    for (const f of ['segmentation.nii.gz', 'posterior_anterior.nii.gz', 'posterior_posterior.nii.gz', 'uncertainty.nii.gz']) {
      expect(existsSync(path.join(seg, f)), f).toBe(true);
    }
  }, 300_000);
});
