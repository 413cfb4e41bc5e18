/**
 * The buckets declared in lib/definitions/buckets.ts: encrypted, no public access of any kind, no
 * ACLs, SSL required by the bucket policy, every object expiring, retained in production.
 */
import { describe, expect, it } from 'vitest';
import { buckets } from '../../lib/definitions/buckets';
import { buildStack } from './fixture';

const dev = buildStack();
const prod = buildStack({ stage: 'prod' });

describe.each(buckets.map((b) => [b.id, b] as const))('bucket %s', (id, definition) => {
  const bucket = () => dev.resource(dev.bucketLogicalId(id));

  it('is encrypted, blocks every kind of public access and owns its objects (no ACLs)', () => {
    expect(bucket().Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('deletes every object after the declared days, and incomplete multipart uploads after a day', () => {
    expect(bucket().Properties.LifecycleConfiguration).toEqual({
      Rules: [{ Id: 'ExpireHandedInFiles', Status: 'Enabled', ExpirationInDays: definition.expireAfterDays, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
    });
  });

  it('refuses requests without TLS (1.2 at least) in its bucket policy', () => {
    const policies = dev.template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: dev.bucketLogicalId(id) } } });
    const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    );
  });

  it('is retained in production and removed with a dev stack; its name is an output', () => {
    expect(prod.resource(prod.bucketLogicalId(id)).DeletionPolicy).toBe('Retain');
    expect(bucket().DeletionPolicy).toBe('Delete');
    dev.template.hasOutput(`${id}BucketName`, { Value: { Ref: dev.bucketLogicalId(id) } });
  });
});
