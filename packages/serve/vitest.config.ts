import { seahorseVitestConfig } from '../../vitest.shared.js';

export default seahorseVitestConfig(import.meta.url);
