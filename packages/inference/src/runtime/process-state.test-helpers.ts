// Test helper: is a process still running? A zombie (exited, not yet reaped by whoever adopted it)
// counts as gone: it runs no code and holds no memory.
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** Whether process `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync('/proc/self/stat')) {
    if (!existsSync(stat)) return false;
    // "pid (comm) S …": the state is the first field after the command name's closing parenthesis
    const text = readFileSync(stat, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone; resolves with the milliseconds waited, or rejects after `timeoutMs`. */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (isRunning(pid)) {
    if (Date.now() - started > timeoutMs) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

/** The number of OS threads of process `pid` (Linux: the entries of `/proc/<pid>/task`), or `undefined` where /proc is missing. */
export function threadCount(pid: number): number | undefined {
  return existsSync('/proc/self/task') ? readdirSync(`/proc/${pid}/task`).length : undefined;
}
