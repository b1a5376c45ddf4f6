// Layout for people who zoom or use small screens: nothing scrolls sideways
// at 320 px (WCAG 1.4.10) or at 200 % zoom (1.4.4; 1280 px at 200 % is a
// 640 px viewport at 2×), and nothing moves when prices arrive (skeletons
// hold their place; CLS measured with the browser's layout-shift entries).
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { expectNoAxeViolations } from './a11y-support.mjs';
import { createSession, fillPayment, merchantSession, storeButton } from './support.mjs';

const shots = path.join('target', 'e2e', 'screenshots', 'a11y');

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

/** The page is no wider than its viewport; lists what sticks out otherwise. */
async function expectNoHorizontalScroll(page, what) {
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
    const root = document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
      .map((el) => `${el.localName}.${[...el.classList].join('.')} right=${Math.round(el.getBoundingClientRect().right)}`)
      .slice(0, 10);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
  });
  expect(scrollWidth, `${what} scrolls sideways (${scrollWidth} > ${clientWidth}); too wide: ${wide.join(', ')}`).toBeLessThanOrEqual(
    clientWidth,
  );
}

async function hostedWithAddressAndCode(request, baseURL) {
  const created = await merchantSession(request, {
    priceSlug: 'lifetime',
    successUrl: `${baseURL}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${baseURL}/cancel`,
    allowPromotionCodes: true,
    billingAddressCollection: 'required',
  });
  expect(created.status).toBe(200);
  return created.body.data;
}

