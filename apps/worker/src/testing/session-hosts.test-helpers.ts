// Test helper: the onnxruntime session host processes this process started, read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

/** Child processes of this process that host onnxruntime sessions, with their OS thread counts. */
export function sessionHosts(): Map<number, number> {
  const hosts = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('session-host')) {
        hosts.set(Number(name), readdirSync(`/proc/${name}/task`).length);
      }
    } catch {
      // the process ended while we looked
    }
  }
  return hosts;
}

/** Whether a process runs (exists and is not a zombie). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}
