// The script-tag embed on the example merchant pages the server ships
// (/examples/*.html): two lines of HTML, hostile CSS, a strict CSP, overlay
// and inline modes, the JS API, events, and a single-page app.
import { test, expect } from '@playwright/test';
import path from 'node:path';

const shots = path.join('target', 'e2e', 'screenshots', 'embed');

/** Every checkout-* event a page saw, across navigations. */
const seen = new WeakMap();

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
  const names = [];
  seen.set(page, names);
  await page.exposeFunction('__recordCheckoutEvent', (name) => names.push(name));
  // Collect CSP violations and every checkout-* event, before any page script runs.
  await page.addInitScript(() => {
    window.__csp = [];
    window.__events = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    for (const name of ['ready', 'session-created', 'redirect', 'success', 'cancel', 'error']) {
      document.addEventListener(`checkout-${name}`, (e) => {
        window.__events.push({ name: e.type, detail: e.detail });
        window.__recordCheckoutEvent(e.type);
      });
    }
  });
});

const events = (page) => page.evaluate(() => window.__events.map((e) => e.name));
const cspViolations = (page) => page.evaluate(() => window.__csp);

async function pay(frameOrPage, number = '4242 4242 4242 4242') {
  await frameOrPage.getByLabel('Email').fill('ann@example.com');
  await frameOrPage.getByLabel('Card number').fill(number);
  await frameOrPage.getByLabel('Expiration date').fill('12 / 34');
  await frameOrPage.getByLabel('CVC').fill('123');
  await frameOrPage.getByRole('button', { name: /^Pay/ }).click();
}

/** The element's deepest focused node, through shadow roots. */
const deepFocus = (page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el ? `${el.tagName.toLowerCase()}:${(el.textContent || el.getAttribute('aria-label') || '').trim()}` : null;
  });

test('the plain page (script tag + one element) completes a checkout and adds nothing to <head>', async ({ page }) => {
  await page.goto('/examples/plain.html');
  const headBefore = await page.evaluate(() => document.head.innerHTML);
  const widget = page.locator('checkout-widget');
  await expect(widget.getByRole('heading', { name: 'Onboarding' })).toBeVisible();
  expect(await page.evaluate(() => document.head.innerHTML)).toBe(headBefore);
  expect(await page.evaluate(() => document.querySelectorAll('style').length)).toBe(0);
  expect(await widget.evaluate((el) => el.shadowRoot.adoptedStyleSheets.length)).toBe(1);

  await widget.getByRole('button', { name: 'Buy now: Onboarding' }).click();
  await page.waitForURL(/\/checkout\/cs_/);
  await pay(page);
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  expect(await cspViolations(page)).toEqual([]);
});

test('the pricing model is requested once, while the wasm downloads, for every element on the page', async ({ page }) => {
  const requests = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('.wasm') || url.pathname.endsWith('/pricing-models/retrieve')) {
      requests.push(url.pathname);
    }
  });
  await page.goto('/examples/overlay.html');
  await expect(page.locator('#lifetime').getByRole('button', { name: /^Buy now/ })).toBeVisible();
  await expect(page.locator('#onboarding').getByRole('button', { name: /^Buy now/ })).toBeVisible();
  // Two elements on one route: one request, sent before the wasm was even
  // asked for (the entry module starts it), and taken by the wasm.
  expect(requests).toEqual(['/api/billing/pricing-models/retrieve', '/checkout-widget-embed_bg.wasm']);
  expect(await page.evaluate(() => globalThis[Symbol.for('checkout-widget.early')].size)).toBe(0);
});

test('a stylesheet restyling *, button, input and div with !important does not change the widget', async ({ page }) => {
  const styles = async (url) => {
    await page.goto(url);
    const widget = page.locator('checkout-widget');
    await expect(widget.getByRole('button', { name: 'Buy now: Onboarding' })).toBeVisible();
    return widget.evaluate((el) => {
      const pick = (selector) => {
        const s = getComputedStyle(el.shadowRoot.querySelector(selector));
        return [
          'color', 'background-color', 'font-family', 'font-size', 'font-weight', 'font-style', 'letter-spacing',
          'line-height', 'text-transform', 'padding-top', 'padding-left', 'border-top-width', 'border-top-style',
          'border-top-color', 'border-radius', 'display', 'box-shadow',
        ].map((p) => `${selector} ${p}: ${s.getPropertyValue(p)}`);
      };
      return ['.cw-card', '.cw-card-title', '.cw-amount', '.cw-button', '.cw-card-description'].flatMap(pick);
    });
  };
  const plain = await styles('/examples/plain.html');
  const hostile = await styles('/examples/hostile-css.html');
  expect(hostile).toEqual(plain);
  await page.locator('checkout-widget').screenshot({ path: path.join(shots, 'hostile-css.png') });
});

