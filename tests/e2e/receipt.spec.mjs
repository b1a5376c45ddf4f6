// Receipts (issue 16, item 3): a session created without a successUrl is paid
// on its hosted page and stays there, showing a receipt — what was bought,
// the discount, the total, the date, the card, the ids — which the paid
// session's link shows again later, with a print button and a print layout.
import { test, expect } from '@playwright/test';
import { fillPayment, merchantSession } from './support.mjs';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

/** A session for `body` created through the server route without a successUrl. */
async function sessionWithoutSuccessUrl(request, baseURL, body = { priceSlug: 'onboarding' }) {
  const response = await request.post('/api/billing/checkout-sessions/create', {
    data: { cancelUrl: `${baseURL}/cancel`, ...body },
  });
  expect(response.status()).toBe(200);
  const { data } = await response.json();
  expect(data.checkoutSession.successUrl ?? null).toBeNull();
  return data;
}

/** Today as the page formats a date (Intl, dateStyle medium, en-US). */
const today = () => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(new Date());

async function expectReceipt(page, id) {
  await expect(page.getByRole('heading', { level: 1, name: 'Payment complete' })).toBeVisible();
  const items = page.getByRole('list', { name: 'Items' });
  await expect(items.getByRole('listitem')).toHaveCount(1);
  await expect(items).toContainText('Onboarding');
  await expect(items).toContainText('Qty 1 × $49.00');
  const row = (label) => page.locator('.co-receipt .co-total-row').filter({ has: page.getByText(label, { exact: true }) }).locator('dd');
  await expect(row('Amount paid')).toHaveText('$49.00');
  await expect(row('Date paid')).toHaveText(today());
  await expect(row('Paid with')).toHaveText('Visa ending in 4242');
  await expect(row('Purchase')).toHaveText(/^pur_/);
  await expect(row('Reference')).toHaveText(id);
  // The merchant's logo from the catalog, named by the merchant, loaded under the CSP.
  const logo = page.getByRole('img', { name: 'Acme Cloud' });
  await expect(logo).toHaveAttribute('src', '/favicon.svg');
  await expect.poll(() => logo.evaluate((img) => img.complete && img.naturalWidth > 0)).toBe(true);
  // No success URL: nowhere to continue to; the page itself is the end.
  await expect(page.getByRole('link', { name: /^Continue to/ })).toHaveCount(0);
}

test('paying a session without a successUrl shows the receipt on /checkout/{id}, again after a reload', async ({ page, request, baseURL }) => {
  const session = await sessionWithoutSuccessUrl(request, baseURL);
  const id = session.checkoutSession.id;
  await page.goto(session.url);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await expectReceipt(page, id);
  expect(new URL(page.url()).pathname).toBe(`/checkout/${id}`);

  await page.reload();
  await expectReceipt(page, id);

  // The print button prints (window.print, stubbed to count).
  await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  await page.getByRole('button', { name: 'Print receipt' }).click();
  expect(await page.evaluate(() => window.printed)).toBe(1);
});

test('the print layout: black on white, no buttons, the receipt whole', async ({ page, request, baseURL }) => {
  const session = await sessionWithoutSuccessUrl(request, baseURL);
  const id = session.checkoutSession.id;
  await page.goto(`${session.url}?theme=dark`);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await expect(page.getByRole('button', { name: 'Print receipt' })).toBeVisible();
  // Paid in place: the page kept its dark theme.
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print receipt' })).toBeHidden();
  await expect(page.locator('button:visible, .cw-button:visible')).toHaveCount(0);
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await expect(page.locator('body')).toHaveCSS('color', 'rgb(0, 0, 0)');
  await expect(page.locator('.co-status')).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await expect(page.locator('.co-receipt')).toContainText(id);
  await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Payment complete' })).toHaveCSS('color', 'rgb(0, 0, 0)');
  // To look at: target/e2e/screenshots/receipt-print.png.
  await page.screenshot({ path: 'target/e2e/screenshots/receipt-print.png', fullPage: true });

  await page.emulateMedia({ media: 'screen' });
  await expect(page.getByRole('button', { name: 'Print receipt' })).toBeVisible();
});

test('a discounted session’s receipt shows the discount and the total charged', async ({ page, request, baseURL }) => {
  const created = await merchantSession(request, {
    priceSlug: 'onboarding',
    cancelUrl: `${baseURL}/cancel`,
    discountCode: 'WELCOME10',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  await page.goto(created.body.data.url);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $44.10' }).click();
  const receipt = page.locator('.co-receipt');
  await expect(receipt).toContainText('Discount (WELCOME10)');
  await expect(receipt).toContainText('−$4.90');
  await expect(receipt.locator('.co-total-due dd')).toHaveText('$44.10');
});

test('a paid session with a successUrl still offers the way on, and the receipt', async ({ page, request, baseURL }) => {
  const response = await request.post('/api/billing/checkout-sessions/create', {
    data: { priceSlug: 'onboarding', successUrl: `${baseURL}/success?session_id={CHECKOUT_SESSION_ID}`, cancelUrl: `${baseURL}/cancel` },
  });
  const { data } = await response.json();
  await page.goto(data.url);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await page.goto(data.url);
  await expect(page.getByRole('button', { name: 'Print receipt' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Continue to Acme Cloud' })).toHaveAttribute('href', /\/success\?session_id=cs_.*signature=/);
});
