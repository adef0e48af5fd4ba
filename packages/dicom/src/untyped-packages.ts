/**
 * The shapes of the untyped packages this package loads (they ship no declarations): loaded with
 * `createRequire` so that every project compiling these sources needs no ambient shims.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface JpegLosslessDecoderClass {
  new (): {
    decode(buffer: ArrayBufferLike, offset?: number, length?: number, numBytes?: number): Uint8Array | Uint16Array | Int16Array;
    numComp: number;
  };
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
  delete(): void;
}

export interface CharlsModule { JpegLSDecoder: new () => WasmDecoder }
export interface OpenJpegModule { J2KDecoder: new () => WasmDecoder }

export interface Dcmjs {
  data: {
    DicomMetaDictionary: {
      denaturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
      naturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
    };
    DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
  };
}

/** jpeg-lossless-decoder-js (CommonJS build). */
export const JpegLosslessDecoder = (require('jpeg-lossless-decoder-js') as { Decoder: JpegLosslessDecoderClass }).Decoder;
/** CharLS's decoder factory (WebAssembly, instantiated on first use). */
export const charlsFactory = require('@cornerstonejs/codec-charls/decodewasmjs') as () => Promise<CharlsModule>;
/** OpenJPEG's decoder factory (WebAssembly, instantiated on first use). */
export const openjpegFactory = require('@cornerstonejs/codec-openjpeg/decodewasmjs') as () => Promise<OpenJpegModule>;
/** dcmjs (its CommonJS build). */
export const dcmjs = require('dcmjs') as Dcmjs;