test('under the strict CSP the whole checkout runs with zero violations', async ({ page }) => {
  const response = await page.goto('/examples/strict-csp.html');
  expect(response.headers()['content-security-policy'] ?? '').toContain("script-src 'self' 'wasm-unsafe-eval'");
  const widget = page.locator('checkout-widget');
  await widget.getByRole('button', { name: 'Buy now: Lifetime' }).click();
  await page.waitForURL(/\/checkout\/cs_/);
  expect(await cspViolations(page)).toEqual([]);
  await pay(page);
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  expect(await cspViolations(page)).toEqual([]);
});

test('overlay by keyboard alone: open, pay inside the dialog, land on the success URL', async ({ page }) => {
  await page.goto('/examples/overlay.html');
  await expect(page.locator('#lifetime').getByRole('button')).toBeVisible();
  // Tab from the top of the page to the first checkout button.
  for (let i = 0; i < 10 && !(await deepFocus(page))?.startsWith('button:Buy now'); i++) {
    await page.keyboard.press('Tab');
  }
  expect(await deepFocus(page)).toBe('button:Buy now');
  await page.keyboard.press('Enter');
  const dialog = page.locator('#lifetime').getByRole('dialog', { name: 'Checkout' });
  await expect(dialog).toBeVisible();
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe('hidden');
  const frame = page.frameLocator('iframe[title="Checkout"]');
  await expect(frame.getByLabel('Email')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'overlay.png') });
  // Into the frame by keyboard: the close button first, then the form.
  for (let i = 0; i < 6; i++) {
    const inEmail = await frame.getByLabel('Email').evaluate((el) => el === document.activeElement);
    if (inEmail) break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.type('ann@example.com');
  await page.keyboard.press('Tab');
  await page.keyboard.type('4242424242424242');
  await page.keyboard.press('Tab');
  await page.keyboard.type('1234');
  await page.keyboard.press('Tab');
  await page.keyboard.type('123');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
});

test('overlay: Escape cancels, focus returns to the trigger, the page scrolls again, events settle', async ({ page }) => {
  await page.goto('/examples/overlay.html');
  // The merchant's code keeps the page instead of going to the cancel URL.
  await page.evaluate(() => document.addEventListener('checkout-redirect', (e) => e.preventDefault()));
  const trigger = page.locator('#onboarding').getByRole('button', { name: 'Buy now: Onboarding' });
  await trigger.focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('#onboarding').getByRole('dialog', { name: 'Checkout' });
  await expect(dialog).toBeVisible();
  await expect(page.frameLocator('iframe[title="Checkout"]').getByLabel('Email')).toBeVisible();
  // Styled by the widget's sheet, not the browser's bare <dialog>: borderless,
  // most of the viewport, the close button a 44 px circle.
  const look = await dialog.evaluate((d) => {
    const close = d.querySelector('button');
    return {
      border: getComputedStyle(d).borderTopWidth,
      wide: d.getBoundingClientRect().width > 0.8 * Math.min(window.innerWidth, 1080),
      close: [getComputedStyle(close).width, getComputedStyle(close).borderRadius],
    };
  });
  expect(look).toEqual({ border: '0px', wide: true, close: ['44px', '50%'] });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(await deepFocus(page)).toBe('button:Buy now');
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).not.toBe('hidden');
  expect(await events(page)).toEqual(
    expect.arrayContaining(['checkout-ready', 'checkout-session-created', 'checkout-cancel', 'checkout-redirect']),
  );
  expect(await events(page)).not.toContain('checkout-success');
  expect(page.url()).toContain('/examples/overlay.html');

  // The close button cancels too.
  await trigger.click();
  await expect(dialog).toBeVisible();
  await page.locator('#onboarding').getByRole('button', { name: 'Close checkout' }).click();
  await expect(dialog).toHaveCount(0);
});

