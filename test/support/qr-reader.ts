/** Reads a QR code back from a PNG with npm readers (`pngjs` decodes the image, `jsqr` the symbol). */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** The bytes the QR symbol in the PNG carries, as UTF-8 text (throws when no symbol is found). */
export function readQr(png: Buffer): string {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!code) throw new Error('No QR code found in the image');
  return Buffer.from(code.binaryData).toString('utf8');
}
