/**
 * The one mapper of the invoice item: how an invoice is read from and written to the Invoices
 * table, and the names of the table's indexes (from the table declarations).
 *
 * - Reading drops the storage-only attributes (task tokens of the executions that wait on it).
 * - Writing a new invoice (or charges item) puts it, only if no item has its id.
 * - Writing a change updates exactly the attributes the change touched (so the task tokens and
 *   anything else the core does not see stay), appends to `history` and `allocations` rather
 *   than replacing them when the change only added entries (so an entry another writer appended
 *   meanwhile, e.g. "emailed to the customer", is kept), and removes the attributes the change
 *   dropped (`nextActionDate`, which keeps the invoice out of the sparse dunning index). It is
 *   conditional on the balance, status and dunning version that were read: any change of money,
 *   status or dunning in between makes it fail, and the writer reads again.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Invoice } from '../../core/invoices/invoice';
import type { InvoiceChange } from '../../core/posting/posting';
import { indexName } from '../../../lib/definitions/tables';
import { withoutAttributes } from './document-client';

/** Attributes of an invoice item that the core does not see. */
export const INVOICE_STORAGE_ONLY = ['paymentTaskToken', 'dunningTaskToken', 'dunningTaskSeen'] as const;

/** The Invoices table's indexes, as declared in `lib/definitions/tables.ts`. */
export const INVOICE_INDEX = {
  byNumber: indexName('Invoices', 'byNumber'),
  byRfReference: indexName('Invoices', 'byRfReference'),
  byCustomer: indexName('Invoices', 'byCustomer'),
  byStatus: indexName('Invoices', 'byStatus'),
  byNextActionDate: indexName('Invoices', 'byNextActionDate'),
  byOwner: indexName('Invoices', 'byOwner'),
} as const;

export function invoiceFromItem(item: Record<string, unknown>): Invoice {
  return withoutAttributes<Invoice>(item, ...INVOICE_STORAGE_ONLY);
}

/**
 * The index entries (`attributes` only) of the invoices whose `attribute` is `value` in one of the
 * Invoices indexes. Index reads are eventually consistent: read the items by key before deciding.
 */
export async function invoicesByIndex(
  db: DynamoDBDocumentClient,
  tableName: string,
  index: { readonly name: string; readonly attribute: string; readonly value: string },
  attributes: readonly string[] = ['invoiceId'],
): Promise<Record<string, unknown>[]> {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#a = :v',
      ExpressionAttributeNames: { '#a': index.attribute },
      ExpressionAttributeValues: { ':v': index.value },
      // Key attributes only (none of them a reserved word).
      ProjectionExpression: attributes.join(', '),
    }),
  );
  return Items ?? [];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** True when `after` is `before` with entries added at the end. */
function appended(before: unknown, after: unknown): after is unknown[] {
  return Array.isArray(before) && Array.isArray(after) && after.length > before.length && same(before, after.slice(0, before.length));
}

/** The transaction item that writes an invoice change (see the module comment). */
export function invoiceWrite(tableName: string, change: InvoiceChange) {
  const { before, after } = change;
  if (before === null) {
    return { Put: { TableName: tableName, Item: after, ConditionExpression: 'attribute_not_exists(invoiceId)' } };
  }
  if (before.invoiceId !== after.invoiceId) throw new Error(`An invoice change cannot change the invoice id (${before.invoiceId} to ${after.invoiceId})`);
  const names: Record<string, string> = { '#balance': 'balanceMinor', '#status': 'status' };
  const values: Record<string, unknown> = { ':beforeBalance': before.balanceMinor, ':beforeStatus': before.status };
  const set: string[] = [];
  const remove: string[] = [];
  const previous = before as unknown as Record<string, unknown>;
  const next = after as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(previous), ...Object.keys(next)])].filter((k) => k !== 'invoiceId').sort();
  keys.forEach((key, i) => {
    const [was, is] = [previous[key], next[key]];
    if (same(was, is)) return;
    names[`#a${i}`] = key;
    if (is === undefined) remove.push(`#a${i}`);
    else if ((key === 'history' || key === 'allocations') && appended(was, is)) {
      set.push(`#a${i} = list_append(#a${i}, :v${i})`);
      values[`:v${i}`] = is.slice((was as unknown[]).length);
    } else {
      set.push(`#a${i} = :v${i}`);
      values[`:v${i}`] = is;
    }
  });
  names['#dunning'] = 'dunning';
  names['#version'] = 'version';
  const version = before.dunning?.version ?? 0;
  let versionCondition = 'attribute_not_exists(#dunning.#version)';
  if (version > 0) {
    versionCondition = '#dunning.#version = :beforeVersion';
    values[':beforeVersion'] = version;
  }
  const expression = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].filter(Boolean).join(' ');
  if (!expression) {
    // Nothing changed: the condition alone (a ConditionCheck) keeps the posting honest about what it read.
    return {
      ConditionCheck: {
        TableName: tableName,
        Key: { invoiceId: after.invoiceId },
        ConditionExpression: `attribute_exists(invoiceId) AND #balance = :beforeBalance AND #status = :beforeStatus AND ${versionCondition}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }
  return {
    Update: {
      TableName: tableName,
      Key: { invoiceId: after.invoiceId },
      UpdateExpression: expression,
      ConditionExpression: `attribute_exists(invoiceId) AND #balance = :beforeBalance AND #status = :beforeStatus AND ${versionCondition}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
