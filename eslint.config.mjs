// Lint rules. The important ones encode Seahorse's architecture:
// - nx module boundaries: which package may import which (tags in each package.json);
// - workflow sandbox code imports only @temporalio/workflow at run time (types from anywhere).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'crypto', 'worker_threads', 'net', 'http', 'zlib', 'url', 'util', 'stream', 'events']
  .flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

// Who may import whom, by nx tag (see each package.json's `nx.tags`).
const depConstraints = [
  { sourceTag: 'scope:testkit', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:files', onlyDependOnLibsWithTags: ['scope:testkit'] },
  { sourceTag: 'scope:io', onlyDependOnLibsWithTags: ['scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:preprocess', onlyDependOnLibsWithTags: ['scope:io', 'scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:metrics', onlyDependOnLibsWithTags: ['scope:io', 'scope:files', 'scope:testkit'] },
  // DICOM in, DICOM-RT out: imported by evaluation (one home for reading a scan) and the apps.
  { sourceTag: 'scope:dicom', onlyDependOnLibsWithTags: ['scope:io', 'scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:phantoms', onlyDependOnLibsWithTags: ['scope:io', 'scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:model-package', onlyDependOnLibsWithTags: ['scope:preprocess', 'scope:io', 'scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:inference', onlyDependOnLibsWithTags: ['scope:io', 'scope:preprocess', 'scope:model-package', 'scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:innereye-import', onlyDependOnLibsWithTags: ['scope:model-package', 'scope:preprocess', 'scope:io', 'scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:evaluation', onlyDependOnLibsWithTags: ['scope:io', 'scope:dicom', 'scope:preprocess', 'scope:metrics', 'scope:model-package', 'scope:inference', 'scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:workflows', onlyDependOnLibsWithTags: ['scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:serve', onlyDependOnLibsWithTags: ['scope:model-package', 'scope:files', 'scope:testkit'] },
  { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['*'] },
];

/** The constraints with `extra` tags allowed for `sourceTag`. */
const allowing = (sourceTag, extra) => depConstraints.map((c) =>
  (c.sourceTag === sourceTag ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, ...extra] } : c));

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.test-results/**', '**/.tools/**', '**/.venv/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints }],
    },
  },
  {
    // The runtime's parity tests run checkpoints imported through the importer; only tests may.
    files: ['packages/inference/**/*.spec.ts', 'packages/inference/**/*.test-helpers.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: allowing('scope:inference', ['scope:innereye-import']) }],
    },
  },
  {
    // The service's tests run a real Temporal dev server (DevServer from @seahorse/workflows).
    files: ['packages/serve/**/*.spec.ts', 'packages/serve/**/*.test-helpers.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints: allowing('scope:serve', ['scope:workflows']) }],
    },
  },
  {
    // Temporal's workflow sandbox: deterministic orchestration only (production and test fixtures).
    files: ['packages/workflows/src/workflows/**/*.ts', 'packages/workflows/src/testing/*-workflows.test-helpers.ts', 'packages/serve/src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: nodeBuiltins.filter((m) => !m.includes('*')).map((name) => ({ name, message: 'Workflow code must not use Node built-ins; do I/O in activities.' })),
        patterns: [
          { group: ['@seahorse/*', 'onnxruntime-node', 'nifti-reader-js', 'zod', 'fastify', 'yauzl', 'yazl', '../activities/*', '!../activities/*-types.js'], allowTypeImports: true,
            message: 'Workflow code imports activities and Seahorse packages as types only.' },
        ],
      }],
    },
  },
];
