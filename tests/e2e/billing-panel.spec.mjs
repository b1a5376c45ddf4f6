// The demo billing panel for the three demo identities, against the real
// server: what `use_billing()` loads, and every action a panel offers.
import { test, expect } from '@playwright/test';
import { fillPayment, storeButton } from './support.mjs';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

async function signInAs(page, who) {
  await page.goto('/');
  await page.getByRole('radio', { name: who }).check();
}

test('anonymous visitors see prices and how to sign in, but no account', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('radio', { name: 'Anonymous' })).toBeChecked();
  await expect(page.getByText('You are browsing anonymously.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your account' })).toHaveCount(0);
  await expect(page.locator('.cw-pricing-grid .cw-card')).toHaveCount(5);
});

test('Alice sees her plan, card and invoice, cancels at period end and keeps her plan again', async ({ page }) => {
  await signInAs(page, 'Alice');
  const account = page.locator('.demo-account');
  await expect(account.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(page.getByTestId('account-customer')).toHaveText('Alice Martin · alice@example.com');
  const subscription = account.locator('.cw-subscription');
  await expect(subscription).toContainText('Pro');
  await expect(subscription).toContainText('$12.00 per month');
  await expect(subscription).toContainText('Active');
  await expect(subscription).toContainText(/Renews on \w+ \d+, \d{4}/);
  await expect(account).toContainText('Visa •••• 4242');
  await expect(account.locator('.cw-table')).toContainText('ALICE-0001');
  // Her plan is marked in the pricing table instead of being sold again.
  await expect(page.locator('.cw-pricing-grid')).toContainText('Your current plan');

  await subscription.getByRole('button', { name: 'Cancel subscription' }).click();
  await subscription.getByRole('button', { name: 'Yes, cancel' }).click();
  await expect(subscription).toContainText('Cancels soon');
  await expect(subscription).toContainText(/Ends on \w+ \d+, \d{4}/);

  // The change is on the server: it survives a reload.
  await page.reload();
  await expect(page.locator('.cw-subscription')).toContainText('Cancels soon');
  await page.locator('.cw-subscription').getByRole('button', { name: 'Keep subscription' }).click();
  await expect(page.locator('.cw-subscription')).toContainText('Active');
  await expect(page.locator('.cw-subscription')).toContainText(/Renews on/);
});

test('a panel call past the 15 s timeout, or whose connection drops, says which; the retry goes through', async ({ page }) => {
  test.slow();
  await signInAs(page, 'Alice');
  const subscription = page.locator('.demo-account .cw-subscription');
  await expect(subscription).toContainText('Active');
  // The browser's fetch, aborted by the panel's own timer, never reaches the
  // server; a dropped connection does not either.
  let fault = 'stall';
  await page.route('**/api/billing/subscriptions/cancel', async (route) => {
    if (fault === 'stall') {
      await new Promise((resolve) => setTimeout(resolve, 17_000));
      return route.abort().catch(() => {});
    }
    if (fault === 'reset') return route.abort('connectionreset');
    return route.fallback();
  });
  const cancel = async () => {
    await subscription.getByRole('button', { name: 'Cancel subscription' }).click();
    await subscription.getByRole('button', { name: 'Yes, cancel' }).click();
  };
  const started = Date.now();
  await cancel();
  await expect(subscription).toContainText('The billing server took too long to answer. Please try again.', { timeout: 20_000 });
  expect(Date.now() - started).toBeGreaterThan(14_000);
  await expect(subscription).toContainText('Active');

  fault = 'reset';
  await cancel();
  await expect(subscription).toContainText('Could not reach the billing server. Check your connection and try again.');

  fault = null;
  await cancel();
  await expect(subscription).toContainText('Cancels soon');
  await subscription.getByRole('button', { name: 'Keep subscription' }).click();
  await expect(subscription).toContainText('Active');
});

test('Alice adds a card on the hosted page and it appears in her panel', async ({ page }) => {
  await signInAs(page, 'Alice');
  await page.getByRole('button', { name: 'Add payment method' }).click();
  await page.waitForURL(/\/add-payment-method\/cs_[0-9a-f]{32}$/);
  await expect(page.getByRole('heading', { name: 'Save a payment method' })).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue('alice@example.com');
  await expect(page.getByLabel('Email')).not.toBeEditable();
  await fillPayment(page, { number: '5555 5555 5555 4444' });
  await page.getByRole('button', { name: 'Save card' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await expect(page.locator('.demo-account')).toContainText('Mastercard •••• 4444');
});

test('Bob buys Lifetime while signed in and his panel shows the invoice and card', async ({ page }) => {
  await signInAs(page, 'Bob');
  await expect(page.getByTestId('account-customer')).toHaveText('Bob Chen · bob@example.com');
  await expect(page.locator('.demo-account')).toContainText('You have no subscription.');
  await expect(page.locator('.demo-account')).toContainText('No saved payment methods.');

  await storeButton(page, 'Buy now: Lifetime').click();
  await page.waitForURL(/\/checkout\/cs_/);
  // A signed-in customer's email is known and locked.
  await expect(page.getByLabel('Email')).toHaveValue('bob@example.com');
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $199.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);

  await page.getByRole('link', { name: 'Back to the store' }).click();
  await expect(page.getByRole('radio', { name: 'Bob' })).toBeChecked();
  const account = page.locator('.demo-account');
  await expect(account).toContainText('Visa •••• 4242');
  await expect(account.locator('.cw-table')).toContainText('$199.00');
  await expect(account.locator('.cw-table')).toContainText('Paid');
});

test('Bob starts a Pro trial, then activates it early and pays on the hosted page', async ({ page }) => {
  await signInAs(page, 'Bob');
  await storeButton(page, /Start 14-day free trial/).click();
  await page.waitForURL(/\/checkout\/cs_/);
  // The card he saved buying Lifetime is offered and pre-selected (issue 16).
  await expect(page.getByRole('radio', { name: 'Visa •••• 4242, expires 12/2034' })).toBeChecked();
  await page.getByRole('button', { name: 'Start trial' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);

  await page.goto('/');
  const subscription = page.locator('.cw-subscription');
  await expect(subscription).toContainText('Free trial');
  await expect(subscription).toContainText(/Trial ends on \w+ \d+, \d{4}/);
  await subscription.getByRole('button', { name: 'Activate now' }).click();

  // An activation session: the plan's price, due today, no trial.
  await page.waitForURL(/\/checkout\/cs_/);
  await expect(page.locator('.co-summary')).toContainText('Pro');
  await expect(page.locator('.co-summary')).not.toContainText('days free');
  // His saved card is pre-selected again: he pays without typing it.
  await expect(page.getByRole('radio', { name: 'Visa •••• 4242, expires 12/2034' })).toBeChecked();
  await expect(page.getByLabel('Card number')).toHaveCount(0);
  await page.getByRole('button', { name: 'Pay $12.00' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await expect(page.locator('.cw-subscription')).toContainText('Active');
  await expect(page.locator('.cw-subscription')).toContainText(/Renews on/);
  await expect(page.locator('.cw-subscription').getByRole('button', { name: 'Activate now' })).toHaveCount(0);
});
