// Our webhooks as a Flowglad merchant receives them: a receiver built on
// `verifyWebhook` from the published `@flowglad/server` (exact version in
// package.json, imported as a merchant's Express or Next.js handler would;
// it needs no framework) listens where `cargo xtask test e2e` pointed a
// server of its own (`--webhook-url`, `--webhook-secret`). A purchase and a
// subscription made through that real server must arrive as
// `purchase.completed` and `subscription.created`, and every delivery must
// verify — `verifyWebhook` checks the svix-* headers, the `whsec_` secret,
// the HMAC over the raw body and the timestamp's age.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import { verifyWebhook, WebhookVerificationError } from '@flowglad/server';
import { SECRET_KEY } from './support.mjs';

const WEBHOOKS_URL = process.env.WEBHOOKS_URL ?? '';
const RECEIVER_PORT = Number(process.env.WEBHOOK_RECEIVER_PORT ?? '0');
const WEBHOOK_SECRET = process.env.WEBHOOK_SECRET ?? '';

/**
 * Listens on the port the server delivers to; every request is verified
 * with Flowglad's own function and kept, verified or not.
 */
async function startReceiver() {
  const deliveries = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      // The raw body, as verifyWebhook requires (never a re-serialized parse).
      const raw = Buffer.concat(chunks);
      try {
        const payload = verifyWebhook(raw, req.headers, WEBHOOK_SECRET);
        deliveries.push({ payload, raw, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      } catch (error) {
        const message = error instanceof WebhookVerificationError ? error.message : String(error);
        deliveries.push({ error: message, raw, headers: req.headers });
        res.writeHead(400).end();
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(RECEIVER_PORT, '127.0.0.1', resolve);
  });
  return { server, deliveries };
}

/** Creates a checkout session through the platform API, as a merchant backend does. */
async function createSession(checkoutSession) {
  const response = await fetch(`${WEBHOOKS_URL}/api/v1/checkout-sessions`, {
    method: 'POST',
    headers: { Authorization: SECRET_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      checkoutSession: {
        type: 'product',
        successUrl: `${WEBHOOKS_URL}/success?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${WEBHOOKS_URL}/cancel`,
        ...checkoutSession,
      },
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()).checkoutSession.id;
}

/** Pays a session with a test card, as the hosted page does. */
async function pay(id) {
  const response = await fetch(`${WEBHOOKS_URL}/api/checkout-sessions/${id}/confirm`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      email: 'bob@example.com',
      card: { number: '4242424242424242', expMonth: 12, expYear: 2040, cvc: '123' },
    }),
  });
  expect(response.status).toBe(200);
}

test('verifyWebhook from @flowglad/server accepts every delivery; purchase.completed and subscription.created arrive', async () => {
  expect(WEBHOOKS_URL, 'run through `cargo xtask test e2e`').not.toBe('');
  const { server, deliveries } = await startReceiver();
  try {
    // requestId (kept on the purchase and the subscription) tells them apart.
    const purchase = 'e2e-webhook-purchase';
    await pay(await createSession({ customerExternalId: 'bob', priceSlug: 'onboarding', requestId: purchase }));
    const subscription = 'e2e-webhook-subscription';
    await pay(await createSession({
      customerExternalId: 'bob',
      priceSlug: 'pro-yearly',
      requestId: subscription,
      outputMetadata: { team: 'e2e' },
    }));

    const ofType = (type) => deliveries.filter((d) => d.payload?.type === type);
    const requestOf = (d) => d.payload.data?.purchase?.requestId ?? d.payload.data?.subscription?.requestId;
    // Deliveries run concurrently, so they arrive in any order: wait for all
    // of them (each checkout's payment too) before looking at any.
    await expect
      .poll(() => ({
        purchases: ofType('purchase.completed').map(requestOf).sort(),
        subscriptions: ofType('subscription.created').map(requestOf),
        payments: ofType('payment.succeeded').length,
      }), { timeout: 20_000 })
      .toEqual({
        purchases: [purchase, subscription].sort(),
        subscriptions: [subscription],
        payments: 2,
      });

    // Every delivery verified, with the Svix headers Flowglad's platform sends.
    expect(deliveries.filter((d) => d.error).map((d) => d.error)).toEqual([]);
    for (const d of deliveries) {
      expect(d.headers['svix-id']).toMatch(/^msg_/);
      expect(d.headers['svix-signature']).toMatch(/^v1,/);
      expect(d.headers['webhook-id']).toBe(d.headers['svix-id']);
    }

    // Flowglad's body: the object's id, its kind, its customer, its pricing model.
    const created = ofType('subscription.created')[0].payload;
    expect(created).toMatchObject({
      object: 'subscription',
      customer: { id: 'cus_bob', externalId: 'bob' },
      pricingModelId: 'pm_demo',
    });
    expect(created.id).toMatch(/^sub_/);
    expect(created.data.subscription.id).toBe(created.id);
    expect(created.data.subscription.metadata).toEqual({ team: 'e2e' });
    const completed = ofType('purchase.completed').find((d) => requestOf(d) === purchase).payload;
    expect(completed).toMatchObject({ object: 'purchase', customer: { id: 'cus_bob', externalId: 'bob' } });
    expect(completed.data.purchase.id).toBe(completed.id);

    // And it is a real check: a changed body or another secret is refused.
    const sample = deliveries[0];
    expect(() => verifyWebhook(Buffer.concat([sample.raw, Buffer.from(' ')]), sample.headers, WEBHOOK_SECRET))
      .toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(sample.raw, sample.headers, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'))
      .toThrow(WebhookVerificationError);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
