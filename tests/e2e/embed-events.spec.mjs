// What the embed tells the page (issue 16, item 7): the events the framed
// hosted page reports through the embed (a refused payment, a discount
// applied or removed, a success with what was charged and recorded),
// mount()'s close(), and an overlay that cannot be closed while a payment
// is processing. Release bundle, real server, Chromium.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { openSession, platformSession } from './support.mjs';

const shots = path.join('target', 'e2e', 'screenshots', 'embed');
const NAMES = [
  'ready', 'session-created', 'redirect', 'success', 'cancel', 'error',
  'payment-failed', 'discount-applied', 'discount-removed',
];
const BUSY = 'Payment in progress; the checkout cannot be closed until it finishes.';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
  // Every checkout-* event with its detail; the page stays put (the
  // merchant's code routes success and cancel itself).
  await page.addInitScript((names) => {
    window.__events = [];
    for (const name of names) {
      document.addEventListener(`checkout-${name}`, (e) => {
        window.__events.push({ name: e.type, detail: e.detail, composed: e.composed, bubbles: e.bubbles });
        if (e.type === 'checkout-redirect') e.preventDefault();
      });
    }
  }, NAMES);
});

const events = (page, name) =>
  page.evaluate((n) => window.__events.filter((e) => !n || e.name === n), name);
const names = async (page) => (await events(page)).map((e) => e.name);
/** The detail of the one `name` event, once it has fired. */
async function detailOf(page, name) {
  await expect.poll(async () => (await events(page, name)).length, { message: name }).toBe(1);
  const [event] = await events(page, name);
  expect(event.bubbles && event.composed).toBe(true);
  return event.detail;
}

const checkoutFrame = (page) => page.frameLocator('iframe[title="Checkout"]');

async function fillCard(frame, number) {
  const email = frame.getByLabel('Email');
  if (await email.isEditable()) await email.fill('ann@example.com');
  await frame.getByLabel('Card number').fill(number);
  await frame.getByLabel('Expiration date').fill('12 / 34');
  await frame.getByLabel('CVC').fill('123');
  await frame.getByRole('button', { name: /^Pay/ }).click();
}

/** Mounts a widget with the JS API into a new `#host`; the handle is `window.__handle`. */
async function mountWidget(page, options) {
  await page.evaluate(async (opts) => {
    const api = await import('/checkout-widget.js');
    const host = document.createElement('div');
    host.id = 'host';
    document.body.append(host);
    window.__handle = api.mount(host, { successUrl: '/ok', cancelUrl: '/no', ...opts });
  }, options);
}
const close = (page) => page.evaluate(() => window.__handle.close());

test('overlay: a declined card fires checkout-payment-failed and the checkout stays; paying fires checkout-success with what was charged', async ({ page, request }) => {
  await page.goto('/examples/overlay.html');
  await page.locator('#onboarding').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  const dialog = page.locator('#onboarding').getByRole('dialog', { name: 'Checkout' });
  await expect(dialog).toBeVisible();
  const frame = checkoutFrame(page);

  await fillCard(frame, '4000 0000 0000 0002');
  const failed = await detailOf(page, 'checkout-payment-failed');
  expect(failed).toEqual({
    sessionId: expect.stringMatching(/^cs_[0-9a-f]{32}$/),
    code: 'card_declined',
    message: expect.stringContaining('declined'),
  });
  await expect(frame.getByRole('alert')).toContainText('declined');
  await expect(dialog).toBeVisible();
  // The example page's log shows it, with its code.
  await expect(page.locator('#event-log')).toContainText('checkout-payment-failed card_declined');

  await fillCard(frame, '4242 4242 4242 4242');
  const paid = await detailOf(page, 'checkout-success');
  expect(paid).toEqual({
    sessionId: failed.sessionId,
    amountTotal: 4900,
    currency: 'USD',
    purchaseId: expect.stringMatching(/^pur_/),
  });
  await expect(dialog).toHaveCount(0);
  // The purchase the merchant's server reads with its secret key.
  const merchant = await platformSession(request, paid.sessionId);
  expect(merchant.body.checkoutSession.purchaseId).toBe(paid.purchaseId);
  expect(await names(page)).toEqual(expect.arrayContaining(['checkout-payment-failed', 'checkout-success']));
  expect(await names(page)).not.toContain('checkout-cancel');
});

