import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelRegistry, ModelRegistryError } from './model-registry.js';
import { DEMO_MODEL_DIR } from './testing/serve-harness.test-helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const manifestOnly = (to: string) => {
  mkdirSync(to, { recursive: true });
  cpSync(path.join(DEMO_MODEL_DIR, 'model.json'), path.join(to, 'model.json'));
};

describe('ModelRegistry', () => {
  it('a model package folder registers as name:version with its structures', () => {
    const r = ModelRegistry.load(DEMO_MODEL_DIR);
    expect(r.ids()).toEqual(['SeahorseDemo:1']);
    expect(r.get('SeahorseDemo:1')).toEqual({ id: 'SeahorseDemo:1', folder: DEMO_MODEL_DIR, structures: ['hippocampus_L', 'hippocampus_R'] });
    expect(r.get('SeahorseDemo:2')).toBeUndefined();
  });
  it('a config file maps ids to folders relative to it', () => {
    manifestOnly(path.join(dir, 'cfg', 'm'));
    writeFileSync(path.join(dir, 'cfg', 'models.json'), JSON.stringify({ models: { 'Hippocampus:1': 'm' } }));
    expect(ModelRegistry.load(path.join(dir, 'cfg', 'models.json')).get('Hippocampus:1')?.folder).toBe(path.join(dir, 'cfg', 'm'));
  });
  it('a registry folder: each subfolder with a model.json', () => {
    manifestOnly(path.join(dir, 'reg', 'a'));
    mkdirSync(path.join(dir, 'reg', 'not-a-model'));
    expect(ModelRegistry.load(path.join(dir, 'reg')).ids()).toEqual(['SeahorseDemo:1']);
  });
  it('refuses bad configs naming the file and the field', () => {
    writeFileSync(path.join(dir, 'bad-id.json'), JSON.stringify({ models: { 'no version': 'x' } }));
    expect(() => ModelRegistry.load(path.join(dir, 'bad-id.json'))).toThrow(/bad-id\.json: models\.no version: .*Name:Version/);
    writeFileSync(path.join(dir, 'extra.json'), JSON.stringify({ models: { 'A:1': 'x' }, other: 1 }));
    expect(() => ModelRegistry.load(path.join(dir, 'extra.json'))).toThrow(ModelRegistryError);
    writeFileSync(path.join(dir, 'missing.json'), JSON.stringify({ models: { 'A:1': 'nowhere' } }));
    expect(() => ModelRegistry.load(path.join(dir, 'missing.json'))).toThrow(/nowhere.model\.json: \(file\): cannot read/);
    mkdirSync(path.join(dir, 'empty'));
    expect(() => ModelRegistry.load(path.join(dir, 'empty'))).toThrow(/holds no model package/);
  });
  it('refuses the same id twice', () => {
    manifestOnly(path.join(dir, 'twice', 'a'));
    manifestOnly(path.join(dir, 'twice', 'b'));
    expect(() => ModelRegistry.load(path.join(dir, 'twice'))).toThrow(/SeahorseDemo:1: registered twice/);
  });
});
