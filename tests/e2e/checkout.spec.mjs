// The whole product in a real browser against the real server and release
// bundle: store → hosted checkout → test card → merchant's success page →
// platform API. No fakes anywhere.
import { test, expect } from '@playwright/test';
import { createSession, fillPayment, platformSession, sessionIdFrom, storeButton } from './support.mjs';

test.beforeEach(async ({ page }) => {
  // Any uncaught exception or console error is a failure of the page.
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

test('a customer buys Onboarding with the test card and the platform API sees it succeeded', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Plans and add-ons' })).toBeVisible();
  await storeButton(page, 'Buy now: Onboarding').click();

  await page.waitForURL(/\/checkout\/cs_[0-9a-f]{32}$/);
  const summary = page.locator('.co-summary');
  await expect(summary).toContainText('Acme Cloud');
  await expect(summary.locator('.co-line')).toContainText(['Onboarding']);
  await expect(summary).toContainText('$49.00');
  const pay = page.getByRole('button', { name: /^Pay/ });
  await expect(pay).toHaveText('Pay $49.00');

  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await pay.click();

  await page.waitForURL(/\/success\?session_id=cs_/);
  const id = sessionIdFrom(page.url());
  await expect(page.getByTestId('session-id')).toHaveText(id);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');

  const { status, body } = await platformSession(request, id);
  expect(status).toBe(200);
  expect(body.checkoutSession).toMatchObject({
    id,
    status: 'succeeded',
    type: 'product',
    priceId: 'price_onboarding',
    quantity: 1,
    customerEmail: 'ann@example.com',
  });
  expect(body.url).toContain(`/checkout/${id}`);

  // The platform API is behind the secret key.
  expect((await platformSession(request, id, '')).status).toBe(401);
  expect((await platformSession(request, id, 'sk_test_wrong')).status).toBe(401);

  // Coming back to a paid session shows a receipt, not a second payment form.
  await page.goto(`/checkout/${id}`);
  await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
  await expect(page.locator('.co-receipt')).toContainText('Visa ending in 4242');
  await expect(page.locator('form')).toHaveCount(0);
});

test('a trial starts with nothing due today and the recurring price stated', async ({ page }) => {
  await page.goto('/');
  await storeButton(page, /Start 14-day free trial/).click();
  await page.waitForURL(/\/checkout\/cs_/);
  await expect(page.locator('.co-summary')).toContainText('14 days free');
  await expect(page.locator('.co-summary')).toContainText('Then $12.00 per month');
  await expect(page.locator('.co-total-due')).toContainText('$0.00');
  await fillPayment(page, { number: '4242424242424242' });
  await page.getByRole('button', { name: 'Start trial' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
});

test('a card failing the Luhn check is refused on the page, then a declined card, then the right card pays', async ({ page, request }) => {
  await page.goto('/');
  await storeButton(page, 'Buy now: Lifetime').click();
  await page.waitForURL(/\/checkout\/cs_/);
  const id = page.url().split('/').pop();

  await fillPayment(page, { number: '4242 4242 4242 4241' });
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('alert')).toHaveText('Your card number is invalid.');
  await expect(page.getByLabel('Card number')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Card number').fill('4000 0000 0000 0002');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('alert')).toHaveText('Your card was declined. Try another card.');
  expect((await platformSession(request, id)).body.checkoutSession.status).toBe('open');

  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Pay $199.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  expect((await platformSession(request, id)).body.checkoutSession.status).toBe('succeeded');
});

test('amounts use each currency’s own decimals: JPY has none, KWD has three', async ({ page }) => {
  await page.goto('/');
  const credits = page.locator('.cw-pricing-grid article', { hasText: 'Credits' });
  await credits.getByLabel(/Quantity/).fill('3');
  await expect(credits).toContainText('Total ¥3,600');
  await credits.getByRole('button', { name: /Buy now/ }).click();
  await page.waitForURL(/\/checkout\/cs_/);
  await expect(page.locator('.co-line')).toContainText('Qty 3 × ¥1,200');
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveText('Pay ¥3,600');

  await page.goto('/');
  await storeButton(page, 'Buy now: Support hours').click();
  await page.waitForURL(/\/checkout\/cs_/);
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveText(/^Pay KWD\s5\.125$/);
});

test('cancel returns to the merchant with the session still open', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('radio', { name: 'Yearly' }).check();
  await storeButton(page, 'Subscribe: Pro · Yearly').click();
  await page.waitForURL(/\/checkout\/cs_/);
  await page.getByRole('link', { name: 'Cancel and return to Acme Cloud' }).click();
  await page.waitForURL(/\/cancel\?session_id=cs_/);
  await expect(page.getByRole('heading', { name: 'Checkout canceled' })).toBeVisible();
  await expect(page.getByTestId('session-status')).toHaveText('open');
});

test('an unknown session id gets a not-found page, an expired one says so', async ({ page, request }) => {
  await page.goto('/checkout/cs_00000000000000000000000000000000');
  await expect(page.getByRole('heading', { name: 'Checkout not found' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText("doesn't exist");

  const created = await createSession(request, {
    priceSlug: 'onboarding',
    successUrl: 'http://127.0.0.1/ok',
    cancelUrl: 'http://127.0.0.1/back',
  });
  expect(created.status).toBe(200);
  const id = created.body.data.checkoutSession.id;
  const expired = await request.post(`/api/v1/checkout-sessions/${id}/expire`, {
    headers: { Authorization: process.env.SECRET_KEY },
  });
  expect(expired.status()).toBe(200);
  await page.goto(`/checkout/${id}`);
  await expect(page.getByRole('heading', { name: 'This checkout has expired' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Return to Acme Cloud' })).toHaveAttribute('href', 'http://127.0.0.1/back');
});

test('the server route refuses bad input with a stable code and the right status', async ({ request }) => {
  const ok = { successUrl: 'http://127.0.0.1/ok', cancelUrl: 'http://127.0.0.1/back' };
  const cases = [
    [{ ...ok, priceSlug: 'no-such-price' }, 404, 'price_not_found'],
    [{ ...ok, priceSlug: 'onboarding', quantity: 0 }, 400, 'invalid_quantity'],
    [{ ...ok, priceSlug: 'onboarding', quantity: -2 }, 400, 'invalid_quantity'],
    [{ priceSlug: 'onboarding', successUrl: ok.successUrl }, 400, 'invalid_url'], // cancelUrl is required (successUrl is not)
    [{ ...ok, priceSlug: 'onboarding', successUrl: 'javascript:alert(1)' }, 400, 'invalid_url'],
    [{ ...ok, priceSlug: 'onboarding', priceId: 'price_onboarding' }, 400, 'price_ambiguous'],
  ];
  for (const [body, status, code] of cases) {
    const response = await createSession(request, body);
    expect(response.status, JSON.stringify(body)).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.json.message.length).toBeGreaterThan(10);
  }
});

test('the <checkout-widget> element checks out from its shadow root and explains a bad price', async ({ page }) => {
  await page.goto('/');
  const widget = page.locator('checkout-widget').first();
  await expect(widget.getByRole('heading', { name: 'Onboarding' })).toBeVisible();
  const isOpenShadow = await widget.evaluate((el) => el.shadowRoot?.mode);
  expect(isOpenShadow).toBe('open');

  // An element added later with an unknown price explains itself.
  await page.evaluate(() => {
    const el = document.createElement('checkout-widget');
    el.id = 'bad';
    el.setAttribute('price-slug', 'no-such-price');
    el.setAttribute('success-url', '/success');
    el.setAttribute('cancel-url', '/cancel');
    document.querySelector('main').append(el);
  });
  await expect(page.locator('#bad').getByRole('alert')).toHaveText('The price “no-such-price” is not available.');

  await widget.getByRole('button', { name: 'Buy now: Onboarding' }).click();
  await page.waitForURL(/\/checkout\/cs_/);
  await expect(page.getByRole('button', { name: /^Pay/ })).toHaveText('Pay $49.00');
});

test('a plain merchant page with only the script tag and one element completes a checkout', async ({ page }) => {
  // The merchant's own page: two lines of embed, nothing else of ours.
  await page.route('**/merchant/pricing.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><title>Merchant pricing</title>
        <script type="module" src="/checkout-widget.js"></script></head>
        <body><h1>Our pricing</h1>
        <checkout-widget price-slug="onboarding" success-url="/success?session_id={CHECKOUT_SESSION_ID}" cancel-url="/cancel"></checkout-widget>
        </body></html>`,
    }),
  );
  await page.goto('/merchant/pricing.html');
  const buy = page.getByRole('button', { name: 'Buy now: Onboarding' });
  await expect(buy).toBeVisible();
  // The widget added nothing to the merchant's page outside its own element.
  expect(await page.evaluate(() => [...document.body.children].map((e) => e.localName))).toEqual(['h1', 'checkout-widget']);
  await buy.click();
  await page.waitForURL(/\/checkout\/cs_/);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
});
