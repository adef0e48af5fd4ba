import { afterEach, describe, expect, it } from 'vitest';
import { SHARED_DIR_ENV, sharedDataMissing, sharedDir } from './shared-data.js';

describe('finding the shared data', () => {
  const saved = { dir: process.env[SHARED_DIR_ENV], ci: process.env.CI };
  afterEach(() => {
    for (const [k, v] of [[SHARED_DIR_ENV, saved.dir], ['CI', saved.ci]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('reads the folder from one environment variable', () => {
    process.env[SHARED_DIR_ENV] = '/tmp/somewhere-else';
    expect(sharedDir()).toBe('/tmp/somewhere-else');
  });

  it('on a user machine, missing data gives a reason to skip', () => {
    process.env[SHARED_DIR_ENV] = '/nonexistent-seahorse-data';
    process.env.CI = 'false';
    expect(sharedDataMissing('data/x.nii.gz')).toMatch(/shared data not found: \/nonexistent-seahorse-data\/data\/x\.nii\.gz/);
  });

  it('under CI=true, missing data is a failure', () => {
    process.env[SHARED_DIR_ENV] = '/nonexistent-seahorse-data';
    process.env.CI = 'true';
    expect(() => sharedDataMissing('data')).toThrow(/CI=true and shared data not found/);
  });
});
