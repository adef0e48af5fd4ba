// Seahorse side of `npm run bench -- io`, run in its own process so that its peak RSS is its own.
// Usage: io-bench-worker.ts MODE LIST_FILE REPEATS  (MODE: 'fdata' → float64, 'stored' → keepStoredType)
import { readFileSync } from 'node:fs';
import { readNifti } from '@seahorse/io';

const [mode, listFile, repeatsText] = process.argv.slice(2);
const files = readFileSync(listFile!, 'utf8').split('\n').filter((l) => l.trim().length > 0);
const baseline = process.memoryUsage().rss;
const seconds: number[] = [];
let firstPassPeak = 0;
let checksum = 0;
for (let r = 0; r < Number(repeatsText); r++) {
  const t0 = performance.now();
  for (const f of files) {
    const im = readNifti(f, { keepStoredType: mode === 'stored' });
    checksum += im.data[0]!;
  }
  seconds.push((performance.now() - t0) / 1000);
  if (r === 0) firstPassPeak = process.resourceUsage().maxRSS * 1024;
}
const peak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ seconds, baselineRssBytes: baseline, firstPassPeakRssBytes: firstPassPeak, peakRssBytes: peak, checksum }));
