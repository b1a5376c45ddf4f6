// Saved cards (issue 16), in Chromium with the release bundle against the
// real server: a signed-in customer pays with a saved card without typing
// one, "Use a new card" reveals the card fields, and the billing panel makes
// a card the default and removes one. Earlier specs may have given Alice
// other cards (and another default): each test starts by making her demo
// Visa 4242 the default again, through the route action itself.
import { test, expect } from '@playwright/test';
import { fillPayment, openSession, SECRET_KEY } from './support.mjs';
import { expectNoAxeViolations } from './a11y-support.mjs';

const VISA = 'Visa •••• 4242, expires 12/2030';
const AMEX_NUMBER = '3782 822463 10005';

test.beforeEach(async ({ page, request }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
  const made = await request.post('/api/billing/payment-methods/set-default', {
    data: { id: 'pm_alice_visa' },
    headers: { Authorization: 'Bearer demo-alice' },
  });
  expect(made.status(), await made.text()).toBe(200);
});

/** Alice's saved cards as the platform API lists them. */
async function aliceCards(request) {
  const response = await request.get('/api/v1/customers/alice/billing', { headers: { Authorization: SECRET_KEY } });
  expect(response.status()).toBe(200);
  return (await response.json()).paymentMethods;
}

/** Opens a new checkout of `priceSlug` for Alice, as her merchant's server makes it. */
async function openAliceCheckout(page, request, baseURL, priceSlug = 'onboarding') {
  const session = await openSession(request, baseURL, { priceSlug }, 'alice');
  await page.goto(session.url);
  return session.checkoutSession.id;
}

test('signed-in Alice pays with her pre-selected saved card without typing a card', async ({ page, request, baseURL }) => {
  const before = await aliceCards(request);
  await openAliceCheckout(page, request, baseURL);
  const choice = page.getByRole('group', { name: 'Payment method' });
  await expect(choice).toBeVisible();
  await expect(choice.getByRole('radio', { name: VISA })).toBeChecked();
  await expect(choice.getByRole('radio', { name: 'Use a new card' })).not.toBeChecked();
  // No card fields at all, so none is required.
  await expect(page.getByLabel('Card number')).toHaveCount(0);
  await expectNoAxeViolations(page, 'the hosted page offering a saved card');

  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  // Paid with the card she had: nothing new was saved.
  expect((await aliceCards(request)).length).toBe(before.length);
});

test('"Use a new card" reveals the card fields, by keyboard too, and pays with the new card', async ({ page, request, baseURL }) => {
  await openAliceCheckout(page, request, baseURL);
  const visa = page.getByRole('radio', { name: VISA });
  await expect(visa).toBeChecked();
  // Arrow keys move between the choices, as in any radio group ("Use a new
  // card" is last: up from the first choice wraps to it).
  await visa.focus();
  await page.keyboard.press('ArrowUp');
  const fresh = page.getByRole('radio', { name: 'Use a new card' });
  await expect(fresh).toBeChecked();
  await expect(fresh).toBeFocused();
  await expect(page.getByLabel('Card number')).toBeVisible();
  await expectNoAxeViolations(page, 'the hosted page with a new card chosen');
  // Paying now needs a card: the empty fields are named.
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await expect(page.getByRole('alert').first()).not.toBeEmpty();

  // Back to the saved card hides them again; what was typed is kept.
  await page.getByLabel('Card number').fill(AMEX_NUMBER);
  await visa.check();
  await expect(page.getByLabel('Card number')).toHaveCount(0);
  await fresh.check();
  await expect(page.getByLabel('Card number')).toHaveValue(AMEX_NUMBER);

  await fillPayment(page, { number: AMEX_NUMBER, cvc: '1234' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  const cards = await aliceCards(request);
  expect(cards.some((c) => c.paymentMethodData.last4 === '0005')).toBe(true);
  // Her default stays the Visa.
  expect(cards.find((c) => c.default).paymentMethodData.last4).toBe('4242');
});

test('the billing panel makes a card the default and removes one, with a confirmation', async ({ page, request, baseURL }) => {
  // Alice saves an American Express card by paying with it (once saved, the
  // same card is not saved twice).
  const session = await openSession(request, baseURL, { priceSlug: 'onboarding' }, 'alice');
  const paid = await request.post(`/api/checkout-sessions/${session.checkoutSession.id}/confirm`, {
    data: { email: '', card: { number: AMEX_NUMBER.replaceAll(' ', ''), expMonth: 12, expYear: 2034, cvc: '1234' } },
  });
  expect(paid.status(), await paid.text()).toBe(200);

  await page.goto('/');
  await page.getByRole('radio', { name: 'Alice' }).check();
  const account = page.locator('.demo-account');
  const amex = account.locator('.cw-card-row', { hasText: 'American Express •••• 0005' });
  const visa = account.locator('.cw-card-row', { hasText: 'Visa •••• 4242' });
  await expect(amex).toBeVisible();
  await expect(visa).toContainText('Default');
  await expect(visa.getByRole('button', { name: 'Make default' })).toHaveCount(0);

  await amex.getByRole('button', { name: 'Make default' }).click();
  await expect(amex).toContainText('Default');
  await expect(visa).not.toContainText('Default');
  await expect(visa.getByRole('button', { name: 'Make default' })).toBeVisible();

  // Removing asks first; "Keep card" changes nothing.
  await amex.getByRole('button', { name: 'Remove' }).click();
  const question = amex.getByRole('group', { name: 'Remove American Express •••• 0005?' });
  await expect(question).toBeFocused();
  await expectNoAxeViolations(page, 'the removal confirmation of a saved card');
  await question.getByRole('button', { name: 'Keep card' }).click();
  await expect(question).toHaveCount(0);
  await expect(amex).toBeVisible();

  await amex.getByRole('button', { name: 'Remove' }).click();
  await amex.getByRole('group').getByRole('button', { name: 'Remove' }).click();
  await expect(account.locator('.cw-card-row', { hasText: 'American Express' })).toHaveCount(0);
  // The change is on the server: it survives a reload.
  await page.reload();
  await expect(page.locator('.demo-account .cw-card-row', { hasText: 'American Express' })).toHaveCount(0);
  expect((await aliceCards(request)).some((c) => c.paymentMethodData.last4 === '0005')).toBe(false);

  // Her removed default was replaced: exactly one card is the default.
  await expect(page.locator('.demo-account .cw-card-row .cw-badge', { hasText: 'Default' })).toHaveCount(1);
});
