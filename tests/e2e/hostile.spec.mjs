// Hostile input meets the widget and the hosted page: HTML and script in
// product names, descriptions, metadata and server error messages are shown
// as text; redirect URLs with javascript:, data:, vbscript: or a look-alike
// are refused before any request; absurd sizes get a clear error; Unicode,
// emoji and right-to-left names render as written.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { createSession } from './support.mjs';

const shots = path.join('target', 'e2e', 'screenshots', 'hostile');
const MODEL = '**/api/billing/pricing-models/retrieve';
const CREATE = '**/api/billing/checkout-sessions/create';

const HOSTILE_NAME = `<img src=x onerror="window.__pwned='name'">Pro <b>bold</b> & "quotes"`;
const HOSTILE_DESCRIPTION = `<script>window.__pwned='description'</script><a href="javascript:alert(1)">click</a>`;
const WORLD_NAME = 'Café ☕ Ünïcødé 🚀👩🏽‍💻 — مرحبا بالعالم — שלום';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
});

/** Rewrites the onboarding product in the real pricing model the server sends. */
async function renameProduct(page, name, description) {
  await page.route(MODEL, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    for (const product of json.data.pricingModel.products) {
      if (product.prices.some((p) => p.slug === 'onboarding')) {
        product.name = name;
        product.description = description;
      }
    }
    await route.fulfill({ response, json });
  });
}

