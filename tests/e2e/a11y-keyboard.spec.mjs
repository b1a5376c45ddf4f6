// Keyboard and screen-reader use of the real pages: a whole checkout by
// keyboard alone, a visible focus indicator on every control, what live
// regions announce (once each), and reduced motion.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import {
  describeFocus,
  expectFocusIndicator,
  focusedElement,
  recordAnnouncements,
  tabThroughPage,
  takeAnnouncements,
} from './a11y-support.mjs';
import { fillPayment, openSession, storeButton } from './support.mjs';

const shots = path.join('target', 'e2e', 'screenshots', 'a11y');

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});


/**
 * Presses `key` and checks focus lands on `expected` (a describeFocus pattern)
 * and shows an indicator; waits, since focus may follow a re-render.
 */
async function press(page, key, expected) {
  await page.keyboard.press(key);
  await expect.poll(async () => describeFocus(await focusedElement(page))).toMatch(expected);
  const focused = await focusedElement(page);
  expectFocusIndicator(focused);
  return focused;
}

test('a complete checkout by keyboard alone: store, Buy now, every field, Enter, success page', async ({ page }) => {
  await page.goto('/');
  await expect(storeButton(page, 'Buy now: Lifetime')).toBeVisible();
  // Tab from the top of the page to the store's Lifetime button, every stop showing focus.
  const stops = [];
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    const focused = await focusedElement(page);
    expectFocusIndicator(focused);
    stops.push(describeFocus(focused));
    if (focused.name === 'Buy now: Lifetime') break;
  }
  expect(stops).toEqual([
    'a “Acme Cloud”',
    'input[radio] “Anonymous”',
    'input[radio] “Monthly”',
    'button “Start 14-day free trial: Pro · Monthly”',
    'button “Buy now: Lifetime”',
  ]);
  await page.keyboard.press('Enter');

  await page.waitForURL(/\/checkout\/cs_[0-9a-f]{32}$/);
  await expect(page.getByRole('button', { name: 'Pay $199.00' })).toBeVisible();
  await press(page, 'Tab', /^input\[\w+\]#email/);
  await page.keyboard.type('ann@example.com');
  await press(page, 'Tab', /^input\[\w+\]#card-number/);
  await page.keyboard.type('4242424242424242');
  await press(page, 'Tab', /^input\[\w+\]#card-expiry/);
  await page.keyboard.type('1234');
  await press(page, 'Tab', /^input\[\w+\]#card-cvc/);
  await page.keyboard.type('123');
  // Back and forth: Shift+Tab returns to the expiry with what was typed kept.
  await press(page, 'Shift+Tab', /^input\[\w+\]#card-expiry/);
  await expect(page.getByLabel('Expiration date')).toHaveValue('12 / 34');
  await press(page, 'Tab', /^input\[\w+\]#card-cvc/);
  await press(page, 'Tab', /^button “Pay \$199\.00”/);
  await press(page, 'Tab', /^a “Cancel and return to Acme Cloud”/);
  await press(page, 'Shift+Tab', /^button “Pay \$199\.00”/);
  await page.screenshot({ path: path.join(shots, 'keyboard-pay-focused.png') });
  await page.keyboard.press('Enter');

  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
  await press(page, 'Tab', /^a “Acme Cloud”/);
  await press(page, 'Tab', /^a “Back to the store”/);
});

test('by keyboard: a promotion code and a billing address, focus following each control that replaces another', async ({ page, request, baseURL }) => {
  const session = await openSession(request, baseURL, {
    priceSlug: 'lifetime',
    allowPromotionCodes: true,
    billingAddressCollection: 'required',
  });
  await page.goto(session.url);
  await expect(page.getByRole('button', { name: 'Pay $199.00' })).toBeVisible();
  await press(page, 'Tab', /^button#promotion-code-toggle “Add promotion code”/);
  // Space opens the field; focus moves into it instead of being lost.
  await press(page, 'Space', /^input\[\w+\]#promotion-code/);
  await page.keyboard.type('welcome10');
  // Enter applies the code (it does not pay); focus goes to “Remove”.
  await press(page, 'Enter', /^button#promotion-code-remove “Remove promotion code WELCOME10”/);
  await expect(page.getByRole('button', { name: 'Pay $179.10' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Promotion code WELCOME10 applied.' })).toHaveCount(1);
  // Removing it brings back the toggle, focused; adding it again by keyboard.
  await press(page, 'Enter', /^button#promotion-code-toggle “Add promotion code”/);
  await expect(page.getByRole('button', { name: 'Pay $199.00' })).toBeVisible();
  await press(page, 'Enter', /^input\[\w+\]#promotion-code/);
  await page.keyboard.type('WELCOME10');
  await press(page, 'Enter', /^button#promotion-code-remove/);

  await press(page, 'Tab', /^input\[\w+\]#email/);
  await page.keyboard.type('ann@example.com');
  await press(page, 'Tab', /^input\[\w+\]#card-number/);
  await page.keyboard.type('4242 4242 4242 4242');
  await press(page, 'Tab', /^input\[\w+\]#card-expiry/);
  await page.keyboard.type('12/34');
  await press(page, 'Tab', /^input\[\w+\]#card-cvc/);
  await page.keyboard.type('123');
  await press(page, 'Tab', /^input\[\w+\]#billing-name/);
  await page.keyboard.type('Ann Example');
  await press(page, 'Tab', /^select#billing-country/);
  await page.keyboard.type('Germany');
  await expect(page.getByLabel('Country or region')).toHaveValue('DE');
  await press(page, 'Tab', /^input\[\w+\]#billing-line1/);
  await page.keyboard.type('Hauptstraße 5');
  await press(page, 'Tab', /^input\[\w+\]#billing-line2/);
  await press(page, 'Tab', /^input\[\w+\]#billing-city/);
  await page.keyboard.type('Berlin');
  await press(page, 'Tab', /^input\[\w+\]#billing-postal-code/);
  await page.keyboard.type('10115');
  await press(page, 'Tab', /^input\[\w+\]#billing-state/);
  await press(page, 'Tab', /^button “Pay \$179\.10”/);
  // Space on the pay button pays.
  await page.keyboard.press('Space');
  await page.waitForURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('session-status')).toHaveText('succeeded');
});

test('every control shows a focus indicator: store, billing panel, hosted page, return page', async ({ page, request, baseURL }) => {
  await page.goto('/');
  await expect(storeButton(page, 'Buy now: Onboarding')).toBeVisible();
  await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
  const store = await tabThroughPage(page);
  expect(store).toEqual([
    'a “Acme Cloud”',
    'input[radio] “Anonymous”',
    'input[radio] “Monthly”',
    'button “Start 14-day free trial: Pro · Monthly”',
    'button “Buy now: Lifetime”',
    'input[number]#cw-qty-price_credits_jpy “Quantity (credit packs)”',
    'button “Buy now: Credits”',
    'button “Buy now: Support hours”',
    'button “Buy now: Onboarding”',
    'button “Buy now: Onboarding”', // the <checkout-widget> element, in its shadow root
  ]);

  await page.getByRole('radio', { name: 'Alice' }).check();
  await expect(page.locator('.demo-account .cw-table')).toBeVisible();
  await page.reload();
  await expect(page.locator('.demo-account .cw-table')).toBeVisible();
  await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
  const panel = await tabThroughPage(page);
  expect(panel).toEqual(
    expect.arrayContaining(['button#cw-subscription-action-sub_alice_pro “Cancel subscription”', 'button “Add payment method”']),
  );

  const session = await openSession(request, baseURL, {
    priceSlug: 'lifetime',
    allowPromotionCodes: true,
    billingAddressCollection: 'required',
  });
  await page.goto(session.url);
  await expect(page.getByRole('button', { name: /^Pay/ })).toBeVisible();
  expect(await tabThroughPage(page)).toEqual([
    'button#promotion-code-toggle “Add promotion code”',
    'input[email]#email “Email”',
    'input[text]#card-number “Card number”',
    'input[text]#card-expiry “Expiration date”',
    'input[text]#card-cvc “CVC”',
    'input[text]#billing-name “Full name”',
    'select#billing-country “Country or region”',
    'input[text]#billing-line1 “Address”',
    'input[text]#billing-line2 “Apartment, suite, etc. (optional)”',
    'input[text]#billing-city “City”',
    'input[text]#billing-postal-code “Postal code”',
    'input[text]#billing-state “State or province (optional)”',
    'button “Pay $199.00”',
    'a “Cancel and return to Acme Cloud”',
  ]);

  await page.goto(`/cancel?session_id=${session.checkoutSession.id}`);
  await expect(page.getByTestId('session-status')).toHaveText('open');
  expect(await tabThroughPage(page)).toEqual(['a “Acme Cloud”', 'a “Back to the store”']);
});

test('cancelling a subscription by keyboard keeps focus on the panel through the confirmation and the reload', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('radio', { name: 'Alice' }).check();
  const cancel = page.locator('.cw-subscription').getByRole('button', { name: 'Cancel subscription' });
  await cancel.focus();
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('group', { name: 'Confirm cancellation' });
  await expect(confirm).toBeFocused();
  await expect(confirm).toHaveAccessibleDescription('Cancel at the end of the current period? You keep access until then.');
  await press(page, 'Tab', /^button “Yes, cancel”/);
  await press(page, 'Tab', /^button “Keep it”/);
  await page.keyboard.press('Enter');
  await expect(cancel).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const keep = page.locator('.cw-subscription').getByRole('button', { name: 'Keep subscription' });
  await expect(keep).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.cw-subscription').getByRole('button', { name: 'Cancel subscription' })).toBeFocused();
  await expect(page.locator('.cw-subscription')).toContainText('Active');
});

test('field errors are tied to their input and announced once: politely as you go, by the alert on submit', async ({ page, request, baseURL }) => {
  await recordAnnouncements(page);
  const session = await openSession(request, baseURL, { priceSlug: 'onboarding' });
  await page.goto(session.url);
  const pay = page.getByRole('button', { name: 'Pay $49.00' });
  await expect(pay).toBeVisible();
  expect(await takeAnnouncements(page)).toEqual([]);
  const email = page.getByLabel('Email');
  const number = page.getByLabel('Card number');

  // Leaving a wrong field: its error appears, is tied to it, and is said once, politely.
  await email.focus();
  await page.keyboard.type('ann@');
  await page.keyboard.press('Tab');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAccessibleDescription('Enter a valid email address, like name@example.com.');
  expect(await takeAnnouncements(page)).toEqual([
    { politeness: 'polite', text: 'Email: Enter a valid email address, like name@example.com.' },
  ]);

  // A full card number that fails the Luhn check is judged (and said) as it is typed; leaving it says nothing more.
  await page.keyboard.type('4242 4242 4242 4241');
  await expect(number).toHaveAccessibleDescription('Your card number is invalid.');
  await page.keyboard.press('Tab');
  await expect(number).toHaveAttribute('aria-invalid', 'true');
  expect(await takeAnnouncements(page)).toEqual([
    { politeness: 'polite', text: 'Visa' },
    { politeness: 'polite', text: 'Card number: Your card number is invalid.' },
  ]);

  // Enter submits: the alert names the first problem, focus goes there, and no
  // polite region repeats it (nor says the field the submit moved focus from).
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Enter a valid email address, like name@example.com.');
  await expect(email).toBeFocused();
  await page.waitForTimeout(700);
  expect(await takeAnnouncements(page)).toEqual([
    { politeness: 'assertive', text: 'Enter a valid email address, like name@example.com.' },
  ]);
  // Fixed fields lose their error and their description.
  await email.fill('ann@example.com');
  await expect(email).toHaveAttribute('aria-invalid', 'false');
  await expect(email).not.toHaveAttribute('aria-describedby');
  await number.fill('4242 4242 4242 4242');
  await expect(number).toHaveAttribute('aria-invalid', 'false');
  expect(await takeAnnouncements(page)).toEqual([]);

  // A click on Pay from a field: the blur does not announce what the alert is about to say.
  await page.getByLabel('Expiration date').click();
  await pay.click();
  await expect(page.getByRole('alert')).toHaveText('Enter the expiration date.');
  await expect(page.getByLabel('Expiration date')).toBeFocused();
  await page.waitForTimeout(700);
  expect(await takeAnnouncements(page)).toEqual([{ politeness: 'assertive', text: 'Enter the expiration date.' }]);

  // Paying: the busy button is announced once as a status, then the decline once as an alert.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/confirm', async (route) => {
    await held;
    await route.continue();
  });
  await page.keyboard.type('1234');
  await page.keyboard.press('Tab');
  await page.keyboard.type('123');
  await number.fill('4000 0000 0000 0002');
  await page.getByLabel('CVC').focus();
  expect(await takeAnnouncements(page)).toEqual([]);
  await page.keyboard.press('Enter');
  const busy = page.getByRole('button', { name: 'Processing…' });
  await expect(busy).toHaveAttribute('aria-busy', 'true');
  await expect(page.getByRole('status').filter({ hasText: 'Processing payment…' })).toHaveCount(1);
  expect(await takeAnnouncements(page)).toEqual([{ politeness: 'polite', text: 'Processing payment…' }]);
  release();
  await expect(page.getByRole('alert')).toHaveText('Your card was declined. Try another card.');
  await expect(page.getByRole('button', { name: 'Pay $49.00' })).toHaveAttribute('aria-busy', 'false');
  await page.waitForTimeout(300);
  expect(await takeAnnouncements(page)).toEqual([
    { politeness: 'assertive', text: 'Your card was declined. Try another card.' },
  ]);
});

test('a promotion code error is announced from a region that exists before it fills', async ({ page, request, baseURL }) => {
  await recordAnnouncements(page);
  const session = await openSession(request, baseURL, { priceSlug: 'onboarding', allowPromotionCodes: true });
  await page.goto(session.url);
  await page.getByRole('button', { name: 'Add promotion code' }).click();
  const code = page.getByLabel('Promotion code');
  await expect(code).toBeFocused();
  // Empty, the live region is in the accessibility tree (not display: none), taking no room.
  const region = page.locator('#promotion-code-error');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  expect(await region.evaluate((el) => getComputedStyle(el).display)).not.toBe('none');
  expect(await region.evaluate((el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(1);
  await takeAnnouncements(page);
  await code.fill('SUMMER2024');
  await code.press('Enter');
  await expect(region).toHaveText('That code has expired.');
  await expect(code).toHaveAccessibleDescription('That code has expired.');
  expect(await takeAnnouncements(page)).toEqual([{ politeness: 'polite', text: 'That code has expired.' }]);
});

test('prefers-reduced-motion: reduce stops the skeletons, the spinner and transitions', async ({ page, request, baseURL }) => {
  const motion = (selector) =>
    page.evaluate((selector) => {
      const found = [...document.querySelectorAll(selector)];
      for (const host of document.querySelectorAll('*')) {
        if (host.shadowRoot) found.push(...host.shadowRoot.querySelectorAll(selector));
      }
      return found.map((el) => {
        const s = getComputedStyle(el);
        return { name: s.animationName, transition: s.transitionDuration };
      });
    }, selector);

  // Prices held back: the store shows its skeletons.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/api/billing/**', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.locator('.cw-card-skeleton').first()).toBeVisible();
  // The <checkout-widget> element's own placeholder, in its shadow root, once its module has run.
  await expect(page.locator('checkout-widget [part=card]')).toBeVisible();
  const moving = await motion('.cw-card-skeleton, .cw-skeleton');
  expect(moving.length).toBe(7); // the switch, five cards, the element's card
  expect(new Set(moving.map((m) => m.name))).toEqual(new Set(['cw-shimmer']));

  await page.emulateMedia({ reducedMotion: 'reduce' });
  const still = await motion('.cw-card-skeleton, .cw-skeleton');
  expect(still).toHaveLength(moving.length);
  expect(still.every((m) => m.name === 'none'), JSON.stringify(still)).toBe(true);
  release();
  await expect(storeButton(page, 'Buy now: Lifetime')).toBeVisible();
  expect(await motion('.cw-button')).toEqual(expect.arrayContaining([{ name: 'none', transition: '0s' }]));
  expect((await motion('.cw-button')).every((m) => m.transition === '0s')).toBe(true);

  // The hosted page's skeleton while the session loads, then the pay button's spinner.
  const session = await openSession(request, baseURL, { priceSlug: 'onboarding' });
  let releaseSession;
  const sessionHeld = new Promise((resolve) => (releaseSession = resolve));
  await page.route(`**/api/checkout-sessions/${session.checkoutSession.id}`, async (route) => {
    await sessionHeld;
    await route.continue();
  });
  await page.goto(session.url);
  await expect(page.locator('.co-skel').first()).toBeVisible();
  const skeleton = await motion('.co-skel');
  expect(skeleton.length).toBeGreaterThanOrEqual(10);
  expect(skeleton.every((m) => m.name === 'none')).toBe(true);
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  expect((await motion('.co-skel')).every((m) => m.name === 'cw-shimmer')).toBe(true);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  releaseSession();

  let releaseConfirm;
  const confirmHeld = new Promise((resolve) => (releaseConfirm = resolve));
  await page.route('**/confirm', async (route) => {
    await confirmHeld;
    await route.continue();
  });
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await expect(page.locator('.co-spinner')).toBeVisible();
  expect(await motion('.co-spinner')).toEqual([{ name: 'none', transition: '0s' }]);
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  expect(await motion('.co-spinner')).toEqual([{ name: 'co-spin', transition: '0s' }]);
  releaseConfirm();
  await page.waitForURL(/\/success\?session_id=cs_/);
});

test('the overlay traps focus: Tab and Shift+Tab stay in the dialog, never on the page behind', async ({ page }) => {
  await page.goto('/examples/overlay.html');
  // Stay on the page after the cancel, to see where focus returns.
  await page.evaluate(() => document.addEventListener('checkout-redirect', (e) => e.preventDefault()));
  const trigger = page.locator('#lifetime').getByRole('button', { name: 'Buy now: Lifetime' });
  await trigger.focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('#lifetime').getByRole('dialog', { name: 'Checkout' });
  await expect(dialog).toBeVisible();
  await expect(page.frameLocator('iframe[title="Checkout"]').getByLabel('Email')).toBeVisible();
  // Where focus is, seen from the top page: inside the dialog (its close
  // button, or the framed checkout), or nowhere; never a control behind it.
  const whereFocusIs = () =>
    page.evaluate(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      if (!active || active === document.body || active === document.documentElement) return 'nowhere';
      return active.closest('dialog') ? 'dialog' : `behind: ${active.tagName} ${active.textContent.trim().slice(0, 40)}`;
    });
  const seen = new Set();
  for (const key of [...Array(14).fill('Tab'), ...Array(14).fill('Shift+Tab')]) {
    await page.keyboard.press(key);
    const where = await whereFocusIs();
    expect(where, `after ${key}`).not.toMatch(/^behind/);
    seen.add(where);
  }
  expect(seen.has('dialog')).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Focus returns to the button that opened it.
  await expect.poll(() => trigger.evaluate((el) => el.getRootNode().activeElement === el)).toBe(true);
});
