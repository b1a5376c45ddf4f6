// The npm package as a shop uses it, and cookie sign-in across origins.
//
// `cargo xtask test e2e` packs dist/npm (`npm pack`), installs the tarball
// into the React 19 app of tests/npm-app, bundles it with esbuild (React from
// the repository's devDependencies, the wasm copied beside the bundle) and
// starts a billing server that allows one page origin, http://localhost:
// NPM_PAGE_PORT, with credentials (--allowed-origins) and lets it frame the
// hosted page (--frame-ancestors). This spec serves the app on that port and
// calls the server as http://localhost:<its port>: another origin, but the
// same site (sites ignore ports), so a `SameSite=Lax` cookie goes with a
// `credentials: "include"` fetch. That is what is proven here; across sites
// the cookie would need `SameSite=None; Secure`, which needs https.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillPayment, platformSession } from './support.mjs';

const APP = process.env.NPM_APP_DIR;
const SERVER = process.env.CROSS_ORIGIN_URL;
const PORT = Number(process.env.NPM_PAGE_PORT);

test.skip(!APP || !SERVER || !PORT, 'needs the npm app and the cross-origin server `cargo xtask test e2e` prepares');

const PAGE = `http://localhost:${PORT}`;
// The release bundle: the demo store's files, for the Leptos page.
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

// A page that calls the server route on SERVER through the package's own
// module (served from the installed package), with or without credentials.
const COOKIE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cookie sign-in</title></head>
<body><script type="module">
  import { configure, createCheckoutSession } from '/pkg/checkout-widget.js';
  window.checkoutAs = async (credentials) => {
    configure({ serverRoute: ${JSON.stringify(`${SERVER}/api/billing`)}, ...(credentials ? { credentials } : {}) });
    const created = await createCheckoutSession({ priceSlug: 'onboarding', successUrl: '/ok', cancelUrl: '/' });
    return { id: created.id, customerId: created.checkoutSession.customerId ?? null };
  };
  window.ready = true;
