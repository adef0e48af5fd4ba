// Reads onnxruntime's per-node profiler output (a Chrome trace JSON, written by onnxruntime-node's
// and onnxruntime-python's `enableProfiling` alike) into a per-operator table.
import { readFileSync } from 'node:fs';

interface TraceEvent { cat?: string; name?: string; dur?: number; args?: { op_name?: string } }

/** Milliseconds per operator type, summed over the nodes' `…_kernel_time` events, divided by `runs`. */
export function perOperatorMs(traceFile: string, runs: number): Record<string, number> {
  const events = JSON.parse(readFileSync(traceFile, 'utf8')) as TraceEvent[];
  const table: Record<string, number> = {};
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || !e.args?.op_name) continue;
    table[e.args.op_name] = (table[e.args.op_name] ?? 0) + (e.dur ?? 0) / 1000 / runs;
  }
  return table;
}

/** Prints per-operator tables side by side: one row per operator, one column per profile, ms. */
export function printOperatorTable(columns: Record<string, Record<string, number>>): void {
  const names = Object.keys(columns);
  const ops = [...new Set(names.flatMap((n) => Object.keys(columns[n]!)))]
    .sort((a, b) => Math.max(...names.map((n) => columns[n]![b] ?? 0)) - Math.max(...names.map((n) => columns[n]![a] ?? 0)));
  const cell = (v: number | undefined) => (v === undefined ? '' : v.toFixed(0)).padStart(10);
  console.log(`| ${'operator'.padEnd(22)} | ${names.map((n) => n.padStart(10)).join(' | ')} |`);
  console.log(`|${'-'.repeat(24)}|${names.map(() => '-'.repeat(12)).join('|')}|`);
  for (const op of ops) console.log(`| ${op.padEnd(22)} | ${names.map((n) => cell(columns[n]![op])).join(' | ')} |`);
  const totals = names.map((n) => Object.values(columns[n]!).reduce((s, v) => s + v, 0));
  console.log(`| ${'total (ms)'.padEnd(22)} | ${totals.map((t) => cell(t)).join(' | ')} |`);
}