test('overlay: a failed 3-D Secure authentication fires checkout-payment-failed; the checkout stays open', async ({ page }) => {
  await page.goto('/examples/overlay.html');
  await page.locator('#onboarding').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  const frame = checkoutFrame(page);
  await fillCard(frame, '4000 0027 6000 3184');
  const bank = frame.getByRole('dialog').filter({ has: frame.getByRole('button', { name: 'Fail authentication' }) });
  await expect(bank).toBeVisible();
  // Waiting for the bank charges nothing: the overlay may still be closed.
  const closeButton = page.locator('#onboarding').getByRole('button', { name: 'Close checkout' });
  await expect(closeButton).toHaveAttribute('aria-disabled', 'false');
  // Answering the bank is a payment in progress: the overlay holds until it ends.
  const held = [];
  await page.route('**/api/checkout-sessions/*/authenticate', (route) => held.push(route));
  await bank.getByRole('button', { name: 'Fail authentication' }).click();
  await expect.poll(() => held.length).toBe(1);
  await expect(closeButton).toHaveAttribute('aria-disabled', 'true');
  await held[0].continue();
  await expect(closeButton).toHaveAttribute('aria-disabled', 'false');
  expect(await detailOf(page, 'checkout-payment-failed')).toEqual({
    sessionId: expect.stringMatching(/^cs_/),
    code: 'authentication_failed',
    message: expect.any(String),
  });
  await expect(page.locator('#onboarding').getByRole('dialog', { name: 'Checkout' })).toBeVisible();
  expect(await names(page)).not.toContain('checkout-success');
});

test('a subscription checkout-success names the subscription (and the purchase recorded with it)', async ({ page, context, baseURL, request }) => {
  // Bob, signed in to the merchant's site, has no subscription yet.
  await context.addCookies([{ name: 'session', value: 'demo-bob', url: baseURL }]);
  await page.goto('/examples/plain.html');
  await mountWidget(page, { priceSlug: 'pro-yearly', display: 'overlay' });
  await page.locator('#host').getByRole('button', { name: /Pro/ }).click();
  // Bob has a saved card, offered first: pay with a typed one instead.
  const frame = checkoutFrame(page);
  await expect(frame.getByLabel('Email')).toBeVisible();
  const newCard = frame.getByRole('radio', { name: 'Use a new card' });
  if (await newCard.count()) await newCard.check();
  await fillCard(frame, '4242 4242 4242 4242');
  const paid = await detailOf(page, 'checkout-success');
  expect(paid).toEqual({
    sessionId: expect.stringMatching(/^cs_/),
    amountTotal: 12000,
    currency: 'USD',
    purchaseId: expect.stringMatching(/^pur_/),
    subscriptionId: expect.stringMatching(/^sub_/),
  });
  const merchant = await platformSession(request, paid.sessionId);
  expect(merchant.body.checkoutSession.subscriptionId).toBe(paid.subscriptionId);
  expect(merchant.body.checkoutSession.purchaseId).toBe(paid.purchaseId);
});

test('a discount code applied and removed in the overlay fires checkout-discount-applied and -removed', async ({ page, request, baseURL }) => {
  // A merchant whose checkout policy allows promotion codes: its server
  // route answers with a session its backend made with that option.
  const session = await openSession(request, baseURL, { priceSlug: 'onboarding', allowPromotionCodes: true });
  await page.route('**/api/billing/checkout-sessions/create', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ data: session }) }),
  );
  await page.goto('/examples/overlay.html');
  await page.locator('#onboarding').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  const frame = checkoutFrame(page);
  await frame.getByRole('button', { name: 'Add promotion code' }).click();
  await frame.getByLabel('Promotion code').fill('WELCOME10');
  await frame.getByRole('button', { name: 'Apply' }).click();
  expect(await detailOf(page, 'checkout-discount-applied')).toEqual({
    sessionId: session.checkoutSession.id,
    code: 'WELCOME10',
    amountOff: 490,
    totalDueToday: 4410,
    currency: 'USD',
  });
  await expect(page.locator('#event-log')).toContainText('checkout-discount-applied');

  await frame.getByRole('button', { name: 'Remove promotion code WELCOME10' }).click();
  expect(await detailOf(page, 'checkout-discount-removed')).toEqual({
    sessionId: session.checkoutSession.id,
    totalDueToday: 4900,
    currency: 'USD',
  });
  // An unknown code changes nothing: no event.
  await frame.getByRole('button', { name: 'Add promotion code' }).click();
  await frame.getByLabel('Promotion code').fill('NOPE');
  await frame.getByRole('button', { name: 'Apply' }).click();
  await expect(frame.locator('#promotion-code-error')).not.toBeEmpty();
  expect((await events(page, 'checkout-discount-applied')).length).toBe(1);
});

