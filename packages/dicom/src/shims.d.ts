// Type shims for the codec packages, which ship no declarations.
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(buffer: ArrayBufferLike, offset?: number, length?: number, numBytes?: number): Uint8Array | Uint16Array | Int16Array;
    numComp: number;
  }
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (options?: object) => Promise<CharlsModule>;
  export default factory;
  export interface CharlsModule {
    JpegLSDecoder: new () => {
      getEncodedBuffer(length: number): Uint8Array;
      decode(): void;
      getDecodedBuffer(): Uint8Array;
      getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
      delete(): void;
    };
  }
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: object) => Promise<OpenJpegModule>;
  export default factory;
  export interface OpenJpegModule {
    J2KDecoder: new () => {
      getEncodedBuffer(length: number): Uint8Array;
      decode(): void;
      getDecodedBuffer(): Uint8Array;
      getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
      delete(): void;
    };
  }
}
declare module 'dcmjs' {
  const dcmjs: {
    data: {
      DicomMetaDictionary: {
        denaturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
        naturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
      };
      DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
    };
  };
  export default dcmjs;
}
