/**
 * The order-to-cash product in one stack per stage: the tables, functions, state machines and
 * HTTP API declared in `lib/definitions/`, wired with exactly the access each function declares.
 * Everything that varies by stage comes from CDK context (see `deploymentConfigFrom`).
 */
import { ArnFormat, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { DataTables } from './constructs/data-tables';
import { DataBuckets } from './constructs/data-buckets';
import { EmailFeedback } from './constructs/email-feedback';
import type { DeploymentConfig } from './constructs/deployment-config';
import { HandlerFunctions } from './constructs/handler-functions';
import { HttpApi } from './constructs/http-api';
import { Observability } from './constructs/observability';
import { Schedules } from './constructs/schedules';
import { Workflows } from './constructs/workflows';
import { DomainEventBus } from './constructs/event-bus';
import { CustomerPortal } from './constructs/customer-portal';

export interface OrderToCashStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

export class OrderToCashStack extends Stack {
  readonly config: DeploymentConfig;
  readonly tables: DataTables;
  readonly buckets: DataBuckets;
  readonly functions: HandlerFunctions;
  readonly workflows: Workflows;
  readonly httpApi: HttpApi;
  readonly schedules: Schedules;
  readonly emailFeedback: EmailFeedback;
  readonly observability: Observability;
  readonly events: DomainEventBus;
  readonly customerPortal: CustomerPortal;

  constructor(scope: Construct, id: string, props: OrderToCashStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    Tags.of(this).add('product', 'order-to-cash');
    Tags.of(this).add('stage', config.settings.stage);

    this.tables = new DataTables(this, 'Tables', { config });
    this.buckets = new DataBuckets(this, 'Buckets', { config });
    this.functions = new HandlerFunctions(this, 'Functions', { config, tables: this.tables, buckets: this.buckets, sesIdentityArn: this.sesIdentityArn(config) });
    this.workflows = new Workflows(this, 'Workflows', { config, tables: this.tables, functions: this.functions });
    this.httpApi = new HttpApi(this, 'HttpApi', { config, functions: this.functions });
    this.schedules = new Schedules(this, 'Schedules', { config, functions: this.functions });
    this.emailFeedback = new EmailFeedback(this, 'EmailFeedback', { config, functions: this.functions });
    // The API's URL from the API itself, not from its deployment (that depends on the functions, which get the portal's address).
    const apiUrl = `https://${this.httpApi.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${config.settings.stage}/`;
    this.customerPortal = new CustomerPortal(this, 'CustomerPortal', { config, functions: this.functions, apiUrl });
    this.observability = new Observability(this, 'Observability', { config, functions: this.functions, workflows: this.workflows, httpApi: this.httpApi });
    this.events = new DomainEventBus(this, 'Events', { config, tables: this.tables, functions: this.functions });
  }

  /** Sources missing at synth time (only possible with context `allowMissingSources=true`). */
  get missingSources(): string[] {
    return [...this.functions.missingEntries, ...this.workflows.missingDefinitions];
  }

  /**
   * The SES identity invoices and reminders are sent from: created here when context
   * `createSesIdentity` is true (it then still needs DNS or inbox verification), otherwise an
   * identity verified outside this stack, referenced by ARN.
   */
  private sesIdentityArn(config: DeploymentConfig): string {
    if (config.createSesIdentity) {
      const identity = new ses.EmailIdentity(this, 'SesIdentity', {
        identity: config.sesIdentity.includes('@') ? ses.Identity.email(config.sesIdentity) : ses.Identity.domain(config.sesIdentity),
      });
      return identity.emailIdentityArn;
    }
    return this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sesIdentity, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  }
}
