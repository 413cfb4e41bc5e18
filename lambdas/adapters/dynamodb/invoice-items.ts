/** How a payment's allocation changes a stored invoice, shared by every path that applies money. */
import type { Invoice } from '../../core/invoices/invoice';

/** The invoice update of an allocation: only if balance and status are still what was read. */
export function invoiceAllocationUpdate(tableName: string, before: Invoice, after: Invoice) {
  return {
    Update: {
      TableName: tableName,
      Key: { invoiceId: after.invoiceId },
      UpdateExpression: 'SET paidMinor = :paid, balanceMinor = :balance, #status = :status, allocations = :allocations, history = :history',
      ConditionExpression: 'balanceMinor = :beforeBalance AND #status = :beforeStatus',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':paid': after.paidMinor,
        ':balance': after.balanceMinor,
        ':status': after.status,
        ':allocations': after.allocations,
        ':history': after.history,
        ':beforeBalance': before.balanceMinor,
        ':beforeStatus': before.status,
      },
    },
  };
}
