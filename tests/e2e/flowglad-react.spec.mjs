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
