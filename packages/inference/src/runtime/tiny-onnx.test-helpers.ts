// Test helper: writes tiny ONNX networks with onnx-proto, so tests need no Python `onnx` package
// and no converted checkpoint. Not part of the package build (tsconfig.lib excludes *.test-helpers.ts).
import { writeFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = 1;
const INT64 = 7;

function floatTensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, floatData: values });
}
function int64Tensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({ name, dims, dataType: INT64, int64Data: values });
}
function node(opType: string, inputs: string[], outputs: string[], attributes: onnxProto.onnx.IAttributeProto[] = []) {
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, attribute: attributes, name: outputs[0] });
}
function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

/** Options of {@link writeContextNetwork}. */
export interface ContextNetworkOptions {
  /** Number of output classes. Default 3. */
  classes?: number;
  /** Emit logits (no final Softmax). Default false. */
  logits?: boolean;
}

/**
 * A tiny fully convolutional network whose output depends on CONTEXT (a 3×3×3 conv with zero
 * padding and the mean over the whole input) and on POSITION inside the input (cumulative sums
 * along z and x), so the result of a patch depends on exactly where the patch was cut.
 * Input `input` `[1, 1, z, y, x]`, output `posteriors` `[1, K, z, y, x]` (softmax over K unless
 * `logits`). Opset 13.
 */
export function writeContextNetwork(file: string, options: ContextNetworkOptions = {}): void {
  const K = options.classes ?? 3;
  const w: number[] = [];
  for (let k = 0; k < K; k++) for (let i = 0; i < 27; i++) w.push(Math.sin(1.7 * k + 0.31 * i) * 0.4);
  const perClass = (f: (k: number) => number) => Array.from({ length: K }, (_, k) => f(k));
  const nodes = [
    node('Conv', ['input', 'W', 'B'], ['conv'], [
      { name: 'pads', type: 7, ints: [1, 1, 1, 1, 1, 1] },
      { name: 'kernel_shape', type: 7, ints: [3, 3, 3] },
    ]),
    node('ReduceMean', ['input'], ['mean'], [{ name: 'axes', type: 7, ints: [2, 3, 4] }, { name: 'keepdims', type: 2, i: 1 }]),
    node('Mul', ['mean', 'A'], ['meanK']),
    node('Mul', ['input', 'zero'], ['zeros']),
    node('Add', ['zeros', 'one'], ['ones']),
    node('CumSum', ['ones', 'axisZ'], ['posZ']),
    node('CumSum', ['ones', 'axisX'], ['posX']),
    node('Mul', ['posZ', 'Cz'], ['posZK']),
    node('Mul', ['posX', 'Cx'], ['posXK']),
    node('Sum', ['conv', 'meanK', 'posZK', 'posXK'], [options.logits ? 'posteriors' : 'logits']),
  ];
  if (!options.logits) nodes.push(node('Softmax', ['logits'], ['posteriors'], [{ name: 'axis', type: 2, i: 1 }]));
  const graph = onnx.GraphProto.create({
    name: 'context_position_net',
    node: nodes,
    initializer: [
      floatTensor('W', [K, 1, 3, 3, 3], w),
      floatTensor('B', [K], perClass((k) => 0.1 * k)),
      floatTensor('A', [1, K, 1, 1, 1], perClass((k) => (k - 1) * 0.8)),
      floatTensor('Cz', [1, K, 1, 1, 1], perClass((k) => (k - 1) * 0.06)),
      floatTensor('Cx', [1, K, 1, 1, 1], perClass((k) => (1 - k) * 0.04)),
      floatTensor('zero', [], [0]),
      floatTensor('one', [], [1]),
      int64Tensor('axisZ', [], [2]),
      int64Tensor('axisX', [], [4]),
    ],
    input: [valueInfo('input', [1, 1, 'z', 'y', 'x'])],
    output: [valueInfo('posteriors', [1, K, 'z', 'y', 'x'])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7, producerName: 'seahorse-tests', graph, opsetImport: [{ domain: '', version: 13 }],
  });
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
}
