// Every kind of checkout session and option the seeds define, created the
// way a merchant's backend would (server route or platform API) and paid
// through the real hosted page.
import { test, expect } from '@playwright/test';
import { SECRET_KEY, fillPayment, merchantSession, platformSession } from './support.mjs';

const urls = (base) => ({
  successUrl: `${base}/success?session_id={CHECKOUT_SESSION_ID}`,
  cancelUrl: `${base}/cancel`,
});

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

test('several line items in one session are listed, totalled and paid together', async ({ page, request, baseURL }) => {
  const created = await merchantSession(request, {
    ...urls(baseURL),
    lineItems: [
      { priceSlug: 'onboarding', quantity: 1 },
      { priceSlug: 'lifetime', quantity: 2 },
    ],
    requestId: 'order-1001',
  });
  expect(created.status).toBe(200);
  await page.goto(created.body.data.url);
  const lines = page.locator('.co-line');
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0)).toContainText('Onboarding');
  await expect(lines.nth(0)).toContainText('$49.00');
  await expect(lines.nth(1)).toContainText('Lifetime');
  await expect(lines.nth(1)).toContainText('Qty 2 × $199.00');
  await expect(lines.nth(1)).toContainText('$398.00');
  await expect(page.getByRole('heading', { name: 'Your order' })).toBeVisible();
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $447.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  const { body } = await platformSession(request, created.body.data.checkoutSession.id);
  expect(body.checkoutSession.status).toBe('succeeded');
  expect(body.checkoutSession.requestId).toBe('order-1001');
});

test('a promotion code: an expired one is refused inline, a valid one takes 10 % off', async ({ page, request, baseURL }) => {
  const created = await merchantSession(request, { ...urls(baseURL), priceSlug: 'onboarding', allowPromotionCodes: true });
  await page.goto(created.body.data.url);
  await page.getByRole('button', { name: 'Add promotion code' }).click();
  const code = page.getByLabel('Promotion code');
  await code.fill('SUMMER2024');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#promotion-code-error')).toHaveText('That code has expired.');
  await expect(code).toHaveAttribute('aria-invalid', 'true');
  await code.fill('NOPE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#promotion-code-error')).toHaveText("That code isn't valid.");

  await code.fill('welcome10');
  await code.press('Enter');
  await expect(page.locator('.co-total-discount')).toContainText('WELCOME10');
  await expect(page.locator('.co-total-discount')).toContainText('−$4.90');
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $44.10' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
});

test('a prefilled discount code is applied on arrival and can be removed', async ({ page, request, baseURL }) => {
  const created = await merchantSession(request, { ...urls(baseURL), priceSlug: 'lifetime', discountCode: 'WELCOME10' });
  await page.goto(created.body.data.url);
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveText('Pay $179.10');
  await page.getByRole('button', { name: 'Remove promotion code WELCOME10' }).click();
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveText('Pay $199.00');
});

test('a prefilled customer email is shown and locked', async ({ page, request, baseURL }) => {
  const created = await merchantSession(request, { ...urls(baseURL), priceSlug: 'onboarding', customerEmail: 'dana@example.com' });
  await page.goto(created.body.data.url);
  await expect(page.getByLabel('Email')).toHaveValue('dana@example.com');
  await expect(page.getByLabel('Email')).not.toBeEditable();
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  const { body } = await platformSession(request, created.body.data.checkoutSession.id);
  expect(body.checkoutSession.customerEmail).toBe('dana@example.com');
});

test('a required billing address is asked for, checked, and stored with the session', async ({ page, request, baseURL }) => {
  const created = await merchantSession(request, {
    ...urls(baseURL),
    priceSlug: 'support-kwd',
    billingAddressCollection: 'required',
  });
  // English words, a German region: the country is preselected from the locale.
  await page.goto(`${created.body.data.url}?locale=en-DE`);
  await expect(page.getByRole('group', { name: 'Billing address' })).toBeVisible();
  await expect(page.getByLabel('Country or region')).toHaveValue('DE');
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('alert')).toHaveText('Enter the name on the billing address.');
  await expect(page.getByLabel('Full name')).toBeFocused();

  await page.getByLabel('Full name').fill('Jonas Becker');
  await page.getByLabel('Address', { exact: true }).fill('Hauptstraße 5');
  await page.getByLabel('City').fill('Berlin');
  await page.getByLabel('Postal code').fill('10115');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  const { body } = await platformSession(request, created.body.data.checkoutSession.id);
  expect(body.checkoutSession.billingAddress.address).toMatchObject({
    name: 'Jonas Becker',
    line1: 'Hauptstraße 5',
    city: 'Berlin',
    postal_code: '10115',
    country: 'DE',
  });
});

test('an invoice session shows the invoice’s own lines and pays the invoice', async ({ page, request, baseURL }) => {
  const response = await request.post('/api/v1/checkout-sessions', {
    headers: { Authorization: SECRET_KEY, 'Content-Type': 'application/json' },
    data: { checkoutSession: { type: 'invoice', customerExternalId: 'bob', invoiceId: 'inv_bob_0001', ...urls(baseURL) } },
  });
  expect(response.status()).toBe(200);
  const created = await response.json();
  await page.goto(created.url);
  await expect(page.getByRole('heading', { name: 'Invoice BOB-0001' })).toBeVisible();
  await expect(page.locator('.co-line')).toHaveCount(2);
  await expect(page.locator('.co-summary')).toContainText('Custom onboarding workshop');
  await expect(page.locator('.co-summary')).toContainText('Travel');
  await expect(page.getByRole('button', { name: 'Add promotion code' })).toHaveCount(0);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $330.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);

  // Bob's billing panel now lists the invoice as paid.
  await page.goto('/');
  await page.getByRole('radio', { name: 'Bob' }).check();
  const row = page.locator('.cw-table tr', { hasText: 'BOB-0001' });
  await expect(row).toContainText('$330.00');
  await expect(row).toContainText('Paid');
});
