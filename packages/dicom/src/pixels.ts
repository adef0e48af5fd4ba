/**
 * Decoding one frame's stored values, by transfer syntax:
 * - native: Implicit and Explicit VR Little Endian, Deflated, Explicit VR Big Endian (retired);
 * - JPEG Lossless (Process 14 and its SV1 selection): `jpeg-lossless-decoder-js`;
 * - JPEG-LS (lossless and near-lossless): CharLS, `@cornerstonejs/codec-charls`;
 * - JPEG 2000 (lossless and lossy): OpenJPEG, `@cornerstonejs/codec-openjpeg`;
 * - RLE Lossless: PS3.5 Annex G, decoded here (a few lines of PackBits; no maintained package).
 * Anything else (lossy baseline JPEG, HTJ2K, MPEG, …) is refused with the UID named.
 */
import dicomParser from 'dicom-parser';
import { DicomError } from './errors.js';
import { TAGS, type ImageHeader } from './header.js';
import { charlsFactory, JpegLosslessDecoder, openjpegFactory, type CharlsModule, type OpenJpegModule } from './untyped-packages.js';

/** Stored values of one frame (before rescale), `rows × columns`, column index fastest. */
export type StoredFrame = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** The transfer syntaxes Seahorse decodes, by UID. */
export const TRANSFER_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian (retired)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 (Lossless Only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

let charls: Promise<CharlsModule> | undefined;
let openjpeg: Promise<OpenJpegModule> | undefined;

/** Refuses a transfer syntax Seahorse cannot decode (before any pixel is read). */
export function assertDecodable(h: ImageHeader): void {
  if (!(h.transferSyntaxUid in TRANSFER_SYNTAXES)) {
    throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', h.file,
      `transfer syntax ${h.transferSyntaxUid} is not one Seahorse decodes (supported: ${Object.entries(TRANSFER_SYNTAXES).map(([u, n]) => `${n} ${u}`).join('; ')})`);
  }
  if (h.samplesPerPixel !== 1 || !/^MONOCHROME[12]$/.test(h.photometricInterpretation)) {
    throw new DicomError('UNSUPPORTED_PIXELS', h.file,
      `${h.samplesPerPixel} samples per pixel, ${h.photometricInterpretation}: only greyscale (MONOCHROME1/2, 1 sample) scans are read`);
  }
  if (![8, 16, 32].includes(h.bitsAllocated) || h.bitsStored > h.bitsAllocated || h.bitsStored < 1) {
    throw new DicomError('UNSUPPORTED_PIXELS', h.file, `BitsAllocated ${h.bitsAllocated}, BitsStored ${h.bitsStored}: only 8, 16 or 32 bits are read`);
  }
}

function typedFor(h: ImageHeader, buffer: ArrayBufferLike, byteOffset: number, count: number): StoredFrame {
  const signed = h.pixelRepresentation === 1;
  const bytes = new Uint8Array(buffer, byteOffset, count * (h.bitsAllocated / 8)).slice();
  switch (h.bitsAllocated) {
    case 8: return signed ? new Int8Array(bytes.buffer) : bytes;
    case 16: return signed ? new Int16Array(bytes.buffer) : new Uint16Array(bytes.buffer);
    default: return signed ? new Int32Array(bytes.buffer) : new Uint32Array(bytes.buffer);
  }
}

/** Sign-extends values stored in fewer bits than allocated (e.g. 12-bit signed in 16 bits), masks unsigned ones. */
function fixStoredBits(h: ImageHeader, frame: StoredFrame): StoredFrame {
  if (h.bitsStored >= h.bitsAllocated) return frame;
  const bits = h.bitsStored;
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  if (h.pixelRepresentation === 1) {
    const shift = 32 - bits;
    for (let i = 0; i < frame.length; i++) frame[i] = ((frame[i]! & mask) << shift) >> shift;
  } else {
    for (let i = 0; i < frame.length; i++) frame[i] = (frame[i]! & mask) >>> 0;
  }
  return frame;
}

function encapsulatedFrame(h: ImageHeader, frameIndex: number): Uint8Array {
  const ds = h.dataSet;
  const el = ds.elements[TAGS.pixelData]!;
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new DicomError('PARSE_FAILED', h.file, 'encapsulated Pixel Data has no fragments');
  try {
    if (h.numberOfFrames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
    if ((el.basicOffsetTable ?? []).length > 0) return dicomParser.readEncapsulatedImageFrame(ds, el, frameIndex);
    if (fragments.length === h.numberOfFrames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frameIndex, 1);
    const table = dicomParser.createJPEGBasicOffsetTable(ds, el);
    return dicomParser.readEncapsulatedImageFrame(ds, el, frameIndex, table);
  } catch (err) {
    throw new DicomError('PARSE_FAILED', h.file, `frame ${frameIndex + 1}: cannot read its fragments: ${String((err as Error).message ?? err)}`);
  }
}

/** PS3.5 Annex G: RLE segments (most significant byte first), PackBits within each. */
export function decodeRle(h: ImageHeader, data: Uint8Array): StoredFrame {
  const pixels = h.rows * h.columns;
  const bytesPerSample = h.bitsAllocated / 8;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength < 64) throw new DicomError('DECODE_FAILED', h.file, 'RLE frame shorter than its 64-byte header');
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) {
    throw new DicomError('DECODE_FAILED', h.file, `RLE header has ${segments} segments, ${bytesPerSample} expected for one ${h.bitsAllocated}-bit sample`);
  }
  const out = new Uint8Array(pixels * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : data.byteLength;
    // Segment s holds byte (bytesPerSample - 1 - s) of each little-endian sample.
    const byteIndex = bytesPerSample - 1 - s;
    let inPos = start;
    let outPixel = 0;
    while (inPos < end && outPixel < pixels) {
      const n = (data[inPos++]! << 24) >> 24;
      if (n >= 0) {
        for (let i = 0; i <= n && outPixel < pixels; i++) out[outPixel++ * bytesPerSample + byteIndex] = data[inPos++]!;
      } else if (n !== -128) {
        const v = data[inPos++]!;
        for (let i = 0; i < 1 - n && outPixel < pixels; i++) out[outPixel++ * bytesPerSample + byteIndex] = v;
      }
    }
    if (outPixel !== pixels) throw new DicomError('DECODE_FAILED', h.file, `RLE segment ${s + 1} decodes to ${outPixel} of ${pixels} pixels`);
  }
  return typedFor(h, out.buffer, 0, pixels);
}

