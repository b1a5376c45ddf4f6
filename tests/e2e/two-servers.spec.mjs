// Two servers on loopback: A (BASE_URL) runs the embedded platform; B
// (ROUTE_ONLY_URL) runs only the server route and the widget's files,
// forwarding to A with --platform-url. The widget on B's pages checks out
// and saves a card; the sessions live on A (whose hosted pages take the
// payment), and B has no platform API of its own. A third server
// (FAULTY_ROUTE_URL) forwards to a port this spec controls, to show that an
// upstream that is down, slow or failing reaches the widget as a clear error.
// A route-only server knows customers only by a JWT the merchant's sign-in
// signs (--customer-jwt-secret): the spec signs them here, as a shop's login
// would, and B refuses the demo's tokens.
import { test, expect } from '@playwright/test';
import crypto from 'node:crypto';
import http from 'node:http';
import { fillPayment, platformSession, SECRET_KEY } from './support.mjs';

const B = process.env.ROUTE_ONLY_URL;
const FAULTY = process.env.FAULTY_ROUTE_URL;
const FAULTY_PORT = Number(process.env.FAULTY_PLATFORM_PORT);
const JWT_SECRET = process.env.CUSTOMER_JWT_SECRET;

test.skip(!B || !FAULTY || !FAULTY_PORT || !JWT_SECRET, 'needs the route-only servers `cargo xtask test e2e` starts');

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An HS256 JWT of `claims` signed with `secret` (the shop's sign-in). */
function signJwt(claims, secret = JWT_SECRET) {
  const body = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  const signature = crypto.createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${signature}`;
}

/** A valid customer JWT for `sub`, ten minutes long. */
const customerJwt = (sub) => signJwt({ sub, exp: Math.floor(Date.now() / 1000) + 600 });

/** Signs the browser in on B as `sub`: the `session` cookie holds the JWT. */
async function signInOnB(page, sub) {
  await page.context().addCookies([{ name: 'session', value: customerJwt(sub), url: B, sameSite: 'Lax' }]);
}

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

/** Alice's saved cards on A, read with the secret key. */
async function cardsOnA(request) {
  const response = await request.get('/api/v1/customers/alice/billing', { headers: { Authorization: SECRET_KEY } });
  expect(response.status()).toBe(200);
  return (await response.json()).paymentMethods.length;
}

test('the widget on B checks out through A: the session is on A, B has no platform API', async ({ page, request, baseURL }) => {
  await page.goto(`${B}/examples/plain.html`);
  const widget = page.locator('checkout-widget');
  await widget.getByRole('button', { name: 'Buy now: Onboarding' }).click();
  // The hosted page is A's, as a real platform hosts its checkout.
  await page.waitForURL((url) => url.origin === new URL(baseURL).origin && /^\/checkout\/cs_[0-9a-f]{32}$/.test(url.pathname));
  const id = new URL(page.url()).pathname.split('/').pop();
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: /^Pay/ }).click();
  // Back on B's success page, with A's session id.
  await page.waitForURL((url) => url.origin === new URL(B).origin && url.pathname === '/success');
  expect(new URL(page.url()).searchParams.get('session_id')).toBe(id);

  const onA = await platformSession(request, id);
  expect(onA.status).toBe(200);
  expect(onA.body.checkoutSession.status).toBe('succeeded');
  // B forwards; it answers no platform or hosted-page API itself.
  const onB = await request.get(`${B}/api/v1/checkout-sessions/${id}`, { headers: { Authorization: SECRET_KEY } });
  expect(onB.status()).toBe(404);
  expect((await request.get(`${B}/api/checkout-sessions/${id}`)).status()).toBe(404);
});

test('Alice adds a card from B\'s billing panel on A\'s hosted page, and B shows it', async ({ page, request, baseURL }) => {
  const before = await cardsOnA(request);
  await signInOnB(page, 'alice');
  await page.goto(`${B}/`);
  await expect(page.getByTestId('account-customer')).toHaveText('Alice Martin · alice@example.com');
  await page.getByRole('button', { name: 'Add payment method' }).click();
  await page.waitForURL((url) => url.origin === new URL(baseURL).origin && /^\/add-payment-method\/cs_[0-9a-f]{32}$/.test(url.pathname));
  const id = new URL(page.url()).pathname.split('/').pop();
  await expect(page.getByRole('heading', { name: 'Save a payment method' })).toBeVisible();
  await fillPayment(page, { number: '5555 5555 5555 4444', expiry: '11 / 33' });
  await page.getByRole('button', { name: 'Save card' }).click();
  await page.waitForURL((url) => url.origin === new URL(B).origin && url.pathname === '/');
  await expect(page.locator('.demo-account')).toContainText('Mastercard •••• 4444');

  const session = await platformSession(request, id);
  expect(session.body.checkoutSession.type).toBe('add_payment_method');
  expect(session.body.checkoutSession.status).toBe('succeeded');
  expect(await cardsOnA(request)).toBe(before + 1);
});

test('B answers 401 to a forged, expired, alg:none or demo token, and the demo sign-in shows no account', async ({ page, request }) => {
  const now = Math.floor(Date.now() / 1000);
  const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'alice', exp: now + 600 })}.`;
  const tokens = {
    forged: signJwt({ sub: 'alice', exp: now + 600 }, 'an-attackers-own-secret-0123456789abcdef'),
    expired: signJwt({ sub: 'alice', exp: now - 120 }),
    'alg none': none,
    demo: 'demo-alice',
  };
  for (const [what, token] of Object.entries(tokens)) {
    for (const headers of [{ Authorization: `Bearer ${token}` }, { Cookie: `session=${token}` }]) {
      const response = await request.post(`${B}/api/billing/customers/billing`, { headers, data: {} });
      expect(response.status(), `${what} ${Object.keys(headers)[0]}`).toBe(401);
      expect((await response.json()).error.code, what).toBe('unauthorized');
    }
  }
  const valid = await request.post(`${B}/api/billing/customers/billing`, { headers: { Authorization: `Bearer ${customerJwt('alice')}` }, data: {} });
  expect(valid.status()).toBe(200);
  expect((await valid.json()).data.customer.externalId).toBe('alice');

  // The demo's "Signed in as Alice" sets `session=demo-alice`: B refuses it,
  // and the widget (which takes any 401 as "not signed in") shows no account.
  await page.goto(`${B}/`);
  const answer = page.waitForResponse(async (r) =>
    r.url() === `${B}/api/billing/customers/billing` && ((await r.request().headerValue('cookie')) ?? '').includes('session=demo-alice'));
  await page.getByRole('radio', { name: 'Alice' }).check();
  const refused = await answer;
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('unauthorized');
  await expect(page.getByText('You are browsing anonymously.')).toBeVisible();
  await expect(page.getByTestId('account-customer')).toHaveCount(0);
});