test('while a payment is processing, Escape, × and close() leave the overlay open and the × says why', async ({ page }) => {
  await page.goto('/examples/plain.html');
  await mountWidget(page, { priceSlug: 'onboarding', display: 'overlay' });
  expect(await close(page)).toBe(false); // nothing open yet
  await page.locator('#host').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  const dialog = page.locator('#host').getByRole('dialog', { name: 'Checkout' });
  await expect(dialog).toBeVisible();

  // Hold the payment at the server's door until the test lets it through.
  const held = [];
  await page.route('**/api/checkout-sessions/*/confirm', (route) => held.push(route));
  await fillCard(checkoutFrame(page), '4242 4242 4242 4242');
  await expect.poll(() => held.length).toBe(1);

  const closeButton = page.locator('#host').getByRole('button', { name: 'Close checkout' });
  await expect(closeButton).toHaveAttribute('aria-disabled', 'true');
  await expect(closeButton).toHaveAccessibleDescription(BUSY);
  await expect(dialog.getByRole('status')).toHaveText(BUSY);
  await page.screenshot({ path: path.join(shots, 'overlay-processing.png') });

  await closeButton.focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await closeButton.click({ force: true });
  expect(await close(page)).toBe(false);
  // Nor does the hosted page's own cancel link.
  await checkoutFrame(page).getByRole('link', { name: /^Cancel and return/ }).click();
  await expect(dialog).toBeVisible();
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe('hidden');
  expect(await names(page)).not.toContain('checkout-cancel');

  // The payment finishes: the overlay closes on its own, as a success.
  await held[0].continue();
  expect(await detailOf(page, 'checkout-success')).toMatchObject({ amountTotal: 4900, currency: 'USD' });
  await expect(dialog).toHaveCount(0);
  expect(await names(page)).not.toContain('checkout-cancel');
});

test('close() ends an open overlay or inline checkout as a cancel, without the redirect', async ({ page }) => {
  await page.goto('/examples/plain.html');
  await mountWidget(page, { priceSlug: 'onboarding', display: 'overlay' });
  await page.locator('#host').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  const dialog = page.locator('#host').getByRole('dialog', { name: 'Checkout' });
  await expect(checkoutFrame(page).getByLabel('Email')).toBeVisible();
  expect(await close(page)).toBe(true);
  await expect(dialog).toHaveCount(0);
  const canceled = await detailOf(page, 'checkout-cancel');
  expect(canceled.sessionId).toMatch(/^cs_/);
  expect(await names(page)).not.toContain('checkout-redirect');
  expect(await close(page)).toBe(false); // already closed
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).not.toBe('hidden');
  // Focus went back to the button that opened it.
  await expect(page.locator('#host').getByRole('button', { name: 'Buy now: Onboarding' })).toBeFocused();

  // Inline: the frame is removed.
  await page.evaluate(() => {
    window.__handle.destroy();
    document.getElementById('host').remove();
    window.__events = [];
  });
  await mountWidget(page, { priceSlug: 'onboarding', display: 'inline' });
  await expect(checkoutFrame(page).getByLabel('Email')).toBeVisible();
  expect(await close(page)).toBe(true);
  await expect(page.locator('#host iframe')).toHaveCount(0);
  expect((await detailOf(page, 'checkout-cancel')).sessionId).toMatch(/^cs_/);
  expect(await close(page)).toBe(false);
});

test('messages from another window, without the marker or with a wrong-typed field fire nothing', async ({ page }) => {
  await page.goto('/examples/plain.html');
  await mountWidget(page, { priceSlug: 'onboarding', display: 'overlay' });
  await page.locator('#host').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  await expect(checkoutFrame(page).getByLabel('Email')).toBeVisible();
  const hosted = page.frames().find((f) => f.url().includes('/checkout/cs_'));
  const failed = { source: 'checkout-widget', type: 'payment_failed', sessionId: 'cs_1', code: 'card_declined', message: 'Declined.' };

  // The page itself (another window than the frame): ignored.
  await page.evaluate((m) => window.postMessage(m, '*'), failed);
  // From the frame, but without the marker, or with a field of the wrong type: ignored, no panic.
  for (const bad of [
    { ...failed, source: 'someone-else' },
    { ...failed, code: 42 },
    { ...failed, message: { toString: null } },
    { ...failed, sessionId: null },
    { source: 'checkout-widget', type: 'success', sessionId: 'cs_1', redirectUrl: '/ok', amountTotal: '4900', currency: 'USD' },
    { source: 'checkout-widget', type: 'processing', sessionId: 'cs_1', processing: 'yes' },
    'checkout-widget',
    null,
  ]) {
    await hosted.evaluate((m) => parent.postMessage(m, '*'), bad);
  }
  // The same message well-formed, from the frame: heard (so the ones above could have been).
  await hosted.evaluate((m) => parent.postMessage(m, '*'), failed);
  expect(await detailOf(page, 'checkout-payment-failed')).toEqual({ sessionId: 'cs_1', code: 'card_declined', message: 'Declined.' });
  expect(await names(page)).not.toContain('checkout-success');
  await expect(page.locator('#host').getByRole('dialog', { name: 'Checkout' })).toBeVisible();
  await expect(page.locator('#host').getByRole('button', { name: 'Close checkout' })).toHaveAttribute('aria-disabled', 'false');
});
