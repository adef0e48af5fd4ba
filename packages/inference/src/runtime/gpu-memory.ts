import { execFileSync } from 'node:child_process';
import type { DeviceMemory } from '../tiling/device-plan.js';

/**
 * The memory of each GPU in `nvidia-smi --query-gpu=index,memory.total,memory.free
 * --format=csv,noheader,nounits` output (MiB, one GPU a line: `0, 143771, 143156`), by index.
 */
export function parseNvidiaSmiMemory(text: string): Map<number, DeviceMemory> {
  const out = new Map<number, DeviceMemory>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(line);
    if (m) out.set(Number(m[1]), { totalBytes: Number(m[2]) * 2 ** 20, freeBytes: Number(m[3]) * 2 ** 20 });
  }
  return out;
}

/** GPU `deviceId`'s memory now, from `nvidia-smi`; `undefined` when it cannot be asked (no driver tools, no such GPU). */
export function gpuMemory(deviceId: number): DeviceMemory | undefined {
  try {
    const text = execFileSync('nvidia-smi', ['--query-gpu=index,memory.total,memory.free', '--format=csv,noheader,nounits'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000,
    });
    return parseNvidiaSmiMemory(text).get(deviceId);
  } catch {
    return undefined;
  }
}
