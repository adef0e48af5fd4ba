// Test program (run, not imported): a parent process that starts a session host, prints the host's
// pid as one JSON line, then goes away as the test asks:
//   node --import tsx host-parent.test-helpers.ts <model.onnx> idle   waits, to be killed by the test
//   node --import tsx host-parent.test-helpers.ts <model.onnx> busy   starts a long pass, exits normally 1.5 s later
import { OnnxSessionHost } from './onnx-session-host.js';

const [onnx, mode] = process.argv.slice(2);
const host = await OnnxSessionHost.start([{ name: 'member', path: onnx! }], { intraOpThreads: 1 });
console.log(JSON.stringify({ hostPid: host.pid }));
if (mode === 'idle') {
  setInterval(() => undefined, 60_000);
} else {
  host.run(0, new Float32Array(128 * 128 * 128).fill(0.5), 1, [128, 128, 128]).catch(() => undefined);
  setTimeout(() => process.exit(0), 1_500);
}
