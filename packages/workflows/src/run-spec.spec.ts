import { describe, expect, it } from 'vitest';
import { RUN_DEFAULTS, RunSpec } from './run-spec.js';

const base = { runId: 'r1', dataset: '/d/dataset.csv', model: '/m', out: '/o' };

describe('RunSpec.device', () => {
  it('defaults to the CPU, so a run uses a GPU only when it asks for one', () => {
    expect(RUN_DEFAULTS.device).toBe('cpu');
    expect(RunSpec.parse(base).device).toBe('cpu');
    // a run.json written before the field existed reads the same
    expect(RunSpec.parse(JSON.parse(JSON.stringify(base))).device).toBe('cpu');
  });

  it('takes cpu, auto[:N] and cuda[:N], and refuses anything else naming the field', () => {
    for (const device of ['cpu', 'auto', 'auto:2', 'cuda', 'cuda:7']) expect(RunSpec.parse({ ...base, device }).device).toBe(device);
    for (const device of ['gpu', 'cpu:0', 'cuda:', 'cuda:100', 'Cuda']) {
      const r = RunSpec.safeParse({ ...base, device });
      expect(r.success, device).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['device']);
    }
  });
});
