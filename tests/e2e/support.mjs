// Helpers for the end-to-end specs: what a customer does on the hosted page,
// and what a merchant's backend asks the platform API.
import { expect } from '@playwright/test';

export const SECRET_KEY = process.env.SECRET_KEY ?? '';

/** Types a card into the hosted checkout form, as a customer would. */
export async function fillPayment(page, { email = 'ann@example.com', number, expiry = '12 / 34', cvc = '123' }) {
  const emailInput = page.getByLabel('Email');
  if (await emailInput.isEditable()) {
    await emailInput.fill(email);
  }
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiration date').fill(expiry);
  await page.getByLabel('CVC').fill(cvc);
}

/** The store's checkout button for a card, by its accessible name (not the embedded copy). */
export function storeButton(page, name) {
  return page.locator('.cw-pricing-grid').getByRole('button', { name });
}

/** Reads a session from the platform API with the secret key. */
export async function platformSession(request, id, key = SECRET_KEY) {
  const response = await request.get(`/api/v1/checkout-sessions/${id}`, {
    headers: key ? { Authorization: key } : {},
  });
  return { status: response.status(), body: await response.json() };
}

/** Creates a session through the server route, as a merchant page's script would. */
export async function createSession(request, body, headers = {}) {
  const response = await request.post('/api/billing/checkout-sessions/create', {
    data: body,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
  return { status: response.status(), body: await response.json() };
}

/** The session id in a success or cancel URL. */
export function sessionIdFrom(url) {
  const id = new URL(url).searchParams.get('session_id');
  expect(id).toMatch(/^cs_[0-9a-f]{32}$/);
  return id;
}

/** Success and cancel URLs on `base` that carry the session id back. */
export const sessionUrls = (base) => ({
  successUrl: `${base}/success?session_id={CHECKOUT_SESSION_ID}`,
  cancelUrl: `${base}/cancel?session_id={CHECKOUT_SESSION_ID}`,
});

/**
 * Creates a product session through the platform API with the secret key, as
 * a merchant's server does: only it may set the merchant-only options
 * (trialDays, requestId, discountCode, allowPromotionCodes,
 * billingAddressCollection, customerEmail, expiresAt, adjustableQuantity,
 * taxIdCollection), which the server route
 * refuses from a browser. Anonymous unless `customerExternalId` is given.
 * Answers in the route's `{data}` envelope so specs read both alike.
 */
export async function merchantSession(request, body, customerExternalId) {
  const who = customerExternalId ? { customerExternalId } : { anonymous: true };
  const response = await request.post('/api/v1/checkout-sessions', {
    data: { checkoutSession: { type: 'product', ...who, ...body } },
    headers: { 'Content-Type': 'application/json', Authorization: SECRET_KEY },
  });
  const json = await response.json();
  return { status: response.status(), body: response.status() === 200 ? { data: json } : json };
}

/** A new open session for `body`, created as a merchant's backend would. */
export async function openSession(request, baseURL, body = { priceSlug: 'onboarding' }, customerExternalId) {
  const created = await merchantSession(request, { ...sessionUrls(baseURL), ...body }, customerExternalId);
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return created.body.data;
}