/** A merchant page with the script tag and `html` in its body. */
async function merchantPage(page, html) {
  await page.route('**/merchant/hostile.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><title>Hostile</title>
        <script type="module" src="/checkout-widget.js"></script></head><body><main>${html}</main></body></html>`,
    }),
  );
  await page.goto('/merchant/hostile.html');
}

const pwned = (page) => page.evaluate(() => window.__pwned ?? null);

test('HTML and script in a product name and description are shown as text in the widget', async ({ page }) => {
  await renameProduct(page, HOSTILE_NAME, HOSTILE_DESCRIPTION);
  await merchantPage(page, '<checkout-widget price-slug="onboarding" success-url="/success" cancel-url="/cancel"></checkout-widget>');
  const widget = page.locator('checkout-widget');
  await expect(widget.getByRole('heading')).toHaveText(HOSTILE_NAME);
  await expect(widget.getByText(HOSTILE_DESCRIPTION)).toBeVisible();
  await expect(widget.locator('img, script, b, a')).toHaveCount(0);
  await expect(widget.getByRole('button', { name: `Buy now: ${HOSTILE_NAME}` })).toBeEnabled();
  expect(await pwned(page)).toBeNull();
});

test('HTML in a server error message is shown as text', async ({ page }) => {
  const message = `<img src=x onerror="window.__pwned='error'">Refused <i>now</i>`;
  await page.route(CREATE, (route) =>
    route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_request', message } }) }),
  );
  await merchantPage(page, '<checkout-widget price-slug="onboarding" success-url="/success" cancel-url="/cancel"></checkout-widget>');
  const widget = page.locator('checkout-widget');
  await widget.getByRole('button', { name: 'Buy now: Onboarding' }).click();
  await expect(widget.getByRole('alert')).toHaveText(message);
  await expect(widget.locator('img, i')).toHaveCount(0);
  await page.waitForTimeout(200);
  expect(await pwned(page)).toBeNull();
});

test('line item names and metadata with HTML are text on the hosted page', async ({ page, request }) => {
  const created = await createSession(request, {
    priceSlug: 'onboarding',
    successUrl: 'http://127.0.0.1/success',
    cancelUrl: 'http://127.0.0.1/cancel',
    outputName: HOSTILE_NAME,
    outputMetadata: { note: HOSTILE_DESCRIPTION },
  });
  expect(created.status).toBe(200);
  const id = created.body.data.checkoutSession.id;
  // The catalog is the server's own; the page must treat whatever the hosted API says as text.
  await page.route(`**/api/checkout-sessions/${id}`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.data.lineItems[0].name = HOSTILE_NAME;
    json.data.lineItems[0].description = HOSTILE_DESCRIPTION;
    json.data.merchantName = `<svg onload="window.__pwned='merchant'">Shop`;
    await route.fulfill({ response, json });
  });
  await page.goto(`/checkout/${id}`);
  await expect(page.locator('.co-line-name')).toHaveText(HOSTILE_NAME);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(HOSTILE_NAME);
  await expect(page.getByText(HOSTILE_DESCRIPTION, { exact: true })).toBeVisible();
  // The catalog's logo is the one image; the merchant's name is only its alt text.
  await expect(page.locator('main img.co-logo')).toHaveAttribute('alt', `<svg onload="window.__pwned='merchant'">Shop`);
  await expect(page.locator('main img:not(.co-logo), main svg[onload], main script, main b')).toHaveCount(0);
  expect(await pwned(page)).toBeNull();
});

test('branding the hosted API was made to send is checked again by the page', async ({ page, request }) => {
  const created = await createSession(request, {
    priceSlug: 'onboarding',
    successUrl: 'http://127.0.0.1/success',
    cancelUrl: 'http://127.0.0.1/cancel',
  });
  const id = created.body.data.checkoutSession.id;
  await page.route(`**/api/checkout-sessions/${id}`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.data.branding = {
      logoUrl: "javascript:window.__pwned='logo'",
      brandColor: 'red; background-image: url(https://evil.example/x)',
      brandTextColor: '#ffffff',
    };
    await route.fulfill({ response, json });
  });
  await page.goto(`/checkout/${id}`);
  await expect(page.getByRole('button', { name: 'Pay $49.00' })).toBeVisible();
  await expect(page.locator('main img')).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.style.getPropertyValue('--cw-color-brand'))).toBe('');
  await expect(page.getByRole('button', { name: 'Pay $49.00' })).toHaveCSS('background-color', 'rgb(79, 70, 229)');
  expect(await pwned(page)).toBeNull();
});

const BAD_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  '  javascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  '\u0001javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'javascript&colon;alert(1)',
];

test('javascript:, data:, vbscript: and look-alike redirect URLs are refused before any request', async ({ page }) => {
  const creates = [];
  page.on('request', (r) => {
    if (r.url().includes('/checkout-sessions/create')) creates.push(r.url());
  });
  await merchantPage(page, '');
  const results = await page.evaluate(async (urls) => {
    const api = await import('/checkout-widget.js');
    const out = [];
    for (const url of urls) {
      for (const field of ['successUrl', 'cancelUrl']) {
        const params = { priceSlug: 'onboarding', successUrl: '/ok', cancelUrl: '/no', [field]: url };
        const error = await api.createCheckoutSession(params).then(() => null, (e) => e);
        out.push({ url, field, code: error?.code ?? null, message: error?.message ?? null });
      }
    }
    const apm = await api
      .createAddPaymentMethodCheckoutSession({ successUrl: 'javascript:alert(1)', cancelUrl: '/no' })
      .then(() => null, (e) => e.code);
    return { out, apm };
  }, BAD_URLS);
  for (const r of results.out) {
    // `javascript&colon;` is not a scheme at all: it resolves as a relative path on the page's own origin.
    if (r.url.startsWith('javascript&colon;')) continue;
    expect(r, `${r.field} = ${JSON.stringify(r.url)}`).toMatchObject({ code: 'invalid_url' });
    expect(r.message).toMatch(/http/);
  }
  expect(results.apm).toBe('invalid_url');
  // Only the relative look-alike reached the server (as an ordinary same-origin path).
  expect(creates.length).toBeLessThanOrEqual(2);
});

test('an element with a javascript: success-url refuses on click without a request', async ({ page }) => {
  let creates = 0;
  await page.route(CREATE, (route) => {
    creates += 1;
    return route.fallback();
  });
  await merchantPage(page, '<checkout-widget price-slug="onboarding" success-url="JAVASCRIPT:alert(document.domain)" cancel-url="/cancel"></checkout-widget>');
  const widget = page.locator('checkout-widget');
  await widget.getByRole('button', { name: 'Buy now: Onboarding' }).click();
  await expect(widget.getByRole('alert')).toContainText('http');
  expect(creates).toBe(0);
  expect(page.url()).toContain('/merchant/hostile.html');
});

test('absurd sizes get a clear error: quantity 10^12 in the page, 1 MB of metadata and 10,000 line items at the server', async ({ page }) => {
  await merchantPage(page, '<checkout-widget price-slug="onboarding" quantity="1000000000000" success-url="/success" cancel-url="/cancel"></checkout-widget>');
  const widget = page.locator('checkout-widget');
  await expect(widget.getByRole('alert')).toContainText(/quantity/i);
  const results = await page.evaluate(async () => {
    const api = await import('/checkout-widget.js');
    const fail = (p) => p.then(() => null, (e) => ({ code: e.code, message: e.message }));
    return {
      metadata: await fail(api.createCheckoutSession({ priceSlug: 'onboarding', successUrl: '/ok', cancelUrl: '/no', outputMetadata: { blob: 'x'.repeat(1 << 20) } })),
      lines: await fail(api.createCheckoutSession({ lineItems: Array.from({ length: 10_000 }, () => ({ priceSlug: 'onboarding' })), successUrl: '/ok', cancelUrl: '/no' })),
      quantity: await fail(api.createCheckoutSession({ priceSlug: 'onboarding', quantity: 1e12, successUrl: '/ok', cancelUrl: '/no' })),
    };
  });
  expect(['payload_too_large', 'invalid_metadata']).toContain(results.metadata?.code);
  expect(results.metadata.message.length).toBeGreaterThan(10);
  expect(['too_many_line_items', 'invalid_request']).toContain(results.lines?.code);
  expect(results.lines.message).toMatch(/line items/);
  expect(results.quantity?.code).toBe('invalid_quantity');
});

test('Unicode, emoji and right-to-left names render as written, in the widget and on the hosted page', async ({ page }) => {
  await renameProduct(page, WORLD_NAME, 'מנוי חודשי — اشتراك شهري 🌍');
  await merchantPage(page, '<checkout-widget price-slug="onboarding" success-url="/success?session_id={CHECKOUT_SESSION_ID}" cancel-url="/cancel"></checkout-widget>');
  const widget = page.locator('checkout-widget');
  await expect(widget.getByRole('heading')).toHaveText(WORLD_NAME);
  await expect(widget.getByText('מנוי חודשי — اشتراك شهري 🌍')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'unicode-widget.png') });

  await widget.getByRole('button', { name: `Buy now: ${WORLD_NAME}` }).click();
  await page.waitForURL(/\/checkout\/cs_/);
  const id = page.url().match(/cs_[0-9a-f]+/)[0];
  await page.route(`**/api/checkout-sessions/${id}`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.data.lineItems[0].name = WORLD_NAME;
    await route.fulfill({ response, json });
  });
  await page.reload();
  await expect(page.locator('.co-line-name')).toHaveText(WORLD_NAME);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(WORLD_NAME);
  await page.screenshot({ path: path.join(shots, 'unicode-hosted.png') });
});

// The trust boundary: a page names no merchant-only option. The JS API says
// why before sending anything; a hand-written request gets 400 from the
// server route, and no session is made either way.
const MERCHANT_ONLY = {
  trialDays: 730,
  requestId: 'someone-elses-order',
  discountCode: 'WELCOME10',
  allowPromotionCodes: true,
  billingAddressCollection: 'auto',
  customerEmail: 'victim@example.com',
  expiresAt: 4102444800000,
};

test('merchant-only options from a page are refused by the JS API and by the server route', async ({ page, request, baseURL }) => {
  const creates = [];
  page.on('request', (r) => {
    if (r.url().includes('/checkout-sessions/create')) creates.push(r.url());
  });
  await merchantPage(page, '');
  const fromApi = await page.evaluate(async (options) => {
    const api = await import('/checkout-widget.js');
    const out = [];
    for (const [field, value] of Object.entries(options)) {
      const params = { priceSlug: 'pro-yearly', successUrl: '/ok', cancelUrl: '/no', [field]: value };
      const error = await api.createCheckoutSession(params).then(() => null, (e) => e);
      out.push({ field, code: error?.code ?? null, message: error?.message ?? '' });
    }
    return out;
  }, MERCHANT_ONLY);
  for (const { field, code, message } of fromApi) {
    expect(code, field).toBe('field_not_allowed');
    expect(message, field).toContain(field);
  }
  expect(creates).toEqual([]);

  for (const [field, value] of Object.entries(MERCHANT_ONLY)) {
    const { status, body } = await createSession(
      request,
      { priceSlug: 'pro-yearly', successUrl: `${baseURL}/ok`, cancelUrl: `${baseURL}/no`, [field]: value },
      { Authorization: 'Bearer demo-alice' },
    );
    expect(status, field).toBe(400);
    expect(body.error.code, field).toBe('field_not_allowed');
    expect(body.error.message, field).toContain(`\`${field}\``);
  }
});

