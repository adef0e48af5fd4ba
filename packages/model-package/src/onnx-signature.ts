/**
 * Reading an ONNX model's graph inputs and outputs, with the `onnx-proto` message classes (the
 * official onnx.proto compiled with protobufjs), so a package's members can be checked against its
 * manifest without creating an onnxruntime session.
 */

import onnxProto from 'onnx-proto';

/** A dimension of a graph input or output: a fixed size, or a symbolic name for a dynamic axis. */
export type OnnxDim = number | string;

/** Graph inputs and outputs of an encoded ONNX model, with their dims (`string` for dynamic axes). */
export interface OnnxSignature {
  inputs: { name: string; dims: OnnxDim[] }[];
  outputs: { name: string; dims: OnnxDim[] }[];
  metadata: Record<string, string>;
}

/**
 * Decodes an ONNX model's graph inputs and outputs (initializers excluded) and its metadata.
 * @throws Error when the bytes are not a decodable ModelProto.
 * @example
 * ```ts
 * readOnnxSignature(readFileSync('members/01-last.onnx')).inputs; // [{ name: 'input', dims: ['batch', 1, 'z', 'y', 'x'] }]
 * ```
 */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('the ONNX model has no graph');
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const dims = (v: onnxProto.onnx.IValueInfoProto): OnnxDim[] =>
    (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0)));
  return {
    inputs: (graph.input ?? []).filter((v) => !initializerNames.has(v.name ?? '')).map((v) => ({ name: v.name ?? '', dims: dims(v) })),
    outputs: (graph.output ?? []).map((v) => ({ name: v.name ?? '', dims: dims(v) })),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}