test('two instances on one page are independent', async ({ page }) => {
  await page.goto('/examples/overlay.html');
  const lifetime = page.locator('#lifetime');
  const onboarding = page.locator('#onboarding');
  await expect(lifetime.getByRole('heading', { name: 'Lifetime' })).toBeVisible();
  await expect(onboarding.getByRole('heading', { name: 'Onboarding' })).toBeVisible();
  await expect(onboarding).toHaveAttribute('theme', 'dark');
  const created = page.waitForEvent('request', (r) => r.url().endsWith('/checkout-sessions/create'));
  await onboarding.getByRole('button', { name: 'Buy now: Onboarding' }).click();
  expect(JSON.parse((await created).postData()).priceId).toBe('price_onboarding');
  await expect(lifetime.getByRole('dialog')).toHaveCount(0);
  await expect(onboarding.getByRole('dialog')).toBeVisible();
});

test('attribute changes re-render; removing unmounts; adding it again works', async ({ page }) => {
  await page.goto('/examples/plain.html');
  const widget = page.locator('checkout-widget');
  await expect(widget.getByRole('heading', { name: 'Onboarding' })).toBeVisible();
  await widget.evaluate((el) => el.setAttribute('price-slug', 'lifetime'));
  await expect(widget.getByRole('heading', { name: 'Lifetime' })).toBeVisible();
  await expect(widget).toContainText('$199.00');
  await widget.evaluate((el) => el.setAttribute('label', 'Get lifetime access'));
  await expect(widget.getByRole('button', { name: /^Get lifetime access/ })).toBeVisible();

  const after = await page.evaluate(() => {
    const el = document.querySelector('checkout-widget');
    el.remove();
    const emptied = el.shadowRoot.childElementCount;
    document.querySelector('main').append(el);
    return emptied;
  });
  expect(after).toBe(0);
  await expect(widget.getByRole('heading', { name: 'Lifetime' })).toBeVisible();
});

test('preventDefault() on checkout-redirect keeps the page and hands over the URL', async ({ page }) => {
  await page.goto('/examples/plain.html');
  await page.evaluate(() =>
    document.addEventListener('checkout-redirect', (e) => {
      e.preventDefault();
      window.__routedTo = e.detail.url;
    }),
  );
  await page.locator('checkout-widget').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  await expect.poll(() => page.evaluate(() => window.__routedTo)).toMatch(/\/checkout\/cs_[0-9a-f]{32}$/);
  expect(page.url()).toContain('/examples/plain.html');
  // The button is usable again (the page stayed).
  await expect(page.locator('checkout-widget').getByRole('button', { name: 'Buy now: Onboarding' })).toHaveAttribute(
    'aria-disabled',
    'false',
  );
});

test('inline mode renders the checkout in the element and ends on the success URL', async ({ page }) => {
  await page.goto('/examples/inline.html');
  const frame = page.frameLocator('checkout-widget iframe[title="Checkout"]');
  await expect(frame.getByRole('button', { name: 'Pay $49.00' })).toBeVisible();
  // The frame grows to its content: no inner scrollbar.
  await expect
    .poll(() => page.locator('checkout-widget').evaluate((el) => el.shadowRoot.querySelector('iframe').getBoundingClientRect().height))
    .toBeGreaterThan(600);
  await pay(frame);
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect
    .poll(() => seen.get(page))
    .toEqual(expect.arrayContaining(['checkout-session-created', 'checkout-success', 'checkout-redirect']));
});

test('a single-page app mounts and unmounts the widget across routes and routes the success itself', async ({ page }) => {
  await page.goto('/examples/spa.html');
  await expect(page.locator('#mounted')).toHaveText('mounted');
  await expect(page.locator('#widget-host').getByRole('heading', { name: 'Onboarding' })).toBeVisible();
  await page.evaluate(() => (window.__sameDocument = true));
  await page.getByRole('link', { name: 'About' }).click();
  await expect(page.locator('#mounted')).toHaveText('unmounted');
  await page.getByRole('link', { name: 'Pricing' }).click();
  await expect(page.locator('#mounted')).toHaveText('mounted');

  await page.locator('#widget-host').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  await pay(page.frameLocator('iframe[title="Checkout"]'));
  await expect(page.getByRole('heading', { name: /Thanks! Routed by the app/ })).toBeVisible();
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
  expect(page.url()).toContain('#/thanks');
});

