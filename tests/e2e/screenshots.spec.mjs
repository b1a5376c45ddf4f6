// Screenshots of the real pages: written to target/e2e/screenshots on every
// test run (to look at), and to docs/screenshots by `cargo xtask screenshots`
// (the README's images).
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { fillPayment, storeButton } from './support.mjs';

const dir = process.env.SCREENSHOT_DIR ?? 'target/e2e/screenshots';
const shot = (name) => path.join(dir, `${name}.png`);

test('screenshots of the store, the hosted checkout and the success page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/');
  await expect(page.locator('.cw-pricing-grid .cw-card h3')).toHaveCount(5);
  await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
  await page.screenshot({ path: shot('store'), fullPage: true });

  await storeButton(page, 'Buy now: Onboarding').click();
  await page.waitForURL(/\/checkout\/cs_/);
  await expect(page.getByRole('button', { name: /^Pay/ })).toBeVisible();
  await page.screenshot({ path: shot('checkout') });

  await fillPayment(page, { number: '4242 4242 4242 4241', expiry: '12 / 34' });
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page.getByRole('alert')).toHaveText('Your card number is invalid.');
  await page.screenshot({ path: shot('checkout-error') });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot('checkout-phone'), fullPage: true });

  await page.setViewportSize({ width: 1280, height: 860 });
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  await page.screenshot({ path: shot('success') });

  const id = new URL(page.url()).searchParams.get('session_id');
  await page.goto(`/checkout/${id}`);
  await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
  await page.screenshot({ path: shot('receipt') });
});

test('screenshot of the billing panel for a signed-in customer', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/');
  await page.getByRole('radio', { name: 'Alice' }).check();
  await expect(page.locator('.demo-account .cw-table')).toBeVisible();
  await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
  await page.screenshot({ path: shot('billing-panel'), fullPage: true });
});
