// Network faults between the script-tag widget and the merchant's server
// route: the server down (a closed port), 500, 502 with an HTML body,
// malformed JSON, a 10-second stall, a dropped connection. Each ends in a
// clear message with a way to try again, the button usable, no spinner left
// and nothing uncaught in the console; a retried create sends the same
// Idempotency-Key, so a lost answer never makes a second session.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { fillPayment, openSession, platformSession } from './support.mjs';

const shots = path.join('target', 'e2e', 'screenshots', 'faults');
const MODEL = '**/api/billing/pricing-models/retrieve';
const CREATE = '**/api/billing/checkout-sessions/create';

/** Uncaught exceptions and console errors other than the browser's own network lines. */
function watchConsole(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // Chromium logs every failed request itself; those are the faults we inject.
    if (message.type() === 'error' && !/Failed to load resource|net::ERR_/.test(text)) problems.push(text);
  });
  return problems;
}

/**
 * A merchant page on the server's origin: the script tag, then `configure()`
 * and one element created after it, so the options apply to that element.
 */
async function merchantPage(page, { options = {}, attributes = {} } = {}) {
  const attrs = { 'price-slug': 'onboarding', 'success-url': '/success?session_id={CHECKOUT_SESSION_ID}', 'cancel-url': '/cancel', ...attributes };
  await page.route('**/merchant/faults.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><title>Faults</title></head><body><main></main>
        <script type="module">
          import { configure } from '/checkout-widget.js';
          configure(${JSON.stringify(options)});
          const el = document.createElement('checkout-widget');
          for (const [name, value] of Object.entries(${JSON.stringify(attrs)})) el.setAttribute(name, value);
          document.querySelector('main').append(el);
        </script></body></html>`,
    }),
  );
  await page.goto('/merchant/faults.html');
  return page.locator('checkout-widget');
}

const LOAD_FAULTS = [
  {
    name: '500 with an error envelope',
    fault: (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal_error","message":"The billing server failed."}}' }),
    message: 'The billing server failed.',
  },
  {
    name: '502 with an HTML body',
    fault: (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>' }),
    message: 'The billing server answered with an error (HTTP 502). Please try again.',
  },
  {
    name: 'malformed JSON',
    fault: (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"data": {"pricingModel": ' }),
    message: 'The billing server sent a response the checkout could not read. Please try again.',
  },
  {
    name: 'a dropped connection',
    fault: (route) => route.abort('connectionreset'),
    message: 'Could not reach the billing server. Check your connection and try again.',
  },
];

for (const { name, fault, message } of LOAD_FAULTS) {
  test(`loading the price: ${name} shows a message and "Try again" recovers`, async ({ page }) => {
    const problems = watchConsole(page);
    let failing = true;
    let asked = 0;
    await page.route(MODEL, (route) => {
      asked += 1;
      return failing ? fault(route) : route.fallback();
    });
    const widget = await merchantPage(page);
    await expect(widget.getByRole('alert')).toHaveText(message);
    const retry = widget.getByRole('button', { name: 'Try again' });
    await expect(retry).toBeEnabled();
    await expect(widget.locator('[aria-busy="true"]')).toHaveCount(0);

    // Still failing: the retry answers again and keeps focus. The retry's
    // request must have been answered (failing) before the fault is lifted,
    // or on a slow machine it could arrive afterwards and succeed.
    const before = asked;
    await retry.click();
    await expect.poll(() => asked).toBeGreaterThan(before);
    await expect(widget.locator('[aria-busy="true"]')).toHaveCount(0);
    await expect(widget.getByRole('alert')).toHaveText(message);
    await expect(retry).toBeFocused();

    failing = false;
    await retry.click();
    await expect(widget.getByRole('button', { name: 'Buy now: Onboarding' })).toBeEnabled();
    await expect(widget.getByRole('alert')).toHaveText('');
    expect(problems).toEqual([]);
  });
}

test('the server down (nothing listening) is a clear error with a retry, not a spinner', async ({ page }) => {
  const problems = watchConsole(page);
  // Port 9 (discard) on loopback: connection refused, a real network failure.
  const widget = await merchantPage(page, { options: { serverRoute: 'http://127.0.0.1:9/api/billing' } });
  await expect(widget.getByRole('alert')).toHaveText('Could not reach the billing server. Check your connection and try again.');
  await expect(widget.getByRole('button', { name: 'Try again' })).toBeEnabled();
  await expect(widget.locator('[aria-busy="true"]')).toHaveCount(0);
  const codes = await page.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector('checkout-widget');
    el.addEventListener('checkout-error', (e) => resolve(e.detail.code), { once: true });
    el.shadowRoot.querySelector('[part~="retry-button"]').click();
  }));
  expect(codes).toBe('network_error');
  await page.screenshot({ path: path.join(shots, 'server-down.png') });
  expect(problems).toEqual([]);
});

test('a 10-second stall ends in a timeout at the configured limit, then succeeds on retry', async ({ page }) => {
  const problems = watchConsole(page);
  let stall = true;
  await page.route(MODEL, async (route) => {
    if (!stall) return route.fallback();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await route.fallback().catch(() => {});
  });
  const started = Date.now();
  const widget = await merchantPage(page, { options: { timeoutMs: 2000 } });
  await expect(widget.getByRole('alert')).toHaveText('The billing server took too long to answer. Please try again.', { timeout: 8000 });
  expect(Date.now() - started).toBeLessThan(9000);
  stall = false;
  await widget.getByRole('button', { name: 'Try again' }).click();
  await expect(widget.getByRole('button', { name: 'Buy now: Onboarding' })).toBeEnabled();
  expect(problems).toEqual([]);
});

test('a 10-second stall under the default 15 s timeout just takes longer: the skeleton, then the button', async ({ page }) => {
  test.slow();
  const problems = watchConsole(page);
  await page.route(MODEL, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await route.fallback();
  });
  const widget = await merchantPage(page);
  await expect(widget.locator('[part~="card"][aria-busy="true"]')).toBeVisible();
  await expect(widget.getByRole('button', { name: 'Buy now: Onboarding' })).toBeEnabled({ timeout: 20_000 });
  expect(problems).toEqual([]);
});

const CREATE_FAULTS = [
  ['500', (route) => route.fulfill({ status: 500, contentType: 'text/plain', body: 'Internal Server Error' }), 'The billing server answered with an error (HTTP 500). Please try again.'],
  ['502 HTML', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' }), 'The billing server answered with an error (HTTP 502). Please try again.'],
  ['malformed JSON', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"data":' }), 'The billing server sent a response the checkout could not read. Please try again.'],
  ['a dropped connection', (route) => route.abort('connectionreset'), 'Could not reach the billing server. Check your connection and try again.'],
];

for (const [name, fault, message] of CREATE_FAULTS) {
  test(`creating the session: ${name} re-enables the button, and the retry sends the same Idempotency-Key`, async ({ page }) => {
    const problems = watchConsole(page);
    const keys = [];
    let failing = true;
    await page.route(CREATE, (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      return failing ? fault(route) : route.fallback();
    });
    const widget = await merchantPage(page);
    const buy = widget.getByRole('button', { name: 'Buy now: Onboarding' });
    await buy.click();
    await expect(widget.getByRole('alert')).toHaveText(message);
    await expect(buy).toHaveAttribute('aria-disabled', 'false');
    await expect(buy).toHaveAttribute('aria-busy', 'false');
    await expect(buy).toHaveText(/Buy now/);

    failing = false;
    await buy.click();
    await page.waitForURL(/\/checkout\/cs_/);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{16,}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(problems).toEqual([]);
  });
}

test('an answer lost after the server created the session: the retry gets that same session, not a second one', async ({ page, request }) => {
  const problems = watchConsole(page);
  const ids = [];
  let first = true;
  await page.route(CREATE, async (route) => {
    // The server really creates the session; the customer's connection drops before the answer.
    const response = await route.fetch();
    ids.push((await response.json()).data.checkoutSession.id);
    if (first) {
      first = false;
      return route.abort('connectionreset');
    }
    return route.fulfill({ response });
  });
  const widget = await merchantPage(page);
  const buy = widget.getByRole('button', { name: 'Buy now: Onboarding' });
  await buy.click();
  await expect(widget.getByRole('alert')).toHaveText('Could not reach the billing server. Check your connection and try again.');
  await buy.click();
  await page.waitForURL(/\/checkout\/cs_/);
  expect(ids).toHaveLength(2);
  expect(ids[1]).toBe(ids[0]);
  expect(page.url()).toContain(`/checkout/${ids[0]}`);
  // The platform has exactly that one session for this attempt.
  const session = await request.get(`/api/checkout-sessions/${ids[0]}`);
  expect(session.status()).toBe(200);
  expect(problems).toEqual([]);
});

test('a double click while the create is slow sends one request', async ({ page }) => {
  const problems = watchConsole(page);
  let creates = 0;
  await page.route(CREATE, async (route) => {
    creates += 1;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await route.fallback();
  });
  const widget = await merchantPage(page);
  const buy = widget.getByRole('button', { name: 'Buy now: Onboarding' });
  await buy.dblclick();
  await page.waitForURL(/\/checkout\/cs_/);
  expect(creates).toBe(1);
  expect(problems).toEqual([]);
});

test('on the hosted page, a payment whose answer was lost is not taken twice: paying again shows the receipt', async ({ page, request, baseURL }) => {
  const problems = watchConsole(page);
  const session = await openSession(request, baseURL);
  let confirms = 0;
  await page.route('**/confirm', async (route) => {
    confirms += 1;
    if (confirms === 1) {
      // The server takes the payment; the customer's connection drops before the answer.
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.fallback();
  });
  await page.goto(session.url);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  const pay = page.getByRole('button', { name: /^Pay/ });
  await pay.click();
  await expect(page.getByRole('alert')).toHaveText('Could not reach the billing server. Check your connection and try again.');
  await expect(pay).toBeEnabled();
  await pay.click();
  await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
  expect(confirms).toBe(2);
  const read = await platformSession(request, session.checkoutSession.id);
  expect(read.body.checkoutSession.status).toBe('succeeded');
  expect(problems).toEqual([]);
});
