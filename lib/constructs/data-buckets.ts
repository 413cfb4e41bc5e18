/**
 * One S3 bucket per entry of `buckets` (lib/definitions/buckets.ts): encrypted with S3-managed keys,
 * every kind of public access blocked, objects owned by the bucket owner (no ACLs), SSL required by
 * the bucket policy, and a lifecycle rule that deletes every object after the declared days (and
 * incomplete multipart uploads after a day). Functions reach it only through presigned URLs they
 * sign or the key prefixes their declarations grant.
 */
import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { buckets, type BucketId } from '../definitions/buckets';
import { removalPolicyOf, type DeploymentConfig } from './deployment-config';

export interface DataBucketsProps {
  readonly config: DeploymentConfig;
}

export class DataBuckets extends Construct {
  private readonly byId = new Map<BucketId, s3.Bucket>();

  constructor(scope: Construct, id: string, props: DataBucketsProps) {
    super(scope, id);
    const { config } = props;
    for (const definition of buckets) {
      const bucket = new s3.Bucket(this, definition.id, {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        versioned: false,
        lifecycleRules: [
          {
            id: 'ExpireHandedInFiles',
            enabled: true,
            expiration: Duration.days(definition.expireAfterDays),
            abortIncompleteMultipartUploadAfter: Duration.days(1),
          },
        ],
        // No autoDeleteObjects: it needs a custom-resource Lambda; a dev bucket empties itself within the expiry.
        removalPolicy: removalPolicyOf(config),
      });
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'No server access logs: the bucket holds files handed in for processing for ' +
          `${definition.expireAfterDays} days at most, written only through presigned PUT URLs that the ` +
          'finance API issues (every issue is an API Gateway request in its access log, with the ' +
          'caller and the upload id) and read only by the functions that process them.',
      });
      this.byId.set(definition.id, bucket);
      new CfnOutput(this, `${definition.id}BucketName`, { key: `${definition.id}BucketName`, value: bucket.bucketName, description: definition.description });
    }
  }

  /** The bucket created for a declared bucket id. */
  bucket(id: BucketId): s3.Bucket {
    const bucket = this.byId.get(id);
    if (!bucket) throw new Error(`No bucket ${id}`);
    return bucket;
  }
}
