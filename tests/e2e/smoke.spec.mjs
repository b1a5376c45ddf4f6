// Placeholder smoke test: the server under test is up and healthy.
import { test, expect } from '@playwright/test';

test('healthz answers ok', async ({ page }) => {
  const response = await page.goto('/healthz');
  expect(response?.status()).toBe(200);
  await expect(page.locator('body')).toContainText('ok');
});
