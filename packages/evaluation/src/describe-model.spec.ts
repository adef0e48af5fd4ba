import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@seahorse/files';
import { repoRoot } from '@seahorse/testkit';
import { describeModel } from './describe-model.js';
import { EvaluationOptionError } from './errors.js';
import { isBadInput } from './bad-input.js';

const demo = path.join(repoRoot(), 'models', 'demo');

describe('describeModel', () => {
  it("fingerprints a package by its model.json and lists its structures", async () => {
    const d = await describeModel(demo);
    expect(d).toEqual({
      fingerprint: sha256Hex(readFileSync(path.join(demo, 'model.json'))),
      name: 'SeahorseDemo', version: '1', structures: ['hippocampus_L', 'hippocampus_R'],
    });
  });

  it("refuses a run's tiling mode that the runtime does not know, naming the field: bad input of the whole run", async () => {
    await expect(describeModel(demo, { tiling: 'whole' })).resolves.toMatchObject({ name: 'SeahorseDemo' });
    const err = await describeModel(demo, { tiling: 'tiles' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvaluationOptionError);
    expect((err as Error).message).toMatch(/^inference\.tiling: 'tiles' is not a tiling mode of .*models\/demo \(one of innereye, gaussian, whole\)$/);
    expect(isBadInput(err)).toBe(true);
  });
});
