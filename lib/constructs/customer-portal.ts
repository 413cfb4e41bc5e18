/**
 * The customer-facing side on AWS:
 *
 * - the portal page (`lib/portal`, the same Vite build as the finance console) in a private S3
 *   bucket behind CloudFront (origin access control, HTTPS only, security headers: the page's
 *   CSP, no framing, no referrer), with `config.json` beside it naming the API's URL;
 * - the pay link secret (Secrets Manager, generated) for the functions that issue links (those that
 *   send email) and the authorizer that checks them;
 * - the payment provider's secret key and webhook signing secret (Secrets Manager, JSON
 *   `{"secretKey", "webhookSecret"}`: created with placeholders, finance's Stripe keys are put in
 *   after the first deployment) for the portal (checkout) and the webhook function;
 * - the portal's address (`PORTAL_URL`) for the functions that put links in messages or send
 *   customers to the provider's checkout and back.
 *
 * `POST /webhooks/stripe` itself is a route of the API without an authorizer (see `http-api.ts`):
 * its function accepts only bodies signed by Stripe.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, CfnOutput, Duration, NestedStack, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { functions } from '../definitions/functions';
import { PAY_LINK_SECRET_ENV, PORTAL_URL_ENV, STRIPE_SECRET_KEY_ENV, STRIPE_WEBHOOK_SECRET_ENV } from '../definitions/settings';
import type { DeploymentConfig } from './deployment-config';
import type { HandlerFunctions } from './handler-functions';
import { removalPolicyOf, resourceName } from './deployment-config';
import { repositoryRoot } from './repository';

export interface CustomerPortalProps {
  readonly config: DeploymentConfig;
  readonly functions: HandlerFunctions;
  /** The API's base URL (the stage's invoke URL). */
  readonly apiUrl: string;
}

/** The portal page's build (`npm run build:portal`); deployed when present at synth. */
export const PORTAL_DIST_DIR = join(repositoryRoot, 'lib', 'portal', 'dist');

/** Who issues or checks pay links: every function that sends email, and the authorizer. */
export const PAY_LINK_FUNCTIONS = [...functions.filter((f) => f.sendsEmail).map((f) => f.id), 'Authorizer'] as const;
/** Who talks to the payment provider. */
export const STRIPE_FUNCTIONS = ['Portal', 'StripeWebhook'] as const;
/** Who needs the portal's address: the link issuers and the checkout (its return URLs). */
export const PORTAL_URL_FUNCTIONS = [...functions.filter((f) => f.sendsEmail).map((f) => f.id), 'Portal'] as const;

/**
 * The portal page's hosting, in a nested stack of its own: the bucket, the distribution and the
 * deployment of the built page (CloudFormation's 500 resources per stack stay for the API).
 */
export class PortalHosting extends NestedStack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: { readonly config: DeploymentConfig; readonly apiUrl: string }) {
    super(scope, id, { description: `${props.config.settings.stage} customer portal: the page behind CloudFront` });
    const { config } = props;