// --- Safe defaults (issue 13): the widget frames only http(s) checkout URLs
// and ignores messages from origin "null". ---

/** A page posting a forged "paid" message to whoever frames it. */
const FORGED_SUCCESS = `<script>parent.postMessage({source:'checkout-widget',type:'success',sessionId:'cs_forged',redirectUrl:'/pwned'},'*')</script>`;

/** Records every checkout-* event the widgets on each page fire, as `type:code`, from before the widget loads. */
async function recordEvents(page) {
  await page.addInitScript(() => {
    window.__events = [];
    for (const type of ['checkout-session-created', 'checkout-success', 'checkout-cancel', 'checkout-redirect', 'checkout-error']) {
      document.addEventListener(type, (e) => window.__events.push(`${type}:${e.detail?.code ?? ''}`));
    }
  });
}

const SCRIPT_URLS = ["javascript:window.__pwned='frame'", `data:text/html,${encodeURIComponent(FORGED_SUCCESS)}`, ' JAVASCRIPT:alert(1)'];

test('a javascript: or data: checkout URL in the create answer is never framed in overlay or inline mode', async ({ page }) => {
  let answerUrl = '';
  // A server (or something between) answers the create with a script URL.
  await page.route(CREATE, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.data.url = answerUrl;
    await route.fulfill({ response, json });
  });
  await recordEvents(page);
  // Overlay: the session is made on click.
  await merchantPage(
    page,
    '<checkout-widget id="overlay" display="overlay" price-slug="onboarding" success-url="/success" cancel-url="/cancel"></checkout-widget>',
  );
  const start = page.url();
  const overlay = page.locator('#overlay');
  for (const url of SCRIPT_URLS) {
    answerUrl = url;
    await overlay.getByRole('button', { name: 'Buy now: Onboarding' }).click();
    await expect(overlay.getByRole('alert'), url).toContainText('http');
    await expect(page.locator('iframe'), url).toHaveCount(0);
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(overlay.getByRole('button', { name: 'Buy now: Onboarding' })).toBeEnabled();
  }
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => window.__events)).toEqual(Array(3).fill('checkout-error:invalid_url'));
  expect(await pwned(page)).toBeNull();
  expect(page.url()).toBe(start);
  // The JS API's overlay refuses it too, before anything is put on the page.
  answerUrl = `data:text/html,${encodeURIComponent(FORGED_SUCCESS)}`;
  const opened = await page.evaluate(async () => {
    const api = await import('/checkout-widget.js');
    return api
      .open({ priceSlug: 'onboarding', successUrl: '/ok', cancelUrl: '/no' })
      .then((r) => ({ resolved: r.status }), (e) => ({ code: e.code, message: e.message }));
  });
  expect(opened.code).toBe('invalid_url');
  expect(opened.message).toMatch(/http/);
  await expect(page.locator('[data-checkout-overlay], iframe')).toHaveCount(0);
  // Inline: the session is made as the element loads.
  for (const url of SCRIPT_URLS) {
    answerUrl = url;
    await merchantPage(
      page,
      '<checkout-widget id="inline" display="inline" price-slug="onboarding" success-url="/success" cancel-url="/cancel"></checkout-widget>',
    );
    await expect(page.locator('#inline').getByRole('alert'), url).toContainText('http');
    await expect(page.locator('iframe'), url).toHaveCount(0);
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => window.__events), url).toEqual(['checkout-error:invalid_url']);
    expect(await pwned(page)).toBeNull();
  }
});

