// Our widget behind Flowglad's own server SDK: a merchant's Express app
// mounts `@flowglad/server`'s `expressRouter` (unchanged, exact version in
// package.json) at /api/flowglad, pointed at this server's platform API as
// its Flowglad. The merchant's sign-in calls `findOrCreateCustomer()`, which
// creates a customer only when our 404 says Flowglad's `NOT_FOUND`; the page
// is our `<checkout-widget>` with `server-route="/api/flowglad"`. A customer
// who did not exist before signs in and checks out.
import { test, expect } from '@playwright/test';
import express from 'express';
import { FlowgladServer } from '@flowglad/server';
import { expressRouter } from '@flowglad/server/express';
import { SECRET_KEY, fillPayment, platformSession } from './support.mjs';

const BASE_URL = process.env.BASE_URL ?? '';

/** The signed-in user's id from the merchant's own cookie. */
function userOf(req) {
  const cookie = req.headers.cookie ?? '';
  const match = cookie.match(/(?:^|;\s*)shop_user=([a-z0-9-]+)/);
  if (!match) {
    throw new Error('not signed in');
  }
  return match[1];
}

/** Flowglad's server SDK for one customer, aimed at our platform API. */
function flowgladFor(externalId) {
  return new FlowgladServer({
    apiKey: SECRET_KEY,
    baseURL: BASE_URL,
    customerExternalId: externalId,
    getCustomerDetails: async (id) => ({ email: `${id}@shop.example`, name: `Customer ${id}` }),
  });
}

/** The merchant's app: sign-in, Flowglad's route handler, a pricing page, a thank-you page. */
async function startShop() {
  const app = express();
  app.use(express.json());
  app.post('/login/:user', async (req, res) => {
    try {
      const customer = await flowgladFor(req.params.user).findOrCreateCustomer();
      res.cookie('shop_user', req.params.user).json({ customer });
    } catch (error) {
      res.status(500).json({ message: String(error?.message ?? error) });
    }
  });
  app.use(
    '/api/flowglad',
    expressRouter({
      flowglad: async (externalId) => flowgladFor(externalId),
      getCustomerExternalId: async (req) => userOf(req),
      apiKey: SECRET_KEY,
      baseURL: BASE_URL,
    }),
  );
  app.get('/', (_req, res) => {
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="module" src="${BASE_URL}/checkout-widget.js"></script></head>
<body><h1>Pricing</h1>
<checkout-widget price-slug="onboarding" server-route="/api/flowglad"
  success-url="/thanks?session_id={CHECKOUT_SESSION_ID}" cancel-url="/"></checkout-widget>
</body></html>`);
  });
  app.get('/thanks', (req, res) => {
    res.type('html').send(`<!doctype html><title>Thanks</title><h1>Thanks</h1><p id="session">${encodeURIComponent(String(req.query.session_id ?? ''))}</p>`);
  });
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

test('a new customer signs in through @flowglad/server and checks out with <checkout-widget>', async ({ page, request }) => {
  const { server, origin } = await startShop();
  try {
    const user = `dora-${Date.now().toString(36)}`;
    // Before: our platform API does not know her, in Flowglad's words.
    const unknown = await request.get(`${BASE_URL}/api/v1/customers/${user}`, {
      headers: { Authorization: SECRET_KEY },
    });
    expect(unknown.status()).toBe(404);
    const body = await unknown.json();
    expect(body.code).toBe('NOT_FOUND');
    expect(body.error.code).toBe('customer_not_found');

    // The merchant's sign-in: Flowglad's SDK finds her missing and creates her.
    const login = await page.request.post(`${origin}/login/${user}`);
    expect(login.status(), await login.text()).toBe(200);
    const { customer } = await login.json();
    expect(customer.externalId).toBe(user);
    expect(customer.email).toBe(`${user}@shop.example`);
    // A second sign-in finds the same customer.
    const again = await page.request.post(`${origin}/login/${user}`);
    expect((await again.json()).customer.id).toBe(customer.id);

    // The pricing page: our widget asks Flowglad's route handler, which asks our platform.
    await page.goto(`${origin}/`);
    const widget = page.locator('checkout-widget');
    await widget.getByRole('button', { name: 'Buy now: Onboarding' }).click();
    await expect(page).toHaveURL(new RegExp(`^${BASE_URL}/checkout/cs_`));
    // Signed in: the email is hers and locked.
    await expect(page.getByLabel('Email')).toHaveValue(`${user}@shop.example`);
    await fillPayment(page, { number: '4242 4242 4242 4242' });
    await page.getByRole('button', { name: /^Pay/ }).click();
    await expect(page).toHaveURL(new RegExp(`^${origin}/thanks\\?session_id=cs_`));
    const id = new URL(page.url()).searchParams.get('session_id');

    // The platform recorded the purchase for her.
    const paid = await platformSession(request, id);
    expect(paid.status).toBe(200);
    expect(paid.body.checkoutSession.status).toBe('succeeded');
    expect(paid.body.checkoutSession.customerId).toBe(customer.id);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