test('the JS API: create sessions, reject with {code, message}, mount/destroy, open an overlay', async ({ page }) => {
  await page.goto('/examples/plain.html');
  const result = await page.evaluate(async () => {
    const api = await import('/checkout-widget.js');
    const created = await api.createCheckoutSession({ priceSlug: 'onboarding', successUrl: '/ok', cancelUrl: '/no' });
    const bad = await api.createCheckoutSession({ priceSlug: 'onboarding', successUrl: 'javascript:alert(1)', cancelUrl: '/no' }).catch((e) => e);
    const unknown = await api.createCheckoutSession({ priceSlug: 'nope', successUrl: '/ok', cancelUrl: '/no' }).catch((e) => e);
    const typo = await api.createCheckoutSession({ priceSlugg: 'x', successUrl: '/ok', cancelUrl: '/no' }).catch((e) => e);
    const noCustomer = await api.createAddPaymentMethodCheckoutSession({ successUrl: '/ok', cancelUrl: '/no' }).catch((e) => e);

    const host = document.createElement('div');
    document.body.append(host);
    const handle = api.mount(host, { priceSlug: 'lifetime', successUrl: '/ok', cancelUrl: '/no', theme: 'dark' });
    await new Promise((r) => setTimeout(r, 500));
    const rendered = host.shadowRoot.textContent;
    handle.destroy();
    handle.destroy();
    const afterDestroy = host.shadowRoot.childElementCount;
    let badOption;
    try {
      api.mount(document.createElement('div'), { priceSlug: 'x', colour: 'red' });
    } catch (e) {
      badOption = { code: e.code, message: e.message };
    }
    return {
      created: { id: created.id, url: created.url, status: created.checkoutSession.status },
      bad: { code: bad.code, message: bad.message },
      unknown: { code: unknown.code, message: unknown.message },
      typo: { code: typo.code },
      noCustomer: { code: noCustomer.code },
      rendered,
      afterDestroy,
      badOption,
    };
  });
  expect(result.created.id).toMatch(/^cs_[0-9a-f]{32}$/);
  expect(result.created.url).toContain(`/checkout/${result.created.id}`);
  expect(result.created.status).toBe('open');
  expect(result.bad).toEqual({ code: 'invalid_url', message: expect.stringContaining('success URL') });
  expect(result.unknown.code).toBe('price_not_found');
  expect(result.typo.code).toBe('invalid_request');
  expect(result.noCustomer.code).toBe('customer_required');
  expect(result.rendered).toContain('Lifetime');
  expect(result.afterDestroy).toBe(0);
  expect(result.badOption.code).toBe('invalid_request');
  expect(result.badOption.message).toContain('colour');

  // open(): an overlay over the page; Escape resolves it as a cancel.
  await page.evaluate(() => document.addEventListener('checkout-redirect', (e) => e.preventDefault()));
  const outcome = page.evaluate(async () => {
    const api = await import('/checkout-widget.js');
    return api.open({ priceSlug: 'onboarding', successUrl: '/ok', cancelUrl: '/examples/plain.html' });
  });
  await expect(page.frameLocator('iframe[title="Checkout"]').getByLabel('Email')).toBeVisible();
  await page.keyboard.press('Escape');
  expect(await outcome).toEqual({ status: 'cancel', sessionId: expect.stringMatching(/^cs_/) });
  await expect(page.locator('[data-checkout-overlay]')).toHaveCount(0);
});

test('dark theme with a custom brand colour', async ({ page }) => {
  await page.goto('/examples/plain.html');
  const widget = page.locator('checkout-widget');
  await widget.evaluate((el) => {
    el.setAttribute('theme', 'dark');
    el.style.setProperty('--cw-color-primary', '#34d399');
    el.style.setProperty('--cw-color-on-primary', '#052e16');
    el.style.setProperty('--cw-radius', '2px');
  });
  const button = widget.getByRole('button', { name: 'Buy now: Onboarding' });
  await expect(button).toHaveCSS('background-color', 'rgb(52, 211, 153)');
  await expect(widget.locator('.cw-card')).toHaveCSS('background-color', 'rgb(17, 24, 39)');
  await widget.screenshot({ path: path.join(shots, 'dark-brand.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(shots, 'plain-page.png') });
});
