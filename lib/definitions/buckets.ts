/**
 * The S3 buckets, declared once. The CDK stack creates them (encrypted, public access blocked, SSL
 * only, objects expiring) and the local runtime creates the same buckets in its S3 emulator. A
 * function learns a bucket's name from the environment variable named here, and may touch only the
 * key prefixes its declaration lists (lib/definitions/functions.ts).
 */

export type BucketId = 'Uploads';

export interface BucketDefinition {
  readonly id: BucketId;
  /** Environment variable that carries the bucket's name to the functions that use it. */
  readonly envVar: string;
  readonly description: string;
  /** Every object is deleted this many days after it was written (lifecycle rule). */
  readonly expireAfterDays: number;
}

export const buckets: readonly BucketDefinition[] = [
  {
    id: 'Uploads',
    envVar: 'UPLOADS_BUCKET',
    description:
      'Files handed in for processing: bank statements (statements/uploads/<uploadId> put through a presigned URL, statements/received/<statementId> sent in a request body) and open-item imports (imports/...), read by the state machines that process them',
    expireAfterDays: 14,
  },
];

/** The key prefixes of the Uploads bucket. */
export const uploadPrefixes = {
  /** Bank statements PUT by the client through a presigned URL: `statements/uploads/<uploadId>`. */
  statementUploads: 'statements/uploads/',
  /** Bank statements sent as a request body, kept for the state machine: `statements/received/<statementId>`. */
  statementsReceived: 'statements/received/',
  /** Every statement file, whichever way it came. */
  statements: 'statements/',
  /** Open-item imports PUT through a presigned URL: `imports/uploads/<uploadId>`. */
  importUploads: 'imports/uploads/',
  /** Open-item imports sent as a request body: `imports/received/<importId>.json`. */
  importsReceived: 'imports/received/',
  imports: 'imports/',
} as const;

export function bucketById(id: BucketId): BucketDefinition {
  const bucket = buckets.find((b) => b.id === id);
  if (!bucket) throw new Error(`No bucket ${id}`);
  return bucket;
}
