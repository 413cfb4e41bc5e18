/**
 * The customer portal in headless Chromium against the whole local AWS, on a phone-sized and a
 * desktop window: the pay link from the invoice email opens the customer's page in their language;
 * the customer pays part of an item by card through the local payment provider (declining first),
 * disputes another, promises a date, reads the statement and changes the billing email, with the
 * keyboard where it matters; forged and expired links get the refusal page. Every form control has
 * a label. Screenshots are kept in `test-results/browser/` (`README_SCREENSHOTS=1` also writes the
 * README's pictures).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver } from '../integration/support/api-driver';
import { launchBrowser, readmeScreenshot, screenshot, type Browser } from './support/browser';
import { issuePayLinkToken } from '../../lambdas/core/portal/pay-link';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let browser: Browser;
let page: Page;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1360, height: 1000 };

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  browser = await launchBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A customer with `count` invoices emailed; the pay link of the last email. */
async function customerWithInvoices(locale: string, prices: string[]) {
  const customerId = uniqueId('web');
  expect((await api.registerCustomer(customerId, { name: 'Bäckerei Kraus <KG>', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '50000.00', paymentTermsDays: 14, locale })).status).toBe(201);
  const invoices: { invoiceId: string; number: string }[] = [];
  for (const price of prices) {
    const placed = await api.post('/orders', { customerId, currency: 'EUR', lines: [{ sku: 'OVEN-1', quantity: 1, unitPrice: price }] });
    const orderId = String(placed.body.orderId);
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    expect((await api.post(`/orders/${orderId}/shipments`, {})).status).toBe(202);
    const order = await api.waitForOrderStatus(orderId, 'INVOICED');
    const invoice = await api.waitFor('the invoice email', () => api.get(`/invoices/${String(order.body.invoiceId)}`), (r) => r.body.sentAt !== null);
    invoices.push({ invoiceId: String(invoice.body.invoiceId), number: String(invoice.body.number) });
  }
  const emails = await api.get<{ items: { to: string[]; text: string }[] }>('/_local/emails');
  const mails = emails.body.items.filter((e) => e.to.includes(`${customerId}@example.com`));
  const url = /(http:\/\/127\.0\.0\.1:\d+\/pay\/#link=pl1\.[\w-]+\.[\w-]+)/.exec(mails.at(-1)!.text)![1]!;
  return { customerId, invoices, url };
}

/** Opens a pay link as a new page (a link differing only in its fragment would not reload the page). */
async function open(url: string) {
  await page.goto('about:blank');
  await page.goto(url);
}

/** Every visible form control has a label (its own, aria-label or aria-labelledby). */
async function unlabelledControls(): Promise<string[]> {
  // Run in the page (the test's own TypeScript has no DOM types).
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => !((el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim())))
    .map((el) => el.outerHTML.slice(0, 120))`);
}

describe('customer portal', () => {
  it('opens from the email link on a phone, in the customer\'s language, every control labelled', async () => {
    const { invoices, url } = await customerWithInvoices('de', ['120.00', '80.00']);
    await page.setViewportSize(PHONE);
    await open(url);
    await page.getByRole('heading', { name: 'Offene Posten' }).waitFor();
    // The link is taken out of the address bar.
    expect(page.url()).not.toContain('link=');
    await expect.poll(() => page.locator('#open-total-EUR').textContent()).toBe('200,00 EUR');
    await page.locator(`tr[data-invoice="${invoices[0]!.number}"]`).waitFor();
    expect(await unlabelledControls()).toEqual([]);
    // The rows are cards on a phone: nothing scrolls sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'portal-phone-de');
    await readmeScreenshot(page, 'portal-phone', 'body');

    // The language, with the keyboard.
    await page.getByLabel('Sprache').focus();
    await page.keyboard.press('ArrowUp');
    await page.getByRole('heading', { name: 'Open items' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Paid items' }).count()).toBe(1);
  });

  it('pays part of one item by card on a desktop: declined first, then paid through the provider', async () => {
    const { invoices, url } = await customerWithInvoices('en', ['300.00', '45.50']);
    const [first, second] = invoices as [{ invoiceId: string; number: string }, { invoiceId: string; number: string }];
    await page.setViewportSize(DESKTOP);
    await open(url);
    await page.getByRole('heading', { name: 'Open items' }).waitFor();

    // Choose the first item with the keyboard, pay 100.00 of its 300.00.
    await page.getByRole('checkbox', { name: `Pay ${first.number}`, exact: true }).focus();
    await page.keyboard.press('Space');
    await page.getByLabel(`Amount to pay for ${first.number}`).fill('100.00');
    await page.getByRole('checkbox', { name: `Pay ${second.number}`, exact: true }).check();
    await expect.poll(() => page.locator('#pay-selected').textContent()).toBe('Pay EUR 145.50 by card');
    await screenshot(page, 'portal-desktop-chosen');
    await readmeScreenshot(page, 'portal-desktop', 'body');
    await page.locator('#pay-selected').click();

    // The provider's hosted page: decline first.
    await page.getByRole('button', { name: /Decline/ }).waitFor();
    expect(await page.locator('#total').textContent()).toBe('145.50 EUR');
    await readmeScreenshot(page, 'provider-checkout', 'main');
    await page.getByRole('button', { name: /Decline/ }).click();
    await page.getByRole('alert').filter({ hasText: 'Your card was declined' }).waitFor();
    await page.getByRole('link', { name: 'Back to your page' }).click();
    await page.locator('#banner').filter({ hasText: 'The payment was cancelled' }).waitFor();
    expect((await api.get(`/invoices/${first.invoiceId}`)).body).toMatchObject({ status: 'OPEN', balance: '300.00' });

    // Now pay.
    await page.getByRole('checkbox', { name: `Pay ${first.number}`, exact: true }).check();
    await page.getByLabel(`Amount to pay for ${first.number}`).fill('100.00');
    await page.getByRole('checkbox', { name: `Pay ${second.number}`, exact: true }).check();
    await page.locator('#pay-selected').click();
    await page.getByRole('button', { name: 'Pay 145.50 EUR' }).click();
    await page.locator('#banner').filter({ hasText: 'Thank you, your payment was received.' }).waitFor();
    await expect.poll(async () => (await api.get(`/invoices/${first.invoiceId}`)).body.status).toBe('PARTIALLY_PAID');
    expect((await api.get(`/invoices/${first.invoiceId}`)).body).toMatchObject({ paid: '100.00', balance: '200.00' });
    expect((await api.get(`/invoices/${second.invoiceId}`)).body).toMatchObject({ status: 'PAID' });
    await page.locator(`section[aria-labelledby="paid-title"] tr[data-invoice="${second.number}"]`).waitFor();
    await expect.poll(() => page.locator('#open-total-EUR').textContent()).toBe('EUR 200.00');
    await screenshot(page, 'portal-desktop-paid');
    await readmeScreenshot(page, 'portal-paid', 'main');
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true });
  });

  it('disputes, promises a date, shows the statement and changes the billing email, on a phone', async () => {
    const { customerId, invoices, url } = await customerWithInvoices('en', ['60.00', '40.00']);
    const [first, second] = invoices as [{ invoiceId: string; number: string }, { invoiceId: string; number: string }];
    await page.setViewportSize(PHONE);
    await open(url);
    await page.getByRole('heading', { name: 'Open items' }).waitFor();

    await page.getByRole('button', { name: `Dispute ${first.number}` }).click();
    await page.getByLabel('Reason').fill('The oven door is cracked');
    await page.getByLabel('Disputed amount (optional)').fill('20.00');
    await page.locator('#action-send').click();
    await page.locator('#action-done').filter({ hasText: 'Your dispute was recorded' }).waitFor();
    expect((await api.get(`/invoices/${first.invoiceId}`)).body).toMatchObject({ status: 'DISPUTED' });

    await page.getByRole('button', { name: `Promise to pay ${second.number}` }).click();
    const date = await page.getByLabel('I will pay by').inputValue();
    await page.locator('#action-send').click();
    await page.locator('#action-done').filter({ hasText: 'is accepted' }).waitFor();
    expect(((await api.get(`/invoices/${second.invoiceId}`)).body.dunning as { blockedUntil: string }).blockedUntil).toBe(date);

    await page.locator('#statement-show').click();
    await expect.poll(() => page.locator('#closing-EUR').textContent()).toBe('EUR 100.00');
    await readmeScreenshot(page, 'portal-statement', 'section[aria-labelledby="statement-title"]');

    await page.getByLabel('Send invoices and reminders to').fill('accounts@kraus.example');
    await page.getByLabel('Send invoices and reminders to').press('Enter');
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await api.get(`/customers/${customerId}`)).body).toMatchObject({ email: 'accounts@kraus.example' });
    await screenshot(page, 'portal-phone-actions');

    const activity = await api.get<{ items: { action: string }[] }>(`/customers/${customerId}/portal-activity`);
    expect(activity.body.items.map((i) => i.action)).toEqual(['billing-email-changed', 'promise-accepted', 'dispute-raised']);
  });

  it('uses the on-account credit first and downloads an invoice as e-invoice XML, on a desktop and a phone', async () => {
    const customerId = uniqueId('credit');
    expect((await api.registerCustomer(customerId, { name: 'Bäckerei Kraus <KG>', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '50000.00', paymentTermsDays: 14, locale: 'en', address: { lines: ['Hauptstr. 1'], city: 'Berlin', postcode: '10115', country: 'DE' } })).status).toBe(201);
    const invoices: { invoiceId: string; number: string; total: string }[] = [];
    for (const price of ['100.00', '200.00']) {
      const placed = await api.post('/orders', { customerId, currency: 'EUR', lines: [{ sku: 'OVEN-1', quantity: 1, unitPrice: price, taxRate: '19' }] });
      const orderId = String(placed.body.orderId);
      await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
      expect((await api.post(`/orders/${orderId}/shipments`, {})).status).toBe(202);
      const order = await api.waitForOrderStatus(orderId, 'INVOICED');
      const invoice = await api.waitFor('the invoice email', () => api.get(`/invoices/${String(order.body.invoiceId)}`), (r) => r.body.sentAt !== null);
      invoices.push({ invoiceId: String(invoice.body.invoiceId), number: String(invoice.body.number), total: String(invoice.body.total) });
    }
    const [first, second] = invoices as [(typeof invoices)[0], (typeof invoices)[0]];
    // 60.00 paid too much on the first invoice: on-account credit.
    expect((await api.post('/payments', { amount: (Number(first.total) + 60).toFixed(2), currency: 'EUR', reference: first.number, valueDate: '2026-01-01', providerPaymentId: uniqueId('psp') })).status).toBe(201);
    const emails = await api.get<{ items: { to: string[]; text: string }[] }>('/_local/emails');
    const url = /(http:\/\/127\.0\.0\.1:\d+\/pay\/#link=pl1\.[\w-]+\.[\w-]+)/.exec(emails.body.items.filter((e) => e.to.includes(`${customerId}@example.com`)).at(-1)!.text)![1]!;

    await page.setViewportSize(PHONE);
    await open(url);
    await page.getByRole('heading', { name: 'Open items' }).waitFor();
    await page.getByRole('checkbox', { name: `Pay ${second.number}`, exact: true }).check();
    await page.getByLabel(/Use my on-account credit first \(EUR 60\.00 available\)/).waitFor();
    expect(await unlabelledControls()).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, 'portal-phone-credit');

    await page.setViewportSize(DESKTOP);
    // The e-invoice XML of the open item, as the customer's settings say (UBL by default).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Download ${second.number} as e-invoice XML` }).click()]);
    expect(download.suggestedFilename()).toBe(`${second.number}.xml`);
    const xml = readFileSync((await download.path())!, 'utf8');
    expect(xml).toContain(`<cbc:ID>${second.number}</cbc:ID>`);

    // Credit first: 60.00 from the credit, the rest by card.
    await page.getByLabel(/Use my on-account credit first/).check();
    const rest = (Number(second.total) - 60).toFixed(2);
    await expect.poll(() => page.locator('#pay-selected').textContent()).toBe(`Pay EUR 60.00 from credit and EUR ${rest} by card`);
    await readmeScreenshot(page, 'portal-credit', 'body');
    await page.locator('#pay-selected').click();
    await page.getByRole('button', { name: /Decline/ }).waitFor();
    expect(await page.locator('#total').textContent()).toBe(`${rest} EUR`);
    expect((await api.get(`/invoices/${second.invoiceId}`)).body).toMatchObject({ paid: '60.00', status: 'PARTIALLY_PAID' });
    await page.getByRole('button', { name: `Pay ${rest} EUR` }).click();
    await page.locator('#banner').filter({ hasText: 'Thank you, your payment was received.' }).waitFor();
    await expect.poll(async () => (await api.get(`/invoices/${second.invoiceId}`)).body.status).toBe('PAID');
    expect((await api.get(`/customers/${customerId}`)).body.onAccountCredit).toBe('0.00');
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true });
    const activity = await api.get<{ items: { action: string }[] }>(`/customers/${customerId}/portal-activity`);
    expect(activity.body.items.map((i) => i.action)).toEqual(['checkout-started', 'credit-applied']);
  });

  it('shows the SEPA mandate text in the chosen language, signs a mandate by accepting it and revokes it (issue 13)', async () => {
    const { customerId, url } = await customerWithInvoices('de', ['30.00']);
    await page.setViewportSize(DESKTOP);
    await open(url);
    await page.getByRole('heading', { name: 'SEPA-Lastschrift' }).waitFor();
    await expect.poll(() => page.locator('#mandate-text').textContent()).toContain('Ich ermächtige');
    expect(await page.locator('#mandate-text').textContent()).toContain('innerhalb von acht Wochen');
    await page.getByLabel('Verfahren').selectOption('B2B');
    await expect.poll(() => page.locator('#mandate-text').textContent()).toContain('Firmenlastschrift');
    await page.getByLabel('Verfahren').selectOption('CORE');
    await page.getByLabel('IBAN').fill('DE02 1203 0000 0000 2020 51');
    await page.getByLabel('Ich stimme dem Mandatstext oben zu').check();
    await page.locator('#mandate-sign').click();
    await page.locator('#mandate-message').filter({ hasText: 'Erteilt: Mandat' }).waitFor();
    const mandates = await api.get<{ items: { mandateId: string; status: string; iban: string; scheme: string }[] }>(`/customers/${customerId}/mandates`);
    expect(mandates.body.items).toMatchObject([{ status: 'ACTIVE', iban: 'DE02120300000000202051', scheme: 'CORE' }]);
    await page.locator('#mandates').getByText('endet auf 2051').waitFor();
    expect(await unlabelledControls()).toEqual([]);

    await page.locator('#language').selectOption('en');
    await expect.poll(() => page.locator('#mandate-text').textContent()).toContain('you authorise (A)');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.locator('#mandate-message').filter({ hasText: 'Revoked' }).waitFor();
    expect((await api.get<{ items: { status: string }[] }>(`/customers/${customerId}/mandates`)).body.items).toMatchObject([{ status: 'REVOKED' }]);
    await screenshot(page, 'portal-desktop-mandates');
    const activity = await api.get<{ items: { action: string }[] }>(`/customers/${customerId}/portal-activity`);
    expect(activity.body.items.map((i) => i.action)).toEqual(['mandate-revoked', 'mandate-signed']);
  });

  it('shows a clear refusal for a forged and for an expired link', async () => {
    const { customerId, url } = await customerWithInvoices('en', ['10.00']);
    await page.setViewportSize(DESKTOP);
    const forged = `${url.slice(0, -3)}${url.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    await page.goto('about:blank');
    await page.goto(forged);
    await page.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
    expect(await page.locator('#refused-reason').textContent()).toContain('not valid');
    await screenshot(page, 'portal-refused-forged');

    const secret = readFileSync(join(stack.dataDir, 'pay-link-secret'), 'utf8').trim();
    const expired = issuePayLinkToken(secret, { customerId, linkId: 'old', now: new Date(stack.local.clock.now().getTime() - 100 * 86_400_000) });
    await page.goto('about:blank');
    await page.goto(`${stack.local.url}/pay/#link=${expired}`);
    await page.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
    expect(await page.locator('#refused-reason').textContent()).toMatch(/This link expired on/);
    await readmeScreenshot(page, 'portal-refused', 'main');
  });
});
