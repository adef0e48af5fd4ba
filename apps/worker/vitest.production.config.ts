// The production-server tests (opt-in: `npm run test:production`): a Temporal server v1.29.1 on
// PostgreSQL started by scripts/temporal-cluster.sh, with faults injected mid-run.
import { seahorseVitestConfig } from '../../vitest.shared.js';

export default seahorseVitestConfig(import.meta.url, {
  globalSetup: ['./vitest.production-setup.ts'],
  include: ['src/**/*.production.ts'],
  resultsFile: '.test-results/production-results.json',
  testTimeout: 900_000,
});