</script></body></html>`;

/**
 * The Leptos demo store's page naming SERVER's route in its meta (see
 * `billing_route` in src/app/demo/mod.rs), its BillingProvider called with
 * `credentials` (`include` or `same-origin`).
 */
function leptosPage(credentials) {
  const meta = `<meta name="checkout-server-route" content="${SERVER}/api/billing" data-credentials="${credentials}" />`;
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  if (!html.includes('<title>')) throw new Error('dist/index.html has no <title>');
  return html.replace('<title>', `${meta}\n    <title>`);
}

/**
 * Serves the built React app (`/`), the installed package under /pkg/, the
 * cookie page, and the Leptos demo store (`/?leptos=include|same-origin`,
 * its files from dist/ when the app has no file of that name).
 */
function serve(request, response) {
  const url = new URL(request.url, PAGE);
  const { pathname } = url;
  const root = path.join(APP, 'public');
  let file;
  const leptos = url.searchParams.get('leptos');
  if (pathname === '/cookie.html' || (pathname === '/' && leptos)) {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    return response.end(pathname === '/' ? leptosPage(leptos) : COOKIE_PAGE);
  } else if (pathname.startsWith('/pkg/')) {
    file = path.join(APP, 'node_modules', 'checkout-widget', path.basename(pathname));
  } else if (pathname === '/') {
    file = path.join(root, 'index.html');
  } else {
    file = path.join(root, path.basename(pathname));
    // The app's wasm-bindgen snippets sit in folders (`/snippets/…/js/plain.js`);
    // anything resolving outside dist/ is not served.
    const inDist = path.join(DIST, path.normalize(pathname));
    if (!fs.existsSync(file)) file = inDist.startsWith(DIST + path.sep) ? inDist : '';
  }
  fs.readFile(file, (error, body) => {
    if (error) {
      response.writeHead(404).end();
    } else {
      response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    }
  });
}

let site;
test.beforeAll(async () => {
  site = http.createServer(serve);
  await new Promise((resolve) => site.listen(PORT, '127.0.0.1', resolve));
});
test.afterAll(async () => {
  await new Promise((resolve) => site.close(resolve));
});

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

test('the package installs from its tarball with its files and types', async () => {
  const installed = path.join(APP, 'node_modules', 'checkout-widget');
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  expect(manifest.name).toBe('checkout-widget');
  expect(manifest.exports['.']).toEqual({ types: './index.d.ts', import: './checkout-widget.js' });
  expect(fs.readdirSync(installed).sort()).toEqual(
    ['README.md', 'checkout-widget-embed_bg.wasm', 'checkout-widget.js', 'index.d.ts', 'package.json', 'react.d.ts'],
  );
  const module = fs.readFileSync(path.join(installed, 'checkout-widget.js'), 'utf8');
  expect(module).toContain('new URL("./checkout-widget-embed_bg.wasm",import.meta.url)');
});

test('a React 19 app bundled from the npm tarball checks out against a billing server on another origin', async ({ page, request }) => {
  const wasm = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(r.url()));
  await page.goto(`${PAGE}/?server=${encodeURIComponent(SERVER)}`);
  await expect(page.getByRole('heading', { name: 'A React shop' })).toBeVisible();
  const widget = page.locator('checkout-widget');
  await widget.getByRole('button', { name: 'Buy now: Onboarding' }).click();
  // The wasm came from beside the app's bundle, by the URL the module computes.
  expect(wasm).toEqual([`${PAGE}/checkout-widget-embed_bg.wasm`]);
  await expect(widget.getByRole('dialog', { name: 'Checkout' })).toBeVisible();
  const frame = page.frameLocator('iframe[title="Checkout"]');
  await fillPayment(frame, { number: '4242 4242 4242 4242' });
  await frame.getByRole('button', { name: /^Pay/ }).click();
  // React's listener for `checkout-success` rendered the detail, and its
  // `checkout-redirect` listener kept the page.
  const status = page.getByRole('status');
  await expect(status).toHaveText(/^Paid [1-9][0-9]* USD for cs_[0-9a-f]{32}$/);
  expect(new URL(page.url()).origin).toBe(PAGE);
  await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR ?? 'target/e2e/screenshots', 'npm-react.png') });
  const id = (await status.textContent()).split(' ').pop();
  const session = await platformSession(request, id);
  // platformSession asks BASE_URL; this checkout lives on the cross-origin server.
  expect(session.status).toBe(404);
  const onServer = await request.get(`${SERVER}/api/v1/checkout-sessions/${id}`, { headers: { Authorization: process.env.SECRET_KEY } });
  expect(onServer.status()).toBe(200);
  expect((await onServer.json()).checkoutSession.status).toBe('succeeded');
});

test('cookie sign-in across origins: configure({credentials: "include"}) sends the session cookie, the default does not', async ({ page, request }) => {
  // The shop's sign-in set the reference server's `session` cookie for the
  // site (localhost; cookies ignore ports), as the demo store's sign-in does.
  await page.context().addCookies([{ name: 'session', value: 'demo-alice', url: SERVER, sameSite: 'Lax' }]);
  const alice = await request.post(`${SERVER}/api/billing/customers/billing`, { headers: { Cookie: 'session=demo-alice' }, data: {} });
  expect(alice.status()).toBe(200);
  const aliceId = (await alice.json()).data.customer.id;
  expect(aliceId).toBeTruthy();

  // The Cookie header of each call to the route, in order.
  const calls = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${SERVER}/api/billing/`) && r.method() === 'POST') {
      calls.push(r.allHeaders().then((h) => h.cookie ?? ''));
    }
  });
  await page.goto(`${PAGE}/cookie.html`);
  await page.waitForFunction(() => window.ready === true);

  const signedIn = await page.evaluate(() => window.checkoutAs('include'));
  expect(signedIn.id).toMatch(/^cs_[0-9a-f]{32}$/);
  expect(signedIn.customerId).toBe(aliceId);

  const anonymous = await page.evaluate(() => window.checkoutAs(undefined));
  expect(anonymous.customerId).toBeNull();
  expect(await Promise.all(calls)).toEqual(['session=demo-alice', '']);

  // A value fetch does not know is refused before any request.
  const refused = await page.evaluate(() =>
    window.checkoutAs('always').then(() => 'resolved', (e) => `${e.code}: ${e.message}`));
  expect(refused).toBe('invalid_request: credentials must be "include", "same-origin" or "omit".');
  expect(calls).toHaveLength(2);
});

test('Leptos: a BillingProvider on another origin with Credentials::Include loads the cookie-signed-in customer, and without it does not', async ({ page }) => {
  // The Cookie header of each call for the customer's billing, in order.
  const calls = [];
  page.on('request', (r) => {
    if (r.url() === `${SERVER}/api/billing/customers/billing`) {
      calls.push(r.allHeaders().then((h) => h.cookie ?? ''));
    }
  });
  await page.goto(`${PAGE}/?leptos=include`);
  await expect(page.getByRole('heading', { name: 'Plans and add-ons' })).toBeVisible();
  // The demo's sign-in sets `session=demo-alice; SameSite=Lax` on this page's
  // site, localhost, as a shop's login would; the provider reloads.
  await page.getByRole('radio', { name: 'Alice' }).check();
  await expect(page.getByTestId('account-customer')).toHaveText('Alice Martin · alice@example.com');
  expect(await Promise.all(calls)).toContain('session=demo-alice');
  await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR ?? 'target/e2e/screenshots', 'npm-leptos-cross-origin.png') });

  // The same page and cookie, the provider on fetch's default: no cookie
  // leaves, so the server knows no customer; the prices still load.
  calls.length = 0;
  await page.goto(`${PAGE}/?leptos=same-origin`);
  await expect(page.getByRole('radio', { name: 'Alice' })).toBeChecked();
  await expect(page.getByText('You are browsing anonymously.')).toBeVisible();
  await expect(page.getByTestId('account-customer')).toHaveCount(0);
  await expect(page.locator('.cw-pricing-grid').getByRole('button').first()).toBeVisible();
  expect(calls.length).toBeGreaterThan(0);
  expect(new Set(await Promise.all(calls))).toEqual(new Set(['']));
});
