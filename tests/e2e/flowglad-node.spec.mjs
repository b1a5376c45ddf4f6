// Compatibility with Flowglad's published server SDK: the real
// `@flowglad/node` client (exact version in package.json) pointed at this
// server's platform API creates, retrieves and pages through checkout
// sessions, and reports a wrong key with its own 401 error class.
import { test, expect } from '@playwright/test';
import { Flowglad, AuthenticationError, BadRequestError, ConflictError, NotFoundError } from '@flowglad/node';
import { SECRET_KEY } from './support.mjs';

const BASE_URL = process.env.BASE_URL ?? '';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The SDK as a merchant's backend would construct it, aimed at this server. */
function flowglad(apiKey = SECRET_KEY) {
  return new Flowglad({ apiKey, baseURL: BASE_URL });
}

/** A product checkout for Alice, as a merchant backend creates it. */
function aliceOnboarding(extra = {}) {
  return {
    checkoutSession: {
      type: 'product',
      customerExternalId: 'alice',
      priceSlug: 'onboarding',
      successUrl: `${BASE_URL}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${BASE_URL}/cancel`,
      outputMetadata: { team: 'design', seats: 5, priority: true },
      outputName: 'Design team onboarding',
      ...extra,
    },
  };
}

test('create and retrieve a checkout session with @flowglad/node', async () => {
  const client = flowglad();
  const before = Date.now();
  const created = await client.checkoutSessions.create(aliceOnboarding());
  const after = Date.now();

  const session = created.checkoutSession;
  expect(session.id).toMatch(/^cs_[0-9a-f]{32}$/);
  expect(session).toMatchObject({
    type: 'product',
    status: 'open',
    customerId: 'cus_alice',
    customerEmail: 'alice@example.com',
    customerName: 'Alice Martin',
    priceId: 'price_onboarding',
    quantity: 1,
    outputName: 'Design team onboarding',
    outputMetadata: { team: 'design', seats: 5, priority: true },
    successUrl: `${BASE_URL}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${BASE_URL}/cancel`,
    organizationId: 'org_demo',
    pricingModelId: 'pm_demo',
    livemode: false,
    purchaseId: null,
    discountId: null,
  });
  // Timestamps are epoch milliseconds, as the SDK's types say.
  for (const field of ['createdAt', 'updatedAt', 'expires']) {
    expect(Number.isInteger(session[field]), field).toBe(true);
  }
  expect(session.createdAt).toBeGreaterThanOrEqual(before);
  expect(session.createdAt).toBeLessThanOrEqual(after);
  expect(session.updatedAt).toBe(session.createdAt);
  expect(session.expires - session.createdAt).toBe(DAY_MS);
  expect(created.url.endsWith(`/checkout/${session.id}`)).toBe(true);
  expect(new URL(created.url).origin).toBe(new URL(BASE_URL).origin);

  const retrieved = await client.checkoutSessions.retrieve(session.id);
  expect(retrieved).toEqual(created);

  // The hosted page the URL names is the checkout page for that session.
  const page = await fetch(`${BASE_URL}/api/checkout-sessions/${session.id}`).then((r) => r.json());
  expect(page.data).toMatchObject({ id: session.id, status: 'open', totalDueToday: 4900, currency: 'USD' });
});

