/**
 * Large files go straight to S3: `POST /remittances/uploads` and `POST /invoices/import/uploads`
 * answer a presigned PUT URL for the Uploads bucket, valid {@link UPLOAD_URL_SECONDS} seconds and
 * only for the length the client declared (the length is signed: S3 refuses any other), with an
 * upload id; the client PUTs the file there, then starts the processing with `{"uploadId": "..."}`
 * (`POST /remittances`, `POST /invoices/import`). Nothing is recorded when a URL is issued: an
 * upload id names its object, and an object never started expires with the bucket's lifecycle rule.
 */
import { uploadPrefixes } from '../../../lib/definitions/buckets';
import { ValidationError } from '../errors';
import type { HandedInFiles } from '../ports';
import type { Clock } from '../time/clock';

/** How long a presigned upload URL is valid. */
export const UPLOAD_URL_SECONDS = 300;

export type UploadKind = 'statement' | 'import';

/** The largest file of each kind: a statement (bank exports of many thousand lines), an import (10,000 items as JSON). */
export const MAX_UPLOAD_BYTES: Readonly<Record<UploadKind, number>> = {
  statement: 25 * 1024 * 1024,
  import: 10 * 1024 * 1024,
};

const UPLOAD_PREFIX: Readonly<Record<UploadKind, string>> = { statement: uploadPrefixes.statementUploads, import: uploadPrefixes.importUploads };
const START_ROUTE: Readonly<Record<UploadKind, string>> = { statement: 'POST /remittances', import: 'POST /invoices/import' };

const UPLOAD_ID = /^up-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface UploadDeps {
  readonly files: HandedInFiles;
  readonly clock: Clock;
  readonly newId: () => string;
}

/** The key of an uploaded file in the Uploads bucket. */
export function uploadKey(kind: UploadKind, uploadId: string): string {
  return `${UPLOAD_PREFIX[kind]}${uploadId}`;
}

/**
 * The upload id of a start request `{"uploadId": "..."}`.
 *
 * @throws ValidationError naming `uploadId` when it is missing or not one this API issues.
 */
export function uploadIdOf(body: unknown, kind: UploadKind): string {
  const uploadId = (body as { uploadId?: unknown } | null | undefined)?.uploadId;
  if (uploadId === undefined) throw ValidationError.of('uploadId', `is required: the uploadId that POST ${kind === 'statement' ? '/remittances/uploads' : '/invoices/import/uploads'} answered`);
  if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) throw ValidationError.of('uploadId', `is not an upload id this API issued (up-<uuid>)`);
  return uploadId;
}

/**
 * Reads the file the client PUT for `uploadId`.
 *
 * @throws ValidationError naming `uploadId` when nothing was uploaded (yet) under it, or the file is empty.
 */
export async function uploadedFile(files: HandedInFiles, kind: UploadKind, uploadId: string): Promise<string> {
  const content = await files.read(uploadKey(kind, uploadId), MAX_UPLOAD_BYTES[kind]);
  if (content === undefined) throw ValidationError.of('uploadId', 'has no file: PUT the file to the upload URL first (an upload expires after 14 days)');
  if (content.trim() === '') throw ValidationError.of('uploadId', 'names an empty file');
  return content;
}

/**
 * `POST /remittances/uploads`, `POST /invoices/import/uploads`: a presigned PUT URL for a file of
 * `contentLength` bytes.
 *
 * @throws ValidationError naming `contentLength` when it is missing, not a whole number or above the limit.
 */
export async function createUploadUrl(deps: UploadDeps, kind: UploadKind, body: unknown) {
  const request = (body ?? {}) as { contentLength?: unknown };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ValidationError.of('(body)', 'must be a JSON object {"contentLength": <bytes of the file>}');
  const length = request.contentLength;
  const max = MAX_UPLOAD_BYTES[kind];
  if (length === undefined) throw ValidationError.of('contentLength', 'is required: the size of the file in bytes (the URL accepts exactly that many)');
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 1) throw ValidationError.of('contentLength', 'must be a whole number of bytes, at least 1');
  if (length > max) throw ValidationError.of('contentLength', `is ${length} bytes; a ${kind === 'statement' ? 'statement file' : 'file of open items'} may have ${max} bytes at most`);
  const uploadId = `up-${deps.newId()}`;
  const url = await deps.files.uploadUrl(uploadKey(kind, uploadId), length, UPLOAD_URL_SECONDS);
  const expiresAt = new Date(deps.clock.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return {
    uploadId,
    method: 'PUT' as const,
    url,
    headers: { 'content-length': String(length) },
    expiresAt,
    maxBytes: max,
    next: `PUT the file (exactly ${length} bytes) to url before ${expiresAt}, then ${START_ROUTE[kind]} with {"uploadId": "${uploadId}"}`,
  };
}
