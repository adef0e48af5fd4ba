import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceRuntimeError } from '../errors.js';
import { OnnxSessionHost } from './onnx-session-host.js';

// A minimal ONNX protobuf writer: just enough for the probe network below.
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 127) { out.push((v & 127) | 128); v = Math.floor(v / 128); }
  out.push(v);
  return out;
}
const int = (field: number, v: number): number[] => [...varint(field << 3), ...varint(v)];
function bytes(field: number, payload: ArrayLike<number>): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...Array.from(payload)];
}
const str = (field: number, s: string): number[] => bytes(field, new TextEncoder().encode(s));
function floats(field: number, values: readonly number[]): number[] {
  return bytes(field, new Uint8Array(Float32Array.from(values).buffer));
}
function tensorType(dims: readonly number[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, int(1, d)));
  return bytes(1, [...int(1, 1 /* FLOAT */), ...bytes(2, shape)]);
}
const valueInfo = (name: string, dims: readonly number[]): number[] => [...str(1, name), ...bytes(2, tensorType(dims))];

/**
 * The probe network: one 1×1×1 Conv3D with weight 1 (the identity) on `[1, 1, 2, 2, 2]`, opset 13.
 * A convolution, so on CUDA it goes through cuDNN as the UNets do.
 */
export function probeNetworkBytes(): Uint8Array {
  const weight = [...[1, 1, 1, 1, 1].flatMap((d) => int(1, d)), ...int(2, 1), ...floats(4, [1]), ...str(8, 'w')];
  const conv = [...str(1, 'x'), ...str(1, 'w'), ...str(2, 'y'), ...str(3, 'conv'), ...str(4, 'Conv')];
  const graph = [
    ...bytes(1, conv), ...str(2, 'seahorse-device-probe'), ...bytes(5, weight),
    ...bytes(11, valueInfo('x', [1, 1, 2, 2, 2])), ...bytes(12, valueInfo('y', [1, 1, 2, 2, 2])),
  ];
  return Uint8Array.from([...int(1, 8 /* IR version */), ...str(2, 'seahorse'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 13)])]);
}

/** What {@link probeDevice} found. */
export interface DeviceProbe {
  /** The device the probe ran on: `cpu` or `cuda:N` (`auto` resolved). */
  readonly device: string;
  /** With `auto`: which device was chosen and why. */
  readonly notice: string | undefined;
}

/**
 * Checks a device before any work is given to it: starts a session host on `device` with the
 * probe network and runs it once (on CUDA: the provider, its libraries, the driver, the GPU and
 * cuDNN all take part). A worker calls it at start-up, so `--device cuda` on a machine without a
 * usable GPU fails at once with one line, not on every subject.
 * @throws InferenceRuntimeError `CUDA_UNAVAILABLE` (one line naming what is missing) for
 *   `cuda[:N]`; `INVALID_OPTIONS` for an invalid device word.
 * @example
 * const { device, notice } = await probeDevice('auto'); if (notice) console.error(notice);
 */
export async function probeDevice(device: string, onNotice?: (line: string) => void): Promise<DeviceProbe> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seahorse-device-probe-'));
  const file = path.join(dir, 'probe.onnx');
  try {
    writeFileSync(file, probeNetworkBytes());
    const host = await OnnxSessionHost.start([{ name: 'device probe', path: file }], { device, intraOpThreads: 1 }, onNotice ? { onNotice } : {});
    try {
      const input = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
      let output: Float32Array;
      try {
        output = await host.run(0, input, 1, [2, 2, 2]);
      } catch (err) {
        const e = err as InferenceRuntimeError;
        throw new InferenceRuntimeError('CUDA_UNAVAILABLE', `device ${host.options.device}: a test convolution failed: ${e.message}`, { cause: err });
      }
      if (output.some((v, i) => Math.abs(v - input[i]!) > 1e-6)) {
        throw new InferenceRuntimeError('CUDA_UNAVAILABLE', `device ${host.options.device}: a test convolution gave wrong numbers (${Array.from(output).join(', ')})`);
      }
      return { device: host.options.device, notice: host.notice };
    } finally {
      await host.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