test('list checkout sessions page by page with the returned cursor', async () => {
  const client = flowglad();
  // Sessions of this test, oldest first; other specs may have made more.
  const mine = [];
  for (const extra of [{}, { customerExternalId: 'bob' }, { customerExternalId: null, anonymous: true, quantity: 2 }]) {
    mine.push((await client.checkoutSessions.create(aliceOnboarding(extra))).checkoutSession);
  }
  expect(mine[2].customerId).toBeNull();
  expect(mine[2].quantity).toBe(2);

  const first = await client.checkoutSessions.list({ limit: '2' });
  expect(first.data).toHaveLength(2);
  expect(first.hasMore).toBe(true);
  expect(first.total).toBeGreaterThanOrEqual(3);
  expect(typeof first.nextCursor).toBe('string');
  expect(first.currentCursor).toBeUndefined();
  // Newest first: this test's last two sessions lead the list.
  expect(first.data.map((s) => s.id)).toEqual([mine[2].id, mine[1].id]);
  expect(first.data[0]).toEqual(mine[2]);

  const seen = [...first.data.map((s) => s.id)];
  let page = first;
  let pages = 1;
  while (page.hasMore) {
    const cursor = page.nextCursor;
    page = await client.checkoutSessions.list({ limit: '2', cursor });
    expect(page.currentCursor).toBe(cursor);
    expect(page.total).toBe(first.total);
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.length).toBeLessThanOrEqual(2);
    seen.push(...page.data.map((s) => s.id));
    pages += 1;
    expect(pages).toBeLessThan(1000);
  }
  expect(page.nextCursor).toBeUndefined();
  expect(seen).toHaveLength(first.total);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.slice(0, 3)).toEqual([mine[2].id, mine[1].id, mine[0].id]);

  // The same cursor gives the same page again.
  const again = await client.checkoutSessions.list({ limit: '2', cursor: first.nextCursor });
  const twice = await client.checkoutSessions.list({ limit: '2', cursor: first.nextCursor });
  expect(twice.data.map((s) => s.id)).toEqual(again.data.map((s) => s.id));
  expect(again.data[0].id).toBe(mine[0].id);
});

test('the SDK reports refusals with its own error classes', async () => {
  const wrong = flowglad('sk_test_wrong');
  const refused = await wrong.checkoutSessions.list({ limit: '2' }).catch((e) => e);
  expect(refused).toBeInstanceOf(AuthenticationError);
  expect(refused.status).toBe(401);
  expect(refused.error.error.code).toBe('unauthorized');
  // The SDK builds its error text from the body's top-level `message`: a sentence, not a JSON dump.
  expect(refused.message).toMatch(/^401 [A-Z][^{]*$/);
  await expect(wrong.checkoutSessions.create(aliceOnboarding())).rejects.toBeInstanceOf(AuthenticationError);
  await expect(wrong.checkoutSessions.retrieve('cs_00000000000000000000000000000000')).rejects.toBeInstanceOf(
    AuthenticationError,
  );

  const client = flowglad();
  const missing = await client.checkoutSessions.retrieve('cs_00000000000000000000000000000000').catch((e) => e);
  expect(missing).toBeInstanceOf(NotFoundError);
  expect(missing.error.error.code).toBe('checkout_session_not_found');
  const nobody = await client.checkoutSessions.create(aliceOnboarding({ customerExternalId: 'nobody' })).catch((e) => e);
  expect(nobody).toBeInstanceOf(NotFoundError);
  expect(nobody.error.error.code).toBe('customer_not_found');
  const badLimit = await client.checkoutSessions.list({ limit: '0' }).catch((e) => e);
  expect(badLimit).toBeInstanceOf(BadRequestError);

  // An Idempotency-Key passed as a request header makes a retry safe, and
  // reusing it for another request is a conflict the SDK does not retry.
  const key = `e2e-${Date.now()}`;
  const once = await client.checkoutSessions.create(aliceOnboarding(), { headers: { 'Idempotency-Key': key } });
  const retried = await client.checkoutSessions.create(aliceOnboarding(), { headers: { 'Idempotency-Key': key } });
  expect(retried.checkoutSession.id).toBe(once.checkoutSession.id);
  const started = Date.now();
  const conflict = await client.checkoutSessions
    .create(aliceOnboarding({ quantity: 3 }), { headers: { 'Idempotency-Key': key } })
    .catch((e) => e);
  expect(conflict).toBeInstanceOf(ConflictError);
  expect(conflict.error.error.code).toBe('idempotency_key_reused');
  expect(Date.now() - started).toBeLessThan(2000);
});