test('a message posted from a sandboxed (origin "null") frame does not fire checkout-success', async ({ page }) => {
  // The inline frame's own document is sandboxed (opaque origin "null") and
  // forges a "paid" message again and again; so does a sandboxed frame
  // elsewhere on the page.
  const forge = FORGED_SUCCESS.replace(/<\/?script>/g, '');
  await page.route(
    (url) => url.pathname.startsWith('/checkout/') && url.searchParams.get('embed') === 'inline',
    (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: { 'Content-Security-Policy': 'sandbox allow-scripts' },
        body: `<!doctype html><html lang="en"><title>Sandboxed</title><body><script>setInterval(() => { ${forge} }, 50)</script></body></html>`,
      }),
  );
  await recordEvents(page);
  await page.addInitScript(() => {
    window.__nullMessages = 0;
    window.addEventListener('message', (e) => {
      if (e.data?.source === 'checkout-widget' && e.origin === 'null') window.__nullMessages += 1;
    });
  });
  await merchantPage(
    page,
    `<checkout-widget id="inline" display="inline" price-slug="onboarding" success-url="/success" cancel-url="/cancel"></checkout-widget>
     <iframe title="ad" sandbox="allow-scripts" srcdoc="${FORGED_SUCCESS.replace(/"/g, '&quot;')}"></iframe>`,
  );
  const widget = page.locator('#inline');
  await expect(widget.locator('iframe')).toHaveCount(1);
  // The forged messages do arrive (from origin "null")…
  await expect.poll(() => page.evaluate(() => window.__nullMessages)).toBeGreaterThan(3);
  // …and change nothing: no success, no redirect, the frame stays.
  expect(await page.evaluate(() => window.__events)).toEqual(['checkout-session-created:']);
  await expect(widget.locator('iframe')).toHaveCount(1);
  expect(page.url()).toContain('/merchant/hostile.html');
});