    this.bucket = new s3.Bucket(this, 'PortalBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: removalPolicyOf(config),
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'The bucket holds only the built portal page (public content, no customer data), written by the deployment; every read goes through CloudFront, whose requests are what matters.',
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'PortalHeaders', {
      responseHeadersPolicyName: resourceName(config, 'PortalHeaders'),
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src https:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentTypeOptions: { override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'PortalDistribution', {
      comment: `${config.settings.stage} customer portal`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Customers pay from wherever they are; a pay link is the only way in and is checked by the API, not by the country of the viewer.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'The distribution serves a static page only; the API behind it (where pay links are checked) is throttled per stage, and a WAF web ACL is an account-level choice attached by the platform team.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason: 'Static page only: who did what is audited by the API (the portal activity with source address and user agent), not by the page requests.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'The default CloudFront certificate is used until a custom domain is configured; the viewer policy is TLS 1.2 (2021) as far as the default certificate allows.',
    });

    // The built page when there is one; otherwise a page that says so (and a warning at synth), so
    // the stack is the same with or without a build.
    const built = existsSync(join(PORTAL_DIST_DIR, 'index.html'));
    if (!built) Annotations.of(this).addWarningV2('portal:not-built', `The customer portal is not built (${PORTAL_DIST_DIR}): run \`npm run build:portal\` before deploying`);
    new s3deploy.BucketDeployment(this, 'PortalPage', {
      destinationBucket: this.bucket,
      sources: [
        built ? s3deploy.Source.asset(PORTAL_DIST_DIR, { exclude: ['.source-hash', '*.map'] }) : s3deploy.Source.data('index.html', '<!doctype html><title>Not built</title><p>The customer portal was deployed without its build: run npm run build:portal and deploy again.</p>'),
        s3deploy.Source.jsonData('config.json', { apiUrl: props.apiUrl }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
    });

    this.acknowledgeDeploymentHandler();
  }

  /**
   * The findings on CDK's own BucketDeployment handler (one per stack, outside this construct),
   * acknowledged where it is, with the reason.
   */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) return;
    const reason =
      "CDK's BucketDeployment handler (a Lambda run only by CloudFormation at deployment) copies the built portal page from the CDK asset bucket " +
      'into the portal bucket and invalidates the distribution; its runtime, managed logging policy and s3 object wildcards are what CDK generates for that copy.';
    const bucketArn = stack.resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    const ids = [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((a) => `AwsSolutions-IAM5[Action::${a}]`),
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::<${bucketArn}.Arn>/*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${stack.synthesizer.bootstrapQualifier ?? 'hnb659fds'}-assets-<AWS::AccountId>-<AWS::Region>/*]`,
      'AwsSolutions-L1',
    ];
    for (const id of ids) Validations.of(handler).acknowledge({ id, reason });
  }
}

export class CustomerPortal extends Construct {
  readonly hosting: PortalHosting;
  readonly payLinkSecret: secretsmanager.Secret;
  readonly stripeSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CustomerPortalProps) {
    super(scope, id);
    const { config } = props;
    this.hosting = new PortalHosting(this, 'Hosting', { config, apiUrl: props.apiUrl });
    const portalUrl = `https://${this.hosting.distribution.distributionDomainName}/`;

    this.payLinkSecret = new secretsmanager.Secret(this, 'PayLinkSecret', {
      secretName: resourceName(config, 'PayLinkSecret'),
      description: "Signs customers' pay links (HMAC-SHA256): a link not made with it is refused; a new value invalidates every link sent",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: removalPolicyOf(config),
    });
    this.stripeSecret = new secretsmanager.Secret(this, 'StripeSecret', {
      secretName: resourceName(config, 'StripeSecret'),
      description: 'The payment provider (Stripe): {"secretKey": "sk_...", "webhookSecret": "whsec_..."}; put finance\'s keys in after the first deployment',
      secretObjectValue: { secretKey: SecretValue.unsafePlainText('sk_test_replace_me'), webhookSecret: SecretValue.unsafePlainText('whsec_replace_me_with_the_endpoint_secret') },
      removalPolicy: removalPolicyOf(config),
    });
    for (const secret of [this.payLinkSecret, this.stripeSecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Resolved into the functions\' environment at deploy time (as the cursor secret): a rotation takes effect with the next deployment. ' +
          'Rotating the pay link secret invalidates every link sent; the Stripe keys are rotated in Stripe\'s dashboard and then here.',
      });
    }

    for (const id of new Set(PAY_LINK_FUNCTIONS)) props.functions.function(id).addEnvironment(PAY_LINK_SECRET_ENV, this.payLinkSecret.secretValue.unsafeUnwrap());
    for (const id of new Set(PORTAL_URL_FUNCTIONS)) props.functions.function(id).addEnvironment(PORTAL_URL_ENV, portalUrl);
    for (const id of STRIPE_FUNCTIONS) {
      props.functions.function(id).addEnvironment(STRIPE_SECRET_KEY_ENV, this.stripeSecret.secretValueFromJson('secretKey').unsafeUnwrap());
      props.functions.function(id).addEnvironment(STRIPE_WEBHOOK_SECRET_ENV, this.stripeSecret.secretValueFromJson('webhookSecret').unsafeUnwrap());
    }
    new CfnOutput(this, 'PortalUrl', { key: 'PortalUrl', value: portalUrl, description: 'The customer portal (pay links open it)' });
    new CfnOutput(this, 'StripeWebhookUrl', { key: 'StripeWebhookUrl', value: `${props.apiUrl.replace(/\/+$/, '')}/webhooks/stripe`, description: 'Register this endpoint in Stripe (events checkout.session.completed, payment_intent.succeeded, charge.refunded, charge.dispute.created)' });
  }

}
