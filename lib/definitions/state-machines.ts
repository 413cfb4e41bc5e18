/**
 * The state machines, declared once. The ASL lives in `statemachines/*.asl.json`; `${Name}`
 * placeholders are filled from `substitutions`: a function's ARN or a table's name. The CDK stack
 * passes them as `definitionSubstitutions`; the local runtime fills them with its local ARNs and
 * table names. Tests check that every placeholder has a substitution and every substitution is used.
 */
import type { FunctionId } from './functions';
import type { TableId } from './tables';

export type StateMachineId = 'OrderLifecycle';

export type Substitution =
  | { readonly kind: 'functionArn'; readonly functionId: FunctionId }
  | { readonly kind: 'tableName'; readonly tableId: TableId };

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

export const stateMachines: readonly StateMachineDefinition[] = [
  {
    id: 'OrderLifecycle',
    name: 'OrderLifecycle',
    file: 'statemachines/order-lifecycle.asl.json',
    envVar: 'ORDER_LIFECYCLE_STATE_MACHINE_ARN',
    substitutions: {
      WaitForShipmentFunctionArn: fn('WaitForShipment'),
      IssueInvoiceFunctionArn: fn('IssueInvoice'),
      SendInvoiceFunctionArn: fn('SendInvoice'),
      WaitForPaymentFunctionArn: fn('WaitForPayment'),
      CompleteOrderFunctionArn: fn('CompleteOrder'),
      InvoicesTableName: table('Invoices'),
    },
  },
];

export function stateMachineById(id: StateMachineId): StateMachineDefinition {
  const machine = stateMachines.find((m) => m.id === id);
  if (!machine) throw new Error(`No state machine ${id}`);
  return machine;
}
