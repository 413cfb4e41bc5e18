import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { deploymentConfigFrom } from '../../lib/constructs/deployment-config';
import { repositoryRoot } from '../../lib/constructs/repository';
import { functions } from '../../lib/definitions/functions';
import { stateMachines } from '../../lib/definitions/state-machines';
import { tables } from '../../lib/definitions/tables';
import { buildStack, cdkJsonContext, completeSeller } from './fixture';

type Res = { Properties: Record<string, unknown> };
const namesOf = (built: ReturnType<typeof buildStack>, type: string, property: string) =>
  Object.values(built.template.findResources(type) as Record<string, Res>).map((r) => r.Properties[property] as string);

describe('stage from context', () => {
  const prod = buildStack({
    stage: 'prod',
    businessTimeZone: 'America/New_York',
    logLevel: 'DEBUG',
    seller: JSON.stringify({ ...completeSeller, name: 'Prod Seller Inc.' }),
    customerDefaults: '{"creditLimit":"2500","paymentTermsDays":14}',
  });

  it('names the stack and every named resource after the stage', () => {
    expect(prod.stack.stackName).toBe('OrderToCash-prod');
    expect(namesOf(prod, 'AWS::DynamoDB::GlobalTable', 'TableName').sort()).toEqual(tables.map((t) => `order-to-cash-prod-${t.id}`).sort());
    expect(namesOf(prod, 'AWS::Lambda::Function', 'FunctionName').sort()).toEqual(functions.map((f) => `order-to-cash-prod-${f.id}`).sort());
    expect(namesOf(prod, 'AWS::StepFunctions::StateMachine', 'StateMachineName')).toEqual(stateMachines.map((m) => `prod-${m.name}`));
    expect(namesOf(prod, 'AWS::ApiGateway::RestApi', 'Name')).toEqual(['order-to-cash-prod-Api']);
    expect(namesOf(prod, 'AWS::ApiGateway::Stage', 'StageName')).toEqual(['prod']);
    for (const name of namesOf(prod, 'AWS::Logs::LogGroup', 'LogGroupName')) expect(name).toMatch(/prod/);
    expect(JSON.stringify(prod.template.toJSON())).not.toMatch(/order-to-cash-dev|dev-OrderLifecycle/);
  });

  it('passes the settings from context to every function', () => {
    const fns = prod.template.findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>;
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ STAGE: 'prod', BUSINESS_TIME_ZONE: 'America/New_York', POWERTOOLS_LOG_LEVEL: 'DEBUG' });
      expect(JSON.parse(fn.Properties.Environment.Variables.SELLER_JSON as string)).toMatchObject({ name: 'Prod Seller Inc.', iban: completeSeller.iban });
      expect(JSON.parse(fn.Properties.Environment.Variables.CUSTOMER_DEFAULTS_JSON as string)).toEqual({ creditLimit: '2500', paymentTermsDays: 14, dunningPolicyId: 'default' });
    }
  });

  it('retains logs of non-dev stages and deletes those of dev', () => {
    prod.template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    buildStack().template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  it('rejects context values that cannot be right, naming the key', () => {
    const configOf = (context: Record<string, unknown>) => deploymentConfigFrom(new App({ context: { ...cdkJsonContext, seller: completeSeller, ...context } }).node);
    expect(() => configOf({ stage: 'Prod_1' })).toThrow(/"stage"/);
    expect(() => configOf({ customerDefaults: { creditLimit: '10.50' } })).toThrow(/"customerDefaults.creditLimit"/);
    expect(() => configOf({ customerDefaults: { paymentTermsDays: 400 } })).toThrow(/"customerDefaults.paymentTermsDays"/);
    expect(() => configOf({ customerDefaults: '{not json' })).toThrow(/"customerDefaults"/);
    expect(() => configOf({ logLevel: 'LOUD' })).toThrow(/"logLevel"/);
    expect(() => configOf({ apiThrottleRateLimit: 'fast' })).toThrow(/"apiThrottleRateLimit"/);
    expect(() => configOf({ logRetentionDays: '42' })).toThrow(/"logRetentionDays"/);
    expect(() => configOf({ tracing: 'yes' })).toThrow(/"tracing"/);
    expect(() => configOf({ seller: '{not json' })).toThrow(/"seller"/);
  });

  it('refuses a stage other than local with placeholder or missing seller data, naming each field', () => {
    const configOf = (context: Record<string, unknown>) => deploymentConfigFrom(new App({ context: { ...cdkJsonContext, ...context } }).node);
    expect(() => configOf({ stage: 'prod' })).toThrow(/seller\.name is the placeholder .*seller\.iban is the placeholder.*seller\.vatId is the placeholder/);
    expect(() => configOf({ stage: 'prod', seller: { ...completeSeller, contact: undefined } })).toThrow(/seller\.contact is missing/);
    expect(() => configOf({ stage: 'prod', seller: { ...completeSeller, iban: 'DE02120300000000202052' } })).toThrow(/seller\.iban "DE02120300000000202052" is not a valid IBAN/);
    expect(() => configOf({ stage: 'prod', seller: { ...completeSeller, bic: 'NOTABIC' } })).toThrow(/seller\.bic "NOTABIC" is not a valid BIC/);
    expect(configOf({ stage: 'prod', seller: completeSeller }).settings.seller.name).toBe('Nordlicht Handels GmbH');
    expect(configOf({ stage: 'local' }).settings.seller.name).toBe('Example Trading GmbH');
  });
});

describe('sources', () => {
  it('every declared handler entry exists and exports `handler`', () => {
    const problems = functions.flatMap((f) => {
      const file = path.join(repositoryRoot, f.entry);
      if (!fs.existsSync(file)) return [`${f.id}: ${f.entry} is missing`];
      const text = fs.readFileSync(file, 'utf8');
      const exportsHandler = /export\s+(const|let|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/.test(text);
      return exportsHandler ? [] : [`${f.id}: ${f.entry} does not export handler`];
    });
    expect(problems).toEqual([]);
  });

  it('the stack builds without allowMissingSources (what a deployment uses)', () => {
    const built = buildStack({ allowMissingSources: false });
    expect(built.stack.missingSources).toEqual([]);
  });
});
