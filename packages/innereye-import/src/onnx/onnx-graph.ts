/**
 * A small builder for ONNX graphs of float32 tensors, on top of the `onnx-proto` message classes
 * (the official onnx.proto compiled with protobufjs). It only assembles messages; encoding is the
 * library's.
 */

import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import type { OnnxDim } from '@seahorse/model-package';

/** The `onnx` namespace of `onnx-proto` (generated from the official onnx.proto). */
export const onnx = onnxProto.onnx;

/** ONNX IR version written (the newest `onnx-proto` 8.0.1 defines). */
export const ONNX_IR_VERSION = 8;
/**
 * Default-domain opset written: 17 (BatchNormalization-15, Softmax-13, Conv-11, ConvTranspose-11,
 * Shape-15, Reshape-14, Transpose-13, Slice-13, Concat-13, Mul-14).
 */
export const ONNX_OPSET_VERSION = 17;

/** An attribute value: an int, a float, a list of ints, or a string. */
export type OnnxAttribute = { ints: readonly number[] } | { int: number } | { float: number } | { string: string };

function attribute(name: string, value: OnnxAttribute): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('ints' in value) return { name, type: T.INTS, ints: [...value.ints] };
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
}

function valueInfo(name: string, dims: readonly OnnxDim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Accumulates initializers and nodes, then encodes a `ModelProto`. */
export class OnnxGraphBuilder {
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly names = new Set<string>();

  constructor(readonly graphName: string) {
    if (endianness() !== 'LE') throw new Error('ONNX raw tensor data is little-endian; this machine is big-endian');
  }

  /**
   * Adds a float32 constant (weights). `data` is row-major in the order of `dims`.
   * @returns The initializer's name.
   */
  addInitializer(name: string, dims: readonly number[], data: Float32Array): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new Error(`initializer ${name}: dims ${JSON.stringify(dims)} hold ${n} values, data has ${data.length}`);
    this.claim(name);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /**
   * Adds an int64 constant (shapes, axes, slice bounds). Values must be safe integers.
   * @returns The initializer's name.
   */
  addInt64Initializer(name: string, values: readonly number[]): string {
    for (const v of values) if (!Number.isSafeInteger(v)) throw new Error(`initializer ${name}: ${v} is not a safe integer`);
    this.claim(name);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /**
   * Adds a node with one output.
   * @param opType - ONNX operator, e.g. `'Conv'`.
   * @param name - Unique node name; its output tensor is named the same.
   * @param inputs - Input tensor names (use `''` for an omitted optional input).
   * @returns The output tensor's name.
   */
  addNode(opType: string, name: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}): string {
    this.claim(name);
    this.nodes.push({
      opType,
      name,
      input: [...inputs],
      output: [name],
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return name;
  }

  /**
   * Encodes the model.
   * @param input - Graph input name and dims (strings are dynamic axes).
   * @param output - Graph output: the name of an existing node output, and its dims.
   * @param metadata - `metadata_props` key/value pairs (e.g. provenance).
   */
  encode(
    input: { name: string; dims: readonly OnnxDim[] },
    output: { name: string; dims: readonly OnnxDim[] },
    metadata: Record<string, string> = {},
    docString = '',
  ): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET_VERSION }],
      producerName: 'seahorse',
      producerVersion: '0.1.0',
      docString,
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(input.name, input.dims)],
        output: [valueInfo(output.name, output.dims)],
      },
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX graph ${this.graphName}: name ${name} is used twice`);
    this.names.add(name);
  }
}