for (const [label, viewport, deviceScaleFactor] of [
  ['320 px wide', { width: 320, height: 640 }, 1],
  ['200 % zoom (640 px at 2×)', { width: 640, height: 400 }, 2],
]) {
  test.describe(label, () => {
    test.use({ viewport, deviceScaleFactor });
    const name = (page) => `${page}-${viewport.width}`;

    test('the store, anonymous and with Alice’s billing panel, fits without sideways scrolling', async ({ page }) => {
      await page.goto('/');
      await expect(page.locator('.cw-pricing-grid .cw-card h3')).toHaveCount(5);
      await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
      await expectNoHorizontalScroll(page, 'the store');
      await expectNoAxeViolations(page, `the store at ${label}`);
      await page.screenshot({ path: path.join(shots, `${name('store')}.png`), fullPage: true });

      await page.getByRole('radio', { name: 'Alice' }).check();
      await expect(page.locator('.demo-account .cw-table')).toBeVisible();
      await expectNoHorizontalScroll(page, "Alice's billing panel");
      await page.locator('.cw-subscription').getByRole('button', { name: 'Cancel subscription' }).click();
      await expect(page.getByRole('group', { name: 'Confirm cancellation' })).toBeVisible();
      await expectNoHorizontalScroll(page, "Alice's cancel confirmation");
      await expectNoAxeViolations(page, `Alice's billing panel at ${label}`);
      await page.screenshot({ path: path.join(shots, `${name('billing-panel')}.png`), fullPage: true });
    });

    test('the hosted page with an address, a promotion code and errors fits without sideways scrolling', async ({ page, request, baseURL }) => {
      const session = await hostedWithAddressAndCode(request, baseURL);
      await page.goto(session.url);
      await expect(page.getByRole('group', { name: 'Billing address' })).toBeVisible();
      await expectNoHorizontalScroll(page, 'the hosted form');

      await page.getByRole('button', { name: 'Add promotion code' }).click();
      await page.getByLabel('Promotion code').fill('SUMMER2024');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect(page.locator('#promotion-code-error')).toHaveText('That code has expired.');
      await fillPayment(page, { number: '4242 4242 4242 4241', expiry: '12 / 3' });
      await page.getByRole('button', { name: /^Pay/ }).click();
      await expect(page.getByRole('alert')).toHaveText('Your card number is invalid.');
      // The brand is shown (above the box on a narrow screen) and the whole number stays readable.
      await expect(page.locator('.co-brand')).toHaveText('Visa');
      const number = page.getByLabel('Card number');
      expect(await number.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      await expectNoHorizontalScroll(page, 'the hosted form with errors');
      await expectNoAxeViolations(page, `the hosted form with errors at ${label}`);
      await page.screenshot({ path: path.join(shots, `${name('hosted-errors')}.png`), fullPage: true });

      await page.getByLabel('Promotion code').fill('WELCOME10');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect(page.locator('.co-total-discount')).toContainText('WELCOME10');
      await number.fill('4242 4242 4242 4242');
      await page.getByLabel('Expiration date').fill('12 / 34');
      await page.getByLabel('Full name').fill('Jonas Becker');
      await page.getByLabel('Address', { exact: true }).fill('Hauptstraße 5');
      await page.getByLabel('City').fill('Berlin');
      await page.getByLabel('Postal code').fill('10115');
      await page.getByRole('button', { name: 'Pay $179.10' }).click();
      await page.waitForURL(/\/success\?session_id=cs_/);
      await expect(page.getByTestId('session-status')).toHaveText('succeeded');
      await expectNoHorizontalScroll(page, 'the success page');

      await page.goto(session.url);
      await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
      await expectNoHorizontalScroll(page, 'the receipt');
      await page.screenshot({ path: path.join(shots, `${name('receipt')}.png`), fullPage: true });
    });
  });
}

/**
 * Loads `url` with every API answer held back 400 ms (so skeletons are on
 * screen first, as on a real network), waits for `ready` and a second more,
 * and returns the sum of all layout-shift scores and what shifted.
 */
async function layoutShift(page, url, ready) {
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.hadRecentInput) continue;
        window.__shifts.push({
          value: entry.value,
          sources: entry.sources.map((s) => `${s.node?.localName ?? '?'}.${s.node?.className ?? ''}`),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.route('**/api/**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue();
  });
  await page.goto(url);
  await ready();
  await page.waitForTimeout(1000);
  const shifts = await page.evaluate(() => window.__shifts);
  return { cls: shifts.reduce((sum, s) => sum + s.value, 0), shifts };
}

const CLS_LIMIT = 0.05;

for (const [label, viewport] of [
  ['desktop', { width: 1280, height: 720 }],
  ['phone', { width: 390, height: 844 }],
]) {
  test.describe(`layout shift, ${label}`, () => {
    test.use({ viewport });

    test('the store: prices arrive into skeletons of their size', async ({ page }) => {
      const { cls, shifts } = await layoutShift(page, '/', async () => {
        await expect(storeButton(page, 'Buy now: Lifetime')).toBeVisible();
        await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
      });
      console.log(`CLS store anonymous ${label}: ${cls.toFixed(4)}`);
      test.info().annotations.push({ type: 'CLS', description: `store anonymous ${label}: ${cls.toFixed(4)}` });
      expect(cls, JSON.stringify(shifts)).toBeLessThan(CLS_LIMIT);
    });

    test('the store signed in as Alice: her panel arrives into a skeleton of its size', async ({ page, context, baseURL }) => {
      await context.addCookies([{ name: 'session', value: 'demo-alice', url: baseURL }]);
      const { cls, shifts } = await layoutShift(page, '/', async () => {
        await expect(page.locator('.demo-account .cw-table')).toBeVisible();
        await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
      });
      console.log(`CLS store as Alice ${label}: ${cls.toFixed(4)}`);
      test.info().annotations.push({ type: 'CLS', description: `store as Alice ${label}: ${cls.toFixed(4)}` });
      expect(cls, JSON.stringify(shifts)).toBeLessThan(CLS_LIMIT);
    });

    test('the hosted page: the order and form arrive into skeletons of their size', async ({ page, request, baseURL }) => {
      const created = await createSession(request, {
        priceSlug: 'onboarding',
        successUrl: `${baseURL}/success`,
        cancelUrl: `${baseURL}/cancel`,
      });
      const { cls, shifts } = await layoutShift(page, created.body.data.url, async () => {
        await expect(page.getByRole('button', { name: 'Pay $49.00' })).toBeVisible();
      });
      console.log(`CLS hosted checkout ${label}: ${cls.toFixed(4)}`);
      test.info().annotations.push({ type: 'CLS', description: `hosted checkout ${label}: ${cls.toFixed(4)}` });
      expect(cls, JSON.stringify(shifts)).toBeLessThan(CLS_LIMIT);
    });
  });
}
