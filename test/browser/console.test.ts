/**
 * The finance console in headless Chromium against the whole local AWS: finance approves a credit
 * hold, applies an unapplied payment by hand, moves the clock and sees the consequence (a reminder
 * email when dunning is there, the invoice overdue either way), and opens an order to see its state
 * picture. Data is built through the API; the console is driven like a user, with the keyboard
 * where it matters. Screenshots are kept in `test-results/browser/`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver } from '../integration/support/api-driver';
import { connect, launchBrowser, readmeScreenshot, screenshot, type Browser } from './support/browser';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let browser: Browser;
let page: Page;
let console_: string;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  console_ = `${stack.local.url}/console/`;
  browser = await launchBrowser();
  page = browser.page;
  await connect(page, stack.local.url, stack.local.apiKeys.finance);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function customer(overrides: Record<string, unknown> = {}) {
  const customerId = uniqueId('web');
  const response = await api.registerCustomer(customerId, { name: 'Console Test GmbH', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '5000.00', paymentTermsDays: 14, ...overrides });
  expect(response.status).toBe(201);
  return customerId;
}

async function order(customerId: string, unitPrice: string) {
  const placed = await api.post('/orders', { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 1, unitPrice, taxRate: '19' }] });
  expect(placed.status).toBe(202);
  return String(placed.body.orderId);
}

async function invoicedOrder(customerId: string, unitPrice: string) {
  const orderId = await order(customerId, unitPrice);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.post(`/orders/${orderId}/shipments`, {})).status).toBe(202);
  const invoiced = await api.waitFor('the invoice', () => api.get(`/orders/${orderId}`), (r) => typeof r.body.invoiceId === 'string');
  const invoiceId = String(invoiced.body.invoiceId);
  const invoice = await api.waitFor('the invoice to be sent', () => api.get(`/invoices/${invoiceId}`), (r) => r.body.sentAt !== null);
  return { orderId, invoiceId, invoice: invoice.body };
}

/** Opens a page of the console; the same page again is reloaded, so that it reads the API afresh. */
async function go(hash: string) {
  const target = `${console_}${hash}`;
  if (page.url() === target) await page.reload();
  else await page.goto(target);
}

