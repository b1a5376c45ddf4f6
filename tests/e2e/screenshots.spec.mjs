// Screenshots of the real pages: written to target/e2e/screenshots on every
// test run (to look at), and to docs/screenshots by `cargo xtask screenshots`
// (the README's images).
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { fillPayment, merchantSession, openSession, storeButton } from './support.mjs';

const dir = process.env.SCREENSHOT_DIR ?? 'target/e2e/screenshots';
const shot = (name) => path.join(dir, `${name}.png`);

test('screenshots of the store, the hosted checkout and the success page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/');
  await expect(page.locator('.cw-pricing-grid .cw-card h3')).toHaveCount(5);
  await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
  await page.screenshot({ path: shot('store'), fullPage: true });

  await storeButton(page, 'Buy now: Onboarding').click();
  await page.waitForURL(/\/checkout\/cs_/);
  await expect(page.getByRole('button', { name: /^Pay/ })).toBeVisible();
  await page.screenshot({ path: shot('checkout') });

  await fillPayment(page, { number: '4242 4242 4242 4241', expiry: '12 / 34' });
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('alert')).toHaveText('Your card number is invalid.');
  await page.screenshot({ path: shot('checkout-error') });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot('checkout-phone'), fullPage: true });

  await page.setViewportSize({ width: 1280, height: 860 });
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  await page.screenshot({ path: shot('success') });
});

test('screenshots of a receipt (no successUrl) and the dark, branded hosted page', async ({ page, request, baseURL }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  const create = async (data) => {
    const response = await request.post('/api/billing/checkout-sessions/create', {
      data: { cancelUrl: `${baseURL}/cancel`, ...data },
    });
    return (await response.json()).data;
  };
  const paid = await create({ priceSlug: 'credits-jpy', quantity: 3 });
  await page.goto(paid.url);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('button', { name: 'Print receipt' })).toBeVisible();
  await page.screenshot({ path: shot('receipt'), fullPage: true });

  const open = await create({ priceSlug: 'pro-monthly' });
  await page.goto(`${open.url}?theme=dark`);
  await expect(page.getByRole('button', { name: /^Start trial|^Pay/ })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Acme Cloud' })).toBeVisible();
  await page.screenshot({ path: shot('hosted-dark') });
});

// 3-D Secure in test mode (issue 16): the simulated bank's challenge.
test('screenshot of the 3-D Secure dialog', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/');
  await storeButton(page, 'Buy now: Onboarding').click();
  await page.waitForURL(/\/checkout\/cs_/);
  await fillPayment(page, { number: '4000 0027 6000 3184' });
  await page.getByRole('button', { name: /^Pay/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm this payment with your bank' });
  await expect(dialog.getByRole('button', { name: 'Complete authentication' })).toBeFocused();
  await page.screenshot({ path: shot('three-d-secure') });
});

test('screenshot of a signed-in customer choosing a saved card (issue 16)', async ({ page, request, baseURL }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  // Other specs may have given Alice another default card: her demo Visa again.
  const made = await request.post('/api/billing/payment-methods/set-default', {
    data: { id: 'pm_alice_visa' },
    headers: { Authorization: 'Bearer demo-alice' },
  });
  expect(made.status(), await made.text()).toBe(200);
  const session = await openSession(request, baseURL, { priceSlug: 'lifetime' }, 'alice');
  await page.goto(session.url);
  await expect(page.getByRole('radio', { name: 'Visa •••• 4242, expires 12/2030' })).toBeChecked();
  await expect(page.getByLabel('Card number')).toHaveCount(0);
  await page.screenshot({ path: shot('saved-card') });
});

test('screenshot of the billing panel for a signed-in customer', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/');
  await page.getByRole('radio', { name: 'Alice' }).check();
  await expect(page.locator('.demo-account .cw-table')).toBeVisible();
  await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
  await page.screenshot({ path: shot('billing-panel'), fullPage: true });
});

test('screenshot of a plan change confirmed in a dialog', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/');
  await page.getByRole('radio', { name: 'Alice' }).check();
  await expect(page.locator('.demo-account .cw-table')).toBeVisible();
  await page.getByRole('radio', { name: 'Yearly' }).check();
  await page.getByRole('button', { name: /Switch plan/ }).first().click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.screenshot({ path: shot('plan-change') });
});

