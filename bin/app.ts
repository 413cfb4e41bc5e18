/**
 * The CDK app: one order-to-cash stack for the stage named in context (`npx cdk synth -c stage=prod`),
 * checked by the cdk-nag AWS Solutions rules on every synth. Every acknowledged rule carries its
 * reason next to the resource it concerns (lib/constructs/).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { deploymentConfigFrom, stackName } from '../lib/constructs/deployment-config';
import { OrderToCashStack } from '../lib/order-to-cash-stack';

const app = new App();
const config = deploymentConfigFrom(app.node);
new OrderToCashStack(app, stackName(config.settings.stage), {
  config,
  description: `Order-to-cash: orders, invoices, dunning and cash application (${config.settings.stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