describe('finance console', () => {
  it('shows the receivables, aging chart and KPIs on the dashboard', async () => {
    const acme = await customer({ name: 'ACME GmbH' });
    const bolt = await customer({ name: 'Bolt & Nuts <Ltd>' });
    await invoicedOrder(acme, '449.70');
    await invoicedOrder(bolt, '1200.00');
    await go('#/dashboard');
    await page.getByRole('heading', { name: 'Aging (EUR)' }).waitFor();
    await expect.poll(() => page.getByTestId('receivables-EUR').textContent()).toContain('1,963.14 EUR');
    // Customer text is shown as text, never as markup.
    await page.getByRole('link', { name: 'Bolt & Nuts <Ltd>' }).waitFor();
    expect(await page.getByTestId('dso').textContent()).toMatch(/days/);
    expect(await page.locator('canvas').count()).toBe(2);
    await screenshot(page, 'dashboard');
  });

  it('approves a credit hold from the worklist, with a reason, using the keyboard', async () => {
    const customerId = await customer({ creditLimit: '100.00' });
    const orderId = await order(customerId, '500.00');
    await api.waitForOrderStatus(orderId, 'CREDIT_HOLD');

    await go('#/worklists');
    const item = page.getByTestId(`hold-${orderId}`);
    await item.waitFor();
    await item.getByLabel(`Reason for order ${orderId}`).fill('long-standing customer, paid on time for years');
    await item.getByLabel(`Reason for order ${orderId}`).press('Enter');
    await expect.poll(() => item.getByRole('status').textContent()).toContain(`Approved: order ${orderId} goes on`);
    await screenshot(page, 'credit-hold-approved');
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    const history = (await api.get<{ history: { note?: string }[] }>(`/orders/${orderId}`)).body.history;
    expect(history.map((h) => h.note ?? '').join(' ')).toContain('long-standing customer');
  });

  it('shows why an action is refused, in words', async () => {
    const customerId = await customer({ creditLimit: '100.00' });
    const orderId = await order(customerId, '500.00');
    await api.waitForOrderStatus(orderId, 'CREDIT_HOLD');
    await go(`#/orders/${orderId}`);
    const form = page.getByRole('form', { name: `Credit decision for order ${orderId}` });
    await form.waitFor();
    // No reason: the browser asks for it first (required field); an empty reason of spaces reaches the API.
    await form.getByLabel(`Reason for order ${orderId}`).fill('   ');
    await form.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/Refused \(400 VALIDATION_FAILED\): reason/);
    expect(await api.orderStatus(orderId)).toBe('CREDIT_HOLD');
  });

  it('applies an unapplied payment by hand', async () => {
    const customerId = await customer();
    const { invoiceId, invoice } = await invoicedOrder(customerId, '100.00');
    const paid = await api.post<{ paymentId: string; status: string }>('/payments', { amount: '119.00', currency: 'EUR', reference: 'thanks for the chairs', payerName: 'Console Test', valueDate: String(invoice.issueDate), providerPaymentId: uniqueId('psp') });
    expect(paid.status).toBe(201);
    expect(paid.body.status).toBe('unapplied');
    const paymentId = paid.body.paymentId;

    await go('#/worklists');
    const item = page.getByTestId(`unapplied-${paymentId}`);
    await item.waitFor();
    await item.getByLabel('Invoice id 1').fill(invoiceId);
    await item.getByLabel('Amount 1 (EUR)').fill('119.00');
    await item.getByRole('button', { name: 'Apply payment' }).click();
    await expect.poll(() => item.getByRole('status').textContent()).toContain(`Applied 119.00 EUR to ${invoiceId}; nothing left unapplied`);
    await screenshot(page, 'payment-applied');
    await api.waitFor('the invoice to be paid', () => api.get(`/invoices/${invoiceId}`), (r) => r.body.status === 'PAID');
    await go(`#/invoices/${invoiceId}`);
    await expect.poll(() => page.getByTestId('invoice-status').textContent()).toBe('PAID');
    await page.getByRole('cell', { name: paymentId }).waitFor();
    // The document as the customer sees it, in a sandboxed frame.
    await page.frameLocator('iframe.document').getByText(String(invoice.number)).first().waitFor();
  });

  it('moves the clock and sees the consequence: a reminder when dunning is there, the invoice overdue either way', async () => {
    const customerId = await customer({ paymentTermsDays: 7 });
    const { invoiceId, invoice } = await invoicedOrder(customerId, '80.00');
    const dunning = (await api.get('/dunning/policies')).status !== 403;

    await go('#/clock');
    const move = page.getByRole('form', { name: 'Move the clock' });
    await move.getByLabel('Move forward by (ISO 8601 duration)').fill('P30D');
    await move.getByRole('button', { name: 'Move the clock' }).click();
    await expect.poll(() => page.locator('.outcome').textContent(), { timeout: 120_000 }).toContain('The clock moved P30D');

    await api.waitFor('the invoice to be overdue', () => api.get(`/invoices/${invoiceId}`), (r) => r.body.status === 'OVERDUE' || (r.body.dunning as { level?: number })?.level! > 0);
    await go(`#/invoices/${invoiceId}`);
    await expect.poll(() => page.getByTestId('invoice-status').textContent()).toBe('OVERDUE');
    await screenshot(page, 'invoice-overdue');

    if (dunning) {
      // The daily run after the due date (plus grace days) reminds the customer.
      await go('#/emails');
      await page.getByLabel('Subject or recipient contains').fill(`${customerId}@example.com`);
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Refresh' }).click();
            return (await page.getByTestId('email').allTextContents()).join('\n');
          },
          { timeout: 60_000, interval: 1000 },
        )
        .toMatch(/remind/i);
      await screenshot(page, 'reminder-email');
    }
    expect(String(invoice.number)).toMatch(/^INV-/);
  });

  it('records a promise to pay and opens a dispute from the invoice page, when the API offers them', async () => {
    if ((await api.get('/dunning/policies')).status === 403) return; // no dunning in this API: nothing to act with
    const customerId = await customer({ paymentTermsDays: 3 });
    const promised = await invoicedOrder(customerId, '50.00');
    const disputed = await invoicedOrder(customerId, '70.00');
    const today = String((await api.get<{ now: string }>('/_local/clock')).body.now).slice(0, 10);
    const inFiveDays = new Date(Date.parse(`${today}T00:00:00Z`) + 5 * 86_400_000).toISOString().slice(0, 10);

    await go(`#/invoices/${promised.invoiceId}`);
    const promise = page.getByRole('form', { name: 'Record a promise to pay' });
    await promise.getByLabel('Amount in EUR').fill('59.50');
    await promise.getByLabel('Promised date').fill(inFiveDays);
    await promise.getByRole('button', { name: 'Record a promise to pay' }).click();
    await expect.poll(() => promise.getByRole('status').textContent()).toContain('Promise recorded');
    await expect.poll(() => page.getByRole('region', { name: 'Dunning' }).textContent()).toContain(`Promise of 59.50 EUR by ${inFiveDays}: open`);

    await go(`#/invoices/${disputed.invoiceId}`);
    const dispute = page.getByRole('form', { name: 'Open a dispute' });
    await dispute.getByLabel('Reason').fill('two chairs arrived broken');
    await dispute.getByRole('button', { name: 'Open a dispute' }).click();
    await expect.poll(() => dispute.getByRole('status').textContent()).toMatch(/Dispute D-.* opened/);
    await expect.poll(() => page.getByRole('region', { name: 'Dunning' }).textContent()).toContain('two chairs arrived broken');
    await screenshot(page, 'invoice-disputed');

    // A second dispute on the same invoice is refused, and the console says why.
    await dispute.getByLabel('Reason').fill('again');
    await dispute.getByRole('button', { name: 'Open a dispute' }).click();
    await expect.poll(() => dispute.getByRole('alert').textContent()).toMatch(/Refused \(409/);
  });

  it("opens an order and sees its state picture, the current state highlighted", async () => {
    const customerId = await customer();
    const orderId = await order(customerId, '25.00');
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');

    await go('#/orders');
    await page.getByLabel('Status').selectOption('AWAITING_SHIPMENT');
    await page.getByRole('button', { name: 'Show orders' }).click();
    await page.getByRole('link', { name: orderId }).click();
    const graph = page.getByTestId('state-graph');
    await graph.waitFor();
    const state = (name: string) => graph.locator(`[data-state="${name}"]`).getAttribute('data-status');
    await expect.poll(() => state('CheckCreditAndWaitForShipment')).toBe('current');
    expect(await state('WaitForShipment')).toBe('unvisited');
    expect(await state('InvoiceShipment')).toBe('unvisited');
    // Taken edge: the start into CheckCreditAndWaitForShipment (credit approved at once, the same step waits for the shipment).
    expect(await graph.locator('.edge.taken').count()).toBe(1);
    expect(await page.getByTestId('execution-status').textContent()).toContain('now in CheckCreditAndWaitForShipment');
    await page.getByRole('cell', { name: 'still here' }).waitFor();
    await screenshot(page, 'order');
    await readmeScreenshot(page, 'order', 'section.panel:has(#execution-title)');
  });

  it('shows what is overdue on the dashboard once time has passed', async () => {
    await go('#/dashboard');
    await page.getByRole('heading', { name: 'Aging (EUR)' }).waitFor();
    const card = page.getByTestId('receivables-EUR');
    await expect.poll(async () => (await card.textContent()) ?? '').toMatch(/Overdue[^A-Z]*[1-9]/);
    await screenshot(page, 'dashboard-later');
    await readmeScreenshot(page, 'dashboard', 'main');
  });

  it("shows the cash-in forecast on the dashboard and an invoice's predicted payment with its reasons", async () => {
    const customerId = await customer();
    const { invoiceId } = await invoicedOrder(customerId, '80.00');
    expect((await api.post('/predictions/runs', { retrain: true }, 'finance')).status).toBe(201);
    await go('#/dashboard');
    const forecast = page.getByRole('region', { name: 'Cash-in forecast, 13 weeks' });
    await expect.poll(() => forecast.textContent()).toContain('Made ');
    expect(await forecast.getByRole('img').getAttribute('aria-label')).toMatch(/^Cash-in forecast of EUR by week: week of \d{4}-\d{2}-\d{2} expected/);
    await screenshot(page, 'dashboard-forecast');
    await go(`#/invoices/${invoiceId}`);
    const prediction = page.getByRole('region', { name: 'Predicted payment' });
    await expect.poll(() => prediction.textContent()).toMatch(/80% between \d{4}-\d{2}-\d{2} and \d{4}-\d{2}-\d{2}/);
    expect(await prediction.getByRole('listitem').count()).toBeGreaterThan(0);
    await screenshot(page, 'invoice-prediction');
  });

  it('keeps every control labelled', async () => {
    for (const hash of ['#/dashboard', '#/orders', '#/invoices', '#/worklists', '#/clock', '#/emails', '#/connection']) {
      await go(hash);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      // Evaluated in the page (a string: this test file is compiled without the DOM types).
      const unlabelled = await page.evaluate<string[]>(
        `[...document.querySelectorAll('input, select, textarea')].filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.outerHTML.slice(0, 80))`,
      );
      expect(unlabelled, hash).toEqual([]);
      const nameless = await page.evaluate<number>(`[...document.querySelectorAll('button')].filter((b) => !(b.textContent ?? '').trim() && !b.getAttribute('aria-label')).length`);
      expect(nameless, hash).toBe(0);
    }
  });
});