test('screenshots of the hosted checkout in Japanese and in Arabic (right to left)', async ({ page, request, baseURL }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  const create = async (data) => {
    const response = await request.post('/api/billing/checkout-sessions/create', {
      data: { successUrl: `${baseURL}/success`, cancelUrl: `${baseURL}/cancel`, ...data },
    });
    return (await response.json()).data.checkoutSession.id;
  };
  // Yen, which have no minor unit, in Japanese.
  await page.goto(`/checkout/${await create({ priceSlug: 'credits-jpy', quantity: 3 })}?locale=ja`);
  await expect(page.getByRole('button', { name: '￥3,600 を支払う' })).toBeVisible();
  await page.screenshot({ path: shot('checkout-ja') });
  // A trial with the recurring price after it, mirrored.
  await page.goto(`/checkout/${await create({ priceSlug: 'pro-monthly' })}?locale=ar`);
  await expect(page.getByRole('heading', { name: 'تفاصيل الدفع' })).toBeVisible();
  await page.screenshot({ path: shot('checkout-ar') });
});

// Every hosted-page state at desktop and phone width, for people to look at
// (under target/, not committed): form, error, processing, receipt, expired.
const stateDir = path.join('target', 'e2e', 'screenshots', 'states');
for (const [width, height, label] of [[1280, 860, 'desktop'], [390, 844, 'phone']]) {
  test(`hosted page states at ${label} width`, async ({ page, request, baseURL }) => {
    const state = (name) => path.join(stateDir, `${name}-${label}.png`);
    await page.setViewportSize({ width, height });
    const create = async () => {
      const created = await merchantSession(request, {
        priceSlug: 'pro-yearly',
        successUrl: `${baseURL}/success?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${baseURL}/cancel`,
        allowPromotionCodes: true,
      });
      return created.body.data;
    };
    // A session with a prefilled code and a required address.
    const withOptions = await merchantSession(request, {
      priceSlug: 'lifetime',
      successUrl: `${baseURL}/success`,
      cancelUrl: `${baseURL}/cancel`,
      discountCode: 'WELCOME10',
      billingAddressCollection: 'required',
    });
    await page.goto(withOptions.body.data.url);
    await expect(page.getByRole('group', { name: 'Billing address' })).toBeVisible();
    await page.screenshot({ path: state('options'), fullPage: true });

    const session = await create();
    await page.goto(session.url);
    await expect(page.getByRole('button', { name: /^Pay/ })).toBeVisible();
    await page.screenshot({ path: state('form'), fullPage: true });

    await fillPayment(page, { number: '4000 0000 0000 0002' });
    await page.getByRole('button', { name: /^Pay/ }).click();
    await expect(page.getByRole('alert')).toContainText('declined');
    await page.screenshot({ path: state('error'), fullPage: true });

    // Hold the confirm so the busy button can be seen.
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route('**/confirm', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: /^Pay/ }).click();
    await expect(page.getByRole('button', { name: 'Processing…' })).toHaveAttribute('aria-busy', 'true');
    await page.screenshot({ path: state('processing'), fullPage: true });
    release();
    await page.waitForURL(/\/success\?session_id=cs_/);

    await page.goto(session.url);
    await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
    await page.screenshot({ path: state('receipt'), fullPage: true });

    const stale = await create();
    const expired = await request.post(`/api/v1/checkout-sessions/${stale.checkoutSession.id}/expire`, {
      headers: { Authorization: process.env.SECRET_KEY },
    });
    expect(expired.status()).toBe(200);
    await page.goto(stale.url);
    await expect(page.getByRole('heading', { name: 'This checkout has expired' })).toBeVisible();
    await page.screenshot({ path: state('expired'), fullPage: true });
  });
}

test('screenshot of the overlay mode on a merchant page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/examples/overlay.html');
  await page.locator('#lifetime').getByRole('button', { name: 'Buy now: Lifetime' }).click();
  await expect(page.frameLocator('iframe[title="Checkout"]').getByRole('button', { name: /^Pay/ })).toBeVisible();
  await page.screenshot({ path: shot('overlay') });
});

test('screenshot of the pricing table element in the dark theme on a dark merchant page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 760 });
  await page.route('**/merchant/dark.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dark merchant</title>
        <script type="module" src="/checkout-widget.js"></script></head>
        <body style="margin:0;padding:32px 48px;background:#0b1020;color:#e5e7eb;font-family:system-ui,sans-serif">
        <h1 style="margin:0 0 24px;font-size:28px">Pricing</h1>
        <checkout-pricing-table theme="dark" success-url="/success" cancel-url="/cancel"></checkout-pricing-table>
        </body></html>`,
    }),
  );
  await page.goto('/merchant/dark.html');
  const table = page.locator('checkout-pricing-table');
  await expect(table.getByRole('button', { name: /Buy now: Onboarding/ })).toBeEnabled();
  await page.screenshot({ path: shot('widget-dark'), fullPage: true });
});