async function wasmDecode(
  h: ImageHeader, data: Uint8Array, make: () => { getEncodedBuffer(n: number): Uint8Array; decode(): void; getDecodedBuffer(): Uint8Array; getFrameInfo(): { width: number; height: number }; delete(): void },
  codec: string,
): Promise<StoredFrame> {
  const decoder = make();
  try {
    decoder.getEncodedBuffer(data.length).set(data);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width !== h.columns || info.height !== h.rows) {
      throw new DicomError('DECODE_FAILED', h.file, `${codec} frame is ${info.width}×${info.height}, the header says ${h.columns}×${h.rows}`);
    }
    const decoded = decoder.getDecodedBuffer();
    const expected = h.rows * h.columns * (h.bitsAllocated / 8);
    if (decoded.length !== expected) throw new DicomError('DECODE_FAILED', h.file, `${codec} gave ${decoded.length} bytes, ${expected} expected`);
    return typedFor(h, decoded.buffer, decoded.byteOffset, h.rows * h.columns);
  } catch (err) {
    if (err instanceof DicomError) throw err;
    throw new DicomError('DECODE_FAILED', h.file, `${codec} could not decode the frame: ${String((err as Error).message ?? err)}`);
  } finally {
    decoder.delete();
  }
}

/**
 * The stored values of frame `frameIndex` (0-based) of an image.
 * @throws DicomError `UNSUPPORTED_TRANSFER_SYNTAX`, `UNSUPPORTED_PIXELS`, `PARSE_FAILED` or `DECODE_FAILED`.
 */
export async function decodeFrame(h: ImageHeader, frameIndex: number): Promise<StoredFrame> {
  assertDecodable(h);
  const pixels = h.rows * h.columns;
  const frameBytes = pixels * (h.bitsAllocated / 8);
  const ts = h.transferSyntaxUid;
  if (NATIVE.has(ts)) {
    const el = h.dataSet.elements[TAGS.pixelData]!;
    const offset = el.dataOffset + frameIndex * frameBytes;
    if (offset + frameBytes > h.dataSet.byteArray.length || (frameIndex + 1) * frameBytes > el.length) {
      throw new DicomError('PARSE_FAILED', h.file, `Pixel Data holds ${el.length} bytes, frame ${frameIndex + 1} needs bytes up to ${(frameIndex + 1) * frameBytes}: truncated`);
    }
    const ba = h.dataSet.byteArray;
    const frame = typedFor(h, ba.buffer, ba.byteOffset + offset, pixels);
    if (ts === '1.2.840.10008.1.2.2' && h.bitsAllocated > 8) {
      const b = new Uint8Array(frame.buffer);
      const w = h.bitsAllocated / 8;
      for (let i = 0; i < b.length; i += w) b.subarray(i, i + w).reverse();
    }
    return fixStoredBits(h, frame);
  }
  const data = encapsulatedFrame(h, frameIndex);
  if (ts === '1.2.840.10008.1.2.5') return fixStoredBits(h, decodeRle(h, data));
  if (ts === '1.2.840.10008.1.2.4.57' || ts === '1.2.840.10008.1.2.4.70') {
    let decoded;
    try {
      decoded = new JpegLosslessDecoder().decode(data.buffer, data.byteOffset, data.byteLength, h.bitsAllocated > 8 ? 2 : 1);
    } catch (err) {
      throw new DicomError('DECODE_FAILED', h.file, `JPEG Lossless could not decode frame ${frameIndex + 1}: ${String((err as Error).message ?? err)}`);
    }
    if (decoded.length !== pixels) throw new DicomError('DECODE_FAILED', h.file, `JPEG Lossless gave ${decoded.length} samples, ${pixels} expected`);
    return fixStoredBits(h, typedFor(h, decoded.buffer, decoded.byteOffset, pixels));
  }
  if (ts === '1.2.840.10008.1.2.4.80' || ts === '1.2.840.10008.1.2.4.81') {
    const m = await (charls ??= charlsFactory());
    return fixStoredBits(h, await wasmDecode(h, data, () => new m.JpegLSDecoder(), 'JPEG-LS (CharLS)'));
  }
  const m = await (openjpeg ??= openjpegFactory());
  return fixStoredBits(h, await wasmDecode(h, data, () => new m.J2KDecoder(), 'JPEG 2000 (OpenJPEG)'));
}
