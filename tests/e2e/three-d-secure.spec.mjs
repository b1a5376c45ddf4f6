// 3-D Secure in test mode (issue 16), in Chromium with the release bundle
// against the real server: Stripe's authentication test cards make the
// hosted page show the bank's challenge in a modal dialog; completing it
// pays, failing it leaves the checkout open, and a reload shows it again.
import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './a11y-support.mjs';
import { fillPayment, openSession, platformSession, sessionIdFrom } from './support.mjs';

const BANK = 'Confirm this payment with your bank';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

/** Opens a new Onboarding checkout and pays with `number`; returns the session. */
async function payWith(page, request, baseURL, number) {
  const session = await openSession(request, baseURL);
  await page.goto(session.url);
  await fillPayment(page, { number });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  return session;
}

test('4000 0027 6000 3184 asks the bank: a labelled modal dialog keeps focus, and Complete pays', async ({ page, request, baseURL }) => {
  const session = await payWith(page, request, baseURL, '4000 0027 6000 3184');
  const dialog = page.getByRole('dialog', { name: BANK });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  await expect(dialog).toContainText('Acme Cloud asks to charge $49.00 to your Visa card ending in 3184.');
  const complete = dialog.getByRole('button', { name: 'Complete authentication' });
  const fail = dialog.getByRole('button', { name: 'Fail authentication' });
  // Focus moves in and stays in: Tab and Shift+Tab cycle the two buttons.
  await expect(complete).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(fail).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(complete).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(fail).toBeFocused();
  // Escape is no answer: the bank's question stays.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  // A true modal: in the top layer, the page behind it inert.
  expect(await dialog.evaluate((el) => el.matches(':modal'))).toBe(true);
  await expectNoAxeViolations(page, 'the 3-D Secure dialog');
  // Nothing is charged yet.
  expect((await platformSession(request, session.checkoutSession.id)).body.checkoutSession.status).toBe('open');

  await complete.click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  const id = sessionIdFrom(page.url());
  expect(id).toBe(session.checkoutSession.id);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  expect((await platformSession(request, id)).body.checkoutSession.status).toBe('succeeded');
});

test('failing the authentication says so in an alert, and the checkout pays with another card', async ({ page, request, baseURL }) => {
  await payWith(page, request, baseURL, '4000 0000 0000 3220');
  const dialog = page.getByRole('dialog', { name: BANK });
  await dialog.getByRole('button', { name: 'Fail authentication' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveText(/^Authentication failed/);
  await expect(page.getByLabel('Card number')).toBeFocused();

  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
});

test('a reload shows the waiting dialog again; 4000 0082 6000 3178 is then declined for insufficient funds', async ({ page, request, baseURL }) => {
  const session = await payWith(page, request, baseURL, '4000 0082 6000 3178');
  const dialog = page.getByRole('dialog', { name: BANK });
  await expect(dialog).toBeVisible();
  await page.reload();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('ending in 3178');
  await expect(dialog.getByRole('button', { name: 'Complete authentication' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Complete authentication' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveText('Your card has insufficient funds. Try another card.');
  expect((await platformSession(request, session.checkoutSession.id)).body.checkoutSession.status).toBe('open');
});

for (const mode of ['overlay', 'inline']) {
  test(`embedded (${mode}): the bank's dialog opens inside the checkout frame and Complete ends on the success URL`, async ({ page }) => {
    await page.goto(`/examples/${mode}.html`);
    if (mode === 'overlay') {
      await page.locator('#onboarding').getByRole('button', { name: 'Buy now: Onboarding' }).click();
    }
    const frame = page.frameLocator('iframe[title="Checkout"]');
    await expect(frame.getByRole('button', { name: 'Pay $49.00' })).toBeVisible();
    await fillPayment(frame, { number: '4000 0027 6000 3184' });
    await frame.getByRole('button', { name: 'Pay $49.00' }).click();
    const dialog = frame.getByRole('dialog', { name: BANK });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Complete authentication' })).toBeFocused();
    await dialog.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForURL(/\/success\?session_id=cs_/);
    await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  });
}
