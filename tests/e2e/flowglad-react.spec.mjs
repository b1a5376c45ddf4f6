// Flowglad's own React SDK against the production shape: a page built with
// the published @flowglad/react 0.18, unchanged (bench/react/billing.jsx,
// bundled with esbuild from bench/'s npm packages), on the origin of a
// route-only checkout-server (FLOWGLAD_REACT_URL: --route-prefix
// /api/flowglad, --customer-jwt-secret, forwarding to BASE_URL). The shop's
// own sign-in is a JWT in the `session` cookie, signed here as a shop's
// login would; the SDK sends the cookie and shows the customer's billing.
// A forged, expired, `alg: none` or demo token gets 401 `unauthorized`.
import { test, expect } from '@playwright/test';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SECRET_KEY } from './support.mjs';

const SHOP = process.env.FLOWGLAD_REACT_URL;
const APP_JS = process.env.FLOWGLAD_REACT_JS;
const JWT_SECRET = process.env.CUSTOMER_JWT_SECRET;

test.skip(!SHOP || !APP_JS || !JWT_SECRET, 'needs the @flowglad/react page and route-only server `cargo xtask test e2e` sets up');

const PAGE = '/shop/account.html';
const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop · your account</title>
<script type="module" src="/shop/billing.js"></script></head>
<body><main><h1>Your account</h1><div id="root"></div></main></body></html>`;

/** Serves the shop's page and the bundled SDK app on the route-only server's origin. */
async function serveShop(page) {
  const js = readFileSync(APP_JS);
  await page.route(`${SHOP}/shop/*`, (route) => {
    const name = new URL(route.request().url()).pathname;
    if (name === PAGE) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: HTML });
    if (name === '/shop/billing.js') return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: js });
    return route.fulfill({ status: 404, body: 'not found' });
  });
}

const base64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** An HS256 JWT of `claims` signed with `secret`. */
function signJwt(claims, secret = JWT_SECRET) {
  const body = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${body}.${crypto.createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Opens the shop's account page with `token` in the `session` cookie; returns the SDK's customers/billing answer. */
async function openWithSession(page, token) {
  await serveShop(page);
  await page.context().addCookies([{ name: 'session', value: token, url: SHOP, sameSite: 'Lax' }]);
  const billing = page.waitForResponse((r) => r.url() === `${SHOP}/api/flowglad/customers/billing`);
  await page.goto(`${SHOP}${PAGE}`);
  return billing;
}

test('@flowglad/react shows the billing of the customer the shop\'s JWT names', async ({ page }) => {
  const answer = await openWithSession(page, signJwt({ sub: 'alice', exp: now() + 600 }));
  expect(answer.status()).toBe(200);
  await expect(page.locator('#status')).toHaveText('Loaded');
  await expect(page.locator('#customer')).toHaveText('Alice Martin · alice@example.com · alice');
  await expect(page.locator('#subscription')).toContainText('active');
  await expect(page.locator('#payment-methods')).not.toHaveText('0');
});

test('a shop customer the platform has never seen is created from the JWT\'s claims', async ({ page, request, baseURL }) => {
  const sub = `react-${crypto.randomUUID()}`;
  const token = signJwt({ sub, email: 'gina@shop.example', name: 'Gina Rossi', exp: now() + 600 });
  const answer = await openWithSession(page, token);
  expect(answer.status()).toBe(200);
  await expect(page.locator('#customer')).toHaveText(`Gina Rossi · gina@shop.example · ${sub}`);
  await expect(page.locator('#subscription')).toHaveText('none');
  const onA = await request.get(`${baseURL}/api/v1/customers/${sub}`, { headers: { Authorization: SECRET_KEY } });
  expect(onA.status()).toBe(200);
  expect((await onA.json()).customer.email).toBe('gina@shop.example');
});

for (const [what, token] of [
  ['a forged signature', () => signJwt({ sub: 'alice', exp: now() + 600 }, 'an-attackers-own-secret-0123456789abcdef')],
  ['an expired token', () => signJwt({ sub: 'alice', exp: now() - 120 })],
  ['alg: none', () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'alice', exp: now() + 600 })}.`],
  ['the demo\'s token', () => 'demo-alice'],
]) {
  test(`${what} in the session cookie gets 401 unauthorized and no billing`, async ({ page }) => {
    const answer = await openWithSession(page, token());
    expect(answer.status()).toBe(401);
    expect((await answer.json()).error.code).toBe('unauthorized');
    await expect(page.locator('#status')).toContainText('Error');
    await expect(page.locator('#customer')).toHaveCount(0);
  });
}

// The in-app billing panel (bench/react/billing.jsx's <Panel>): the stock
// SDK's useBilling (checkFeatureAccess, checkUsageBalance, createUsageEvent,
// adjustSubscription), useUsageMeter and useResource against our route.

/** Records every route answer the SDK gets, to prove none was "no action". */
function routeAnswers(page) {
  const answers = [];
  page.on('response', (r) => {
    if (r.url().startsWith(`${SHOP}/api/flowglad/`)) answers.push({ url: r.url(), status: r.status() });
  });
  return answers;
}

/** Calls one of the SDK's functions the panel exposes, as a button's handler would; `{ok}` or `{error}`. */
function panel(page, name, params) {
  return page.evaluate(async ([name, params]) => {
    try {
      return { ok: await window.panel[name](params) };
    } catch (e) {
      return { error: e.message };
    }
  }, [name, params]);
}

/** A shop customer new to the platform who has bought Pro yearly (paid, no trial; the card is saved). */
async function newProCustomer(page, request, baseURL) {
  const sub = `panel-${crypto.randomUUID()}`;
  const token = signJwt({ sub, email: `${sub}@shop.example`, name: 'Panel Tester', exp: now() + 600 });
  await openWithSession(page, token);
  await expect(page.locator('#subscription')).toHaveText('none');
  const created = await request.post(`${baseURL}/api/v1/checkout-sessions`, {
    headers: { Authorization: SECRET_KEY },
    data: { checkoutSession: { type: 'product', customerExternalId: sub, priceSlug: 'pro-yearly', successUrl: `${baseURL}/ok`, cancelUrl: `${baseURL}/no` } },
  });
  expect(created.status()).toBe(200);
  const id = (await created.json()).checkoutSession.id;
  const paid = await request.post(`${baseURL}/api/checkout-sessions/${id}/confirm`, {
    data: { email: `${sub}@shop.example`, card: { number: '4242424242424242', expMonth: 12, expYear: 2040, cvc: '123' } },
  });
  expect(paid.status()).toBe(200);
  await page.reload();
  await expect(page.locator('#subscription')).toHaveText('active price_pro_yearly');
  return sub;
}

test('@flowglad/react panel: Alice has priority builds and 1,000 build minutes; a customer without a plan has neither and cannot claim a seat', async ({ page }) => {
  const answers = routeAnswers(page);
  await openWithSession(page, signJwt({ sub: 'alice', exp: now() + 600 }));
  await expect(page.locator('#feature')).toHaveText('yes');
  await expect(page.locator('#balance')).toHaveText('1000');
  await expect(page.locator('#meter')).toHaveText('1000');
  await expect(page.locator('#seats')).toHaveText(/^\d of 5$/);

  // Bob's state is not fixed during a run (other specs buy for him), so a
  // new shop customer stands for "signed in, no plan", as Bob is at the start.
  const sub = `no-plan-${crypto.randomUUID()}`;
  await openWithSession(page, signJwt({ sub, email: `${sub}@shop.example`, name: 'No Plan', exp: now() + 600 }));
  await expect(page.locator('#subscription')).toHaveText('none');
  await expect(page.locator('#feature')).toHaveText('no');
  await expect(page.locator('#balance')).toHaveText('none');
  await expect(page.locator('#meter')).toHaveText('none');
  const claim = await panel(page, 'claim', { externalId: 'ann@shop.example' });
  expect(claim.error).toMatch(/subscription/i);
  expect(answers.filter((a) => a.status === 404), JSON.stringify(answers)).toEqual([]);
});

test('@flowglad/react panel: usage events count once per transactionId; seats are claimed, released and capped', async ({ page, request, baseURL }) => {
  const answers = routeAnswers(page);
  await newProCustomer(page, request, baseURL);
  await expect(page.locator('#feature')).toHaveText('yes');
  await expect(page.locator('#meter')).toHaveText('1000');

  const tx = `build-${crypto.randomUUID()}`;
  const first = await panel(page, 'createUsageEvent', { usageMeterSlug: 'build-minutes', amount: 30, transactionId: tx });
  expect(first.ok.usageEvent.id).toBeTruthy();
  await expect(page.locator('#meter')).toHaveText('970');
  const again = await panel(page, 'createUsageEvent', { usageMeterSlug: 'build-minutes', amount: 30, transactionId: tx });
  expect(again.ok.usageEvent.id).toBe(first.ok.usageEvent.id);
  await page.reload();
  await expect(page.locator('#meter')).toHaveText('970');
  await expect(page.locator('#balance')).toHaveText('970');

  await expect(page.locator('#seats')).toHaveText('0 of 5');
  const claimed = await panel(page, 'claim', { externalId: 'ann@shop.example' });
  expect(claimed.ok.usage.claimed).toBe(1);
  await expect(page.locator('#seats')).toHaveText('1 of 5');
  await expect(page.locator('#claims')).toHaveText('ann@shop.example');
  const tooMany = await panel(page, 'claim', { quantity: 5 });
  expect(tooMany.error).toMatch(/capacity|available|seats/i);
  await expect(page.locator('#seats')).toHaveText('1 of 5');
  const released = await panel(page, 'release', { externalId: 'ann@shop.example' });
  expect(released.ok.releasedClaims).toHaveLength(1);
  await expect(page.locator('#seats')).toHaveText('0 of 5');
  await expect(page.locator('#claims')).toHaveText('');
  expect(answers.filter((a) => a.status === 404), JSON.stringify(answers)).toEqual([]);
});

test('@flowglad/react panel: plan changes — a downgrade now, an upgrade charged to the saved card, a downgrade at the period end', async ({ page, request, baseURL }) => {
  const answers = routeAnswers(page);
  const sub = await newProCustomer(page, request, baseURL);

  // The SDK answers `{subscription: data}`, data being the route's answer.
  const down = await panel(page, 'adjustSubscription', { priceSlug: 'pro-monthly', timing: 'immediately' });
  expect(down.error).toBeUndefined();
  expect(down.ok.subscription).toMatchObject({ isUpgrade: false, resolvedTiming: 'immediately' });
  await expect(page.locator('#subscription')).toHaveText('active price_pro_monthly');

  const up = await panel(page, 'adjustSubscription', { priceSlug: 'pro-yearly' });
  expect(up.error).toBeUndefined();
  expect(up.ok.subscription).toMatchObject({ isUpgrade: true, resolvedTiming: 'immediately' });
  await expect(page.locator('#subscription')).toHaveText('active price_pro_yearly');
  // Charged now to the saved card: a paid invoice for the change beside the checkout's.
  const billing = await request.get(`${baseURL}/api/v1/customers/${sub}/billing`, { headers: { Authorization: SECRET_KEY } });
  expect(billing.status()).toBe(200);
  const invoices = (await billing.json()).invoices ?? [];
  expect(invoices.map((i) => i.invoice.status)).toEqual(['paid', 'paid']);

  const later = await panel(page, 'adjustSubscription', { priceSlug: 'pro-monthly' });
  expect(later.error).toBeUndefined();
  expect(later.ok.subscription).toMatchObject({ isUpgrade: false, resolvedTiming: 'at_end_of_current_billing_period' });
  await page.reload();
  await expect(page.locator('#subscription')).toHaveText('active price_pro_yearly');
  expect(answers.filter((a) => a.status === 404), JSON.stringify(answers)).toEqual([]);
});
