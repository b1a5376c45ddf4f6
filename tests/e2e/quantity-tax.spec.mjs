// Adjustable quantity and tax IDs on the hosted page (issue 16, item 8):
// a merchant creates the session through the platform API with both
// options, the customer changes the quantity with the keyboard, pays as a
// business with a UK VAT number, and the merchant finds it on the session
// and the purchase.
import { test, expect } from '@playwright/test';
import { fillPayment, openSession, platformSession } from './support.mjs';
import { expectNoAxeViolations } from './a11y-support.mjs';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

test('the quantity changes with the keyboard, a GB VAT number is paid with and kept', async ({ page, request, baseURL }) => {
  const created = await openSession(request, baseURL, {
    priceSlug: 'onboarding',
    adjustableQuantity: { enabled: true, minimum: 1, maximum: 5 },
    taxIdCollection: true,
  });
  await page.goto(created.url);
  const quantity = page.getByRole('spinbutton', { name: 'Quantity' });
  await expect(quantity).toHaveValue('1');
  await expectNoAxeViolations(page, 'the hosted page with a quantity stepper and a tax ID offer');

  // Arrow keys step one at a time; the totals and the pay button follow.
  await quantity.focus();
  await quantity.press('ArrowUp');
  await expect(page.locator('.co-total-due')).toContainText('$98.00');
  await expect(quantity).toBeFocused();
  await quantity.press('ArrowUp');
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveText('Pay $147.00');
  await expect(page.getByRole('status').filter({ hasText: 'Quantity 3' })).toHaveText(
    'Quantity 3. Total due today $147.00.',
  );
  // Typing past the maximum is brought back to it.
  await quantity.fill('9');
  await quantity.press('Enter');
  await expect(quantity).toHaveValue('5');
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveText('Pay $245.00');
  // The − button, reached with Tab from the input's left, and pressed with the keyboard.
  await page.getByRole('button', { name: 'Decrease quantity' }).focus();
  await page.keyboard.press('Enter');
  await expect(quantity).toHaveValue('4');
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveText('Pay $196.00');
  await expect(page.locator('.co-line')).toContainText('Qty 4 × $49.00');

  // A business purchase: a malformed number is refused on the page first.
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByLabel('I’m purchasing as a business').check();
  await page.getByLabel('Tax ID type').selectOption('gb_vat');
  const taxId = page.getByLabel('Tax ID', { exact: true });
  await taxId.fill('GB12');
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveAttribute('aria-disabled', 'false');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('alert')).toHaveText("That tax ID isn’t in the expected format, e.g. GB123456789.");
  await expect(page.locator('#tax-id-error')).toHaveText("That tax ID isn’t in the expected format, e.g. GB123456789.");
  await expect(taxId).toBeFocused();
  await expect(taxId).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'the hosted page with the business section open and an error');
  await taxId.fill('gb 123 456 789');
  await page.getByLabel('Business name (optional)').fill('Ann Ltd');
  await page.screenshot({ path: test.info().outputPath('quantity-tax.png'), fullPage: true });
  await page.getByRole('button', { name: 'Pay $196.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);

  const { body } = await platformSession(request, created.checkoutSession.id);
  const session = body.checkoutSession;
  expect(session.status).toBe('succeeded');
  expect(session.quantity).toBe(4);
  expect(session.taxId).toEqual({ type: 'gb_vat', value: 'GB123456789', businessName: 'Ann Ltd' });
  expect(session.purchaseId).toMatch(/^pur_/);
  // The purchase made carries it too (in the completion webhook, as the merchant receives it).
  const events = await request.get('/api/v1/webhook-events?limit=100', {
    headers: { Authorization: process.env.SECRET_KEY ?? '' },
  });
  const completed = (await events.json()).data.find(
    (e) => e.type === 'checkout.session.completed' && e.checkoutSessionId === session.id,
  );
  expect(completed.payload.data.purchase.quantity).toBe(4);
  expect(completed.payload.data.purchase.taxId).toEqual(session.taxId);
});

test('without the options the page shows neither control', async ({ page, request, baseURL }) => {
  const created = await openSession(request, baseURL, { priceSlug: 'onboarding' });
  await page.goto(created.url);
  await expect(page.getByRole('button', { name: 'Pay $49.00' })).toBeVisible();
  await expect(page.getByRole('spinbutton', { name: 'Quantity' })).toHaveCount(0);
  await expect(page.getByLabel('I’m purchasing as a business')).toHaveCount(0);
});
