// The hosted page's theme and the merchant's branding (issue 16, item 6):
// `?theme=light|dark|auto` like the elements' attribute, the overlay and
// inline frames passing the element's theme on, the catalog's brand colour
// on the pay button and its logo; axe finds nothing in either theme.
import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './a11y-support.mjs';
import { fillPayment, openSession } from './support.mjs';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

const DARK_SURFACE = 'rgb(31, 41, 55)';
const LIGHT_SURFACE = 'rgb(249, 250, 251)';
// The demo catalog's brandColor #4f46e5, with the white text the server chose for it.
const BRAND = 'rgb(79, 70, 229)';

test('?theme=dark: the dark palette, the brand colour, the logo, and no axe violations', async ({ page, request, baseURL }) => {
  const session = await openSession(request, baseURL);
  await page.goto(`${session.url}?theme=dark`);
  const pay = page.getByRole('button', { name: 'Pay $49.00' });
  await expect(pay).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('body')).toHaveCSS('background-color', DARK_SURFACE);
  await expect(page.locator('html')).toHaveCSS('color-scheme', 'dark');
  await expect(pay).toHaveCSS('background-color', BRAND);
  await expect(pay).toHaveCSS('color', 'rgb(255, 255, 255)');
  await expect(page.getByRole('img', { name: 'Acme Cloud' })).toBeVisible();
  await expectNoAxeViolations(page, 'the hosted page, ?theme=dark');

  // Errors and the promotion code field in the dark.
  await pay.click();
  await expect(page.getByRole('alert')).toHaveText('Enter your email address.');
  await expectNoAxeViolations(page, 'the hosted page with errors, ?theme=dark');

  await fillPayment(page, { number: '4000 0000 0000 0002' });
  await pay.click();
  await expect(page.getByRole('alert')).toContainText('declined');
  await expectNoAxeViolations(page, 'a declined card, ?theme=dark');
});

test('?theme=dark on a paid session’s receipt, and the light one, pass axe', async ({ page, request, baseURL }) => {
  const session = await openSession(request, baseURL);
  await page.goto(session.url);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  for (const theme of ['dark', 'light']) {
    await page.goto(`${session.url}?theme=${theme}`);
    await expect(page.getByRole('button', { name: 'Print receipt' })).toBeVisible();
    await expect(page.locator('body')).toHaveCSS('background-color', theme === 'dark' ? DARK_SURFACE : LIGHT_SURFACE);
    await expectNoAxeViolations(page, `the receipt, ?theme=${theme}`);
  }
});

test('?theme=auto follows the system; a word that is not a theme is the light default', async ({ page, request, baseURL }) => {
  const session = await openSession(request, baseURL);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${session.url}?theme=auto`);
  await expect(page.getByRole('button', { name: 'Pay $49.00' })).toBeVisible();
  await expect(page.locator('body')).toHaveCSS('background-color', DARK_SURFACE);
  await expectNoAxeViolations(page, 'the hosted page, ?theme=auto in a dark system');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('body')).toHaveCSS('background-color', LIGHT_SURFACE);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${session.url}?theme=neon`);
  await expect(page.getByRole('button', { name: 'Pay $49.00' })).toBeVisible();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
  await expect(page.locator('body')).toHaveCSS('background-color', LIGHT_SURFACE);
});

test('a theme="dark" element in overlay mode frames the hosted page with theme=dark', async ({ page }) => {
  await page.goto('/examples/overlay.html');
  await page.locator('#onboarding').getByRole('button', { name: 'Buy now: Onboarding' }).click();
  const iframe = page.locator('#onboarding').locator('iframe[title="Checkout"]');
  await expect(iframe).toHaveAttribute('src', /[?&]theme=dark(&|$)/);
  const frame = page.frameLocator('iframe[title="Checkout"]');
  await expect(frame.getByRole('button', { name: /^Pay/ })).toBeVisible();
  await expect(frame.locator('body')).toHaveCSS('background-color', DARK_SURFACE);
  await expectNoAxeViolations(page, 'the dark overlay with the checkout open');
  await page.keyboard.press('Escape');

  // The light element next to it frames the light page.
  await page.locator('#lifetime').getByRole('button', { name: 'Buy now: Lifetime' }).click();
  const light = page.locator('#lifetime').locator('iframe[title="Checkout"]');
  await expect(light).not.toHaveAttribute('src', /theme=/);
  await expect(page.frameLocator('iframe[title="Checkout"]').locator('body')).toHaveCSS('background-color', LIGHT_SURFACE);
});

test('an inline element passes its theme and locale to the framed page', async ({ page }) => {
  await page.goto('/examples/plain.html');
  await page.evaluate(() => {
    const el = document.createElement('checkout-widget');
    Object.entries({
      'price-slug': 'onboarding', display: 'inline', theme: 'dark', locale: 'de-DE',
      'success-url': '/success', 'cancel-url': '/cancel', id: 'inline-dark',
    }).forEach(([k, v]) => el.setAttribute(k, v));
    document.querySelector('main').append(el);
  });
  // An inline element shows the hosted checkout at once, no button first.
  const iframe = page.locator('#inline-dark').locator('iframe');
  await expect(iframe).toHaveAttribute('src', /[?&]locale=de-DE(&|$)/);
  await expect(iframe).toHaveAttribute('src', /[?&]theme=dark(&|$)/);
  const frame = page.frameLocator('#inline-dark iframe');
  await expect(frame.locator('html')).toHaveAttribute('lang', 'de');
  await expect(frame.locator('body')).toHaveCSS('background-color', DARK_SURFACE);
});
