/**
 * The state machines, declared once. The ASL lives in `statemachines/*.asl.json`; `${Name}`
 * placeholders are filled from `substitutions`: a function's ARN, a table's name or another state
 * machine's ARN. The CDK stack passes them as `definitionSubstitutions`; the local runtime fills
 * them with its local ARNs and table names. Tests check that every placeholder has a substitution
 * and every substitution is used.
 */
import type { FunctionId } from './functions';
import type { TableId } from './tables';

export type StateMachineId = 'OrderLifecycle' | 'InvoiceSettlement' | 'DunningEscalation' | 'StatementProcessing' | 'InvoiceImport' | 'WebhookDelivery';

export type Substitution =
  | { readonly kind: 'functionArn'; readonly functionId: FunctionId }
  | { readonly kind: 'tableName'; readonly tableId: TableId }
  | { readonly kind: 'stateMachineArn'; readonly stateMachineId: StateMachineId };

export interface StateMachineDefinition {
  readonly id: StateMachineId;
  /** The name of the state machine, as finance sees it in the console. */
  readonly name: string;
  readonly file: string;
  /** Environment variable that carries the machine's ARN to functions that start it. */
  readonly envVar: string;
  readonly substitutions: Readonly<Record<string, Substitution>>;
}

const fn = (functionId: FunctionId): Substitution => ({ kind: 'functionArn', functionId });
const table = (tableId: TableId): Substitution => ({ kind: 'tableName', tableId });
const machine = (stateMachineId: StateMachineId): Substitution => ({ kind: 'stateMachineArn', stateMachineId });

/** Every machine's NeedsAttention (finance's worklist) and ContinueInNewExecutionIfOld (the one-year limit). */
const resilience = {
  RecordNeedsAttentionFunctionArn: fn('RecordNeedsAttention'),
  RenewExecutionFunctionArn: fn('RenewExecution'),
} as const;

export const stateMachines: readonly StateMachineDefinition[] = [
  {
    id: 'InvoiceSettlement',
    name: 'InvoiceSettlement',
    file: 'statemachines/invoice-settlement.asl.json',
    envVar: 'INVOICE_SETTLEMENT_STATE_MACHINE_ARN',
    substitutions: {
      WaitForPaymentFunctionArn: fn('WaitForPayment'),
      RecordInvoiceSettledFunctionArn: fn('RecordInvoiceSettled'),
      EndDunningEscalationFunctionArn: fn('EndDunningEscalation'),
      InvoicesTableName: table('Invoices'),
      ...resilience,
    },
  },
  {
    id: 'OrderLifecycle',
    name: 'OrderLifecycle',
    file: 'statemachines/order-lifecycle.asl.json',
    envVar: 'ORDER_LIFECYCLE_STATE_MACHINE_ARN',
    substitutions: {
      CheckCreditFunctionArn: fn('CheckCredit'),
      WaitForCreditDecisionFunctionArn: fn('WaitForCreditDecision'),
      WaitForShipmentFunctionArn: fn('WaitForShipment'),
      IssueInvoiceFunctionArn: fn('IssueInvoice'),
      WaitForOrderSettlementFunctionArn: fn('WaitForOrderSettlement'),
      CompleteOrderFunctionArn: fn('CompleteOrder'),
      MarkOverdueInvoicesFunctionArn: fn('MarkOverdueInvoices'),
      ...resilience,
    },
  },
  {
    id: 'DunningEscalation',
    name: 'DunningEscalation',
    file: 'statemachines/dunning-escalation.asl.json',
    envVar: 'DUNNING_ESCALATION_STATE_MACHINE_ARN',
    substitutions: {
      AwaitDunningEventFunctionArn: fn('AwaitDunningEvent'),
      ...resilience,
    },
  },
  {
    id: 'StatementProcessing',
    name: 'StatementProcessing',
    file: 'statemachines/statement-processing.asl.json',
    envVar: 'STATEMENT_PROCESSING_STATE_MACHINE_ARN',
    substitutions: {
      ReadStatementFunctionArn: fn('ReadStatement'),
      ApplyStatementLinesFunctionArn: fn('ApplyStatementLines'),
      ...resilience,
    },
  },
  {
    id: 'InvoiceImport',
    name: 'InvoiceImport',
    file: 'statemachines/invoice-import.asl.json',
    envVar: 'INVOICE_IMPORT_STATE_MACHINE_ARN',
    substitutions: {
      ImportOpenItemsFunctionArn: fn('ImportOpenItems'),
      ...resilience,
    },
  },
  {
    id: 'WebhookDelivery',
    name: 'WebhookDelivery',
    file: 'statemachines/webhook-delivery.asl.json',
    envVar: 'WEBHOOK_DELIVERY_STATE_MACHINE_ARN',
    substitutions: {
      DeliverWebhookFunctionArn: fn('DeliverWebhook'),
    },
  },
];

export function stateMachineById(id: StateMachineId): StateMachineDefinition {
  const found = stateMachines.find((m) => m.id === id);
  if (!found) throw new Error(`No state machine ${id}`);
  return found;
}
