import { SingleBar, Presets } from 'cli-progress';
import type { CohortProgress } from '@seahorse/workflows';

/** Shows a run's progress: a live bar on a terminal, a line on each change otherwise (logs, CI). */
export interface ProgressDisplay {
  update(p: CohortProgress): void;
  stop(): void;
}

function eta(seconds: number | null): string {
  if (seconds === null) return 'ETA —';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `ETA ${h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`}`;
}

export function createProgressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: ' {bar} {value}/{total} subjects | done {done} · cached {cached} · failed {failed} · running {running} | {eta} {paused}',
      stream, hideCursor: true, clearOnComplete: false,
    }, Presets.shades_classic);
    let started = false;
    return {
      update(p) {
        const payload = { done: p.done, cached: p.cached, failed: p.failed, running: p.running, eta: eta(p.etaSeconds), paused: p.paused ? '(paused)' : '' };
        const value = p.done + p.cached + p.failed;
        if (!started) {
          bar.start(Math.max(p.total, 1), value, payload);
          started = true;
        } else {
          bar.setTotal(Math.max(p.total, 1));
          bar.update(value, payload);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = '';
  return {
    update(p) {
      const line = `progress: ${p.done + p.cached + p.failed}/${p.total} subjects (done ${p.done}, cached ${p.cached}, failed ${p.failed}, running ${p.running}) ${eta(p.etaSeconds)}${p.paused ? ' (paused)' : ''}`;
      if (line !== last) stream.write(`${line}\n`);
      last = line;
    },
    stop() {},
  };
}