/**
 * The upstream of the faulty route-only server: forwards to A, or fails
 * the way `mode` says ('slow': never answers; '500': an internal error).
 */
async function startUpstream(baseURL, state) {
  const server = http.createServer(async (req, res) => {
    if (state.mode === 'slow') return; // never answers; the route-only server gives up after 2 s
    if (state.mode === '500') {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Try again in a moment.' } }));
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = { ...req.headers };
    delete headers.host;
    for (const name of ['content-length', 'connection', 'keep-alive', 'transfer-encoding']) delete headers[name];
    const answer = await fetch(new URL(req.url, baseURL), {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(FAULTY_PORT, '127.0.0.1', resolve);
  });
  return server;
}

const stop = (server) => new Promise((resolve) => {
  server.closeAllConnections();
  server.close(() => resolve());
});

test('the platform down, slow or failing reaches the widget on B as a clear error, and it recovers', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const state = { mode: 'proxy' };
  let upstream = null;
  try {
    // Down before the page loads: the price cannot be shown, and says why.
    await page.goto(`${FAULTY}/examples/plain.html`);
    const widget = page.locator('checkout-widget');
    await expect(widget.getByRole('alert')).toContainText('The billing service cannot be reached right now.');

    // Up: the price loads through the route-only server.
    upstream = await startUpstream(baseURL, state);
    await page.reload();
    const buy = widget.getByRole('button', { name: 'Buy now: Onboarding' });
    await expect(buy).toBeEnabled();
    const alert = widget.getByRole('alert');

    // Slow: the route-only server stops waiting after its 2 s timeout.
    state.mode = 'slow';
    await buy.click();
    await expect(alert).toContainText('The billing service is taking too long to answer.', { timeout: 10_000 });
    await expect(buy).toBeEnabled();

    // Failing: A's 500 comes through with its message, after retries.
    state.mode = '500';
    await buy.click();
    await expect(alert).toContainText('Something went wrong on our side.');
    await expect(buy).toBeEnabled();

    // Down mid-visit.
    await stop(upstream);
    upstream = null;
    await buy.click();
    await expect(alert).toContainText('The billing service cannot be reached right now.');
    await expect(buy).toBeEnabled();

    // Back: the same button now reaches A's hosted checkout.
    state.mode = 'proxy';
    upstream = await startUpstream(baseURL, state);
    await buy.click();
    await page.waitForURL((url) => url.origin === new URL(baseURL).origin && /^\/checkout\/cs_/.test(url.pathname));
  } finally {
    if (upstream) await stop(upstream);
  }
});
