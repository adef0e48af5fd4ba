// Test helper: a tiny ONNX member written with onnx-proto, and onnxruntime-node to run it, so the
// package tests need no converter and no Python. Not part of the build (tsconfig.lib excludes it).
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** A tiny valid member: a 1×1×1 Conv (1 → `classes` channels, weights 1…classes) and a Softmax over channels. */
export function tinyOnnx(classes: number): Uint8Array {
  const T = onnx.AttributeProto.AttributeType;
  const tensorInfo = (name: string, channels: number) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: channels }, { dimParam: 'z' }, { dimParam: 'y' }, { dimParam: 'x' }] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny',
      initializer: [{ name: 'w', dims: [classes, 1, 1, 1, 1], dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from({ length: classes }, (_, i) => i + 1) }],
      node: [
        { opType: 'Conv', name: 'conv', input: ['input', 'w'], output: ['conv'], attribute: [{ name: 'kernel_shape', type: T.INTS, ints: [1, 1, 1] }] },
        { opType: 'Softmax', name: 'posteriors', input: ['conv'], output: ['posteriors'], attribute: [{ name: 'axis', type: T.INT, i: 1 }] },
      ],
      input: [tensorInfo('input', 1)],
      output: [tensorInfo('posteriors', classes)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Runs a one-input ONNX file on a `[C, Z, Y, X]` float32 array (network input `[1, C, Z, Y, X]`); the first output and its dims. */
export async function runOnnxOnVolume(file: string, dataCZYX: Float32Array, shapeCZYX: readonly number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', dataCZYX, [1, ...shapeCZYX]) });
    const t = out[session.outputNames[0]!]!;
    return { data: t.data as Float32Array, dims: [...t.dims] };
  } finally {
    await session.release();
  }
}
