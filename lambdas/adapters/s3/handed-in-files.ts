/**
 * The Uploads bucket on S3: files kept for a state machine, files the client PUT through a
 * presigned URL. One S3 client per module; the SDK takes its endpoint from the standard variables
 * (`AWS_ENDPOINT_URL_S3` locally). Two settings are read here, where the client is made, and
 * nowhere else: path-style addressing when `AWS_S3_FORCE_PATH_STYLE=true` (an S3 endpoint on an IP
 * address has no bucket subdomains; the SDK does not read that variable itself), and checksums
 * only where S3 requires them, so that a presigned PUT URL carries no checksum of an empty body
 * (S3 would refuse every real file sent to it).
 */
import { decodeStatementBytes } from '../../core/bank-statements/decode';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FileTooLargeError, type HandedInFiles } from '../../core/ports';

let shared: S3Client | undefined;

export function s3Client(): S3Client {
  shared ??= new S3Client({
    forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === 'true',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return shared;
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);
}

export class S3HandedInFiles implements HandedInFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, content: string, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: content, ContentType: contentType }));
  }

  async read(key: string, maxBytes: number): Promise<string | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = object.ContentLength ?? 0;
      if (bytes > maxBytes) {
        object.Body?.transformToWebStream().cancel().catch(() => undefined);
        throw new FileTooLargeError(key, bytes, maxBytes);
      }
      // A bank statement handed in by upload URL may be ISO-8859-1/Windows-1252 or carry a BOM:
      // decoded as the statement readers decode bytes (UTF-8 text, JSON included, reads as before).
      const content = await object.Body?.transformToByteArray();
      return content ? decodeStatementBytes(content).text : '';
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async uploadUrl(key: string, contentLength: number, expiresInSeconds: number): Promise<string> {
    // The length is a signed header: S3 refuses a PUT of any other length (SignatureDoesNotMatch).
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentLength: contentLength }), { expiresIn: expiresInSeconds });
  }
}
