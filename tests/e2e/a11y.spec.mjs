// WCAG 2.1 AA in CI: axe-core (WCAG 2.0/2.1 A and AA rules) audits every page
// and state of the store, the hosted checkout and the example pages, in the
// light and the dark colour scheme, inside open shadow roots and same-origin
// frames, and fails on any violation.
import { test, expect } from '@playwright/test';
import { axeViolations, expectNoAxeViolations } from './a11y-support.mjs';
import { fillPayment, openSession, storeButton } from './support.mjs';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});


/** Pays a session on its hosted page with the test card and returns its id. */
async function paidSession(page, request, baseURL) {
  const session = await openSession(request, baseURL);
  await page.goto(session.url);
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.getByRole('button', { name: 'Pay $49.00' }).click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  return session;
}

async function signInAs(page, who) {
  await page.goto('/');
  await page.getByRole('radio', { name: who }).check();
}

for (const colorScheme of ['light', 'dark']) {
  test.describe(`axe, ${colorScheme} colour scheme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme });
    });

    test('loading states: the store, Alice’s panel, the hosted page and the return page before their data', async ({ page, context, baseURL }) => {
      // Nothing answers until the audit is done: the skeletons stay on screen.
      let release;
      const held = new Promise((resolve) => (release = resolve));
      await page.route('**/api/**', async (route) => {
        await held;
        await route.continue().catch(() => {});
      });
      // The <checkout-widget> element's own loading card is audited on its own below.
      const app = { exclude: [['checkout-widget']] };
      await page.goto('/');
      await expect(page.getByRole('status').filter({ hasText: 'Loading prices…' })).toHaveCount(1);
      await expectNoAxeViolations(page, 'the store while prices load', app);
      await context.addCookies([{ name: 'session', value: 'demo-alice', url: baseURL }]);
      await page.goto('/');
      await expect(page.getByRole('status').filter({ hasText: 'Loading your account…' })).toHaveCount(1);
      await expectNoAxeViolations(page, "Alice's panel while it loads", app);
      await page.goto('/checkout/cs_0123456789abcdef0123456789abcdef');
      await expect(page.getByRole('status').filter({ hasText: 'Loading checkout…' })).toHaveCount(1);
      await expectNoAxeViolations(page, 'the hosted page while the session loads');
      await page.goto('/success?session_id=cs_0123456789abcdef0123456789abcdef');
      await expect(page.getByRole('status').filter({ hasText: 'Looking up the session…' })).toHaveCount(1);
      await expectNoAxeViolations(page, 'the success page while the session loads');
      release();
    });

    // 3-D Secure in test mode (issue 16): the bank's challenge, open.
    test('the hosted page with the 3-D Secure dialog open', async ({ page, request, baseURL }) => {
      const session = await openSession(request, baseURL);
      await page.goto(session.url);
      await fillPayment(page, { number: '4000 0027 6000 3184' });
      await page.getByRole('button', { name: 'Pay $49.00' }).click();
      await expect(page.getByRole('dialog', { name: 'Confirm this payment with your bank' })).toBeVisible();
      await expectNoAxeViolations(page, 'the 3-D Secure dialog');
    });

    test('demo store, anonymous', async ({ page }) => {
      await page.goto('/');
      await expect(page.locator('.cw-pricing-grid .cw-card h3')).toHaveCount(5);
      await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
      await expectNoAxeViolations(page, 'the anonymous store');
    });

    test('demo store, signed in as Alice (billing panel)', async ({ page }) => {
      await signInAs(page, 'Alice');
      await expect(page.locator('.demo-account .cw-table')).toBeVisible();
      await expect(page.locator('checkout-widget').getByRole('button')).toBeVisible();
      await expectNoAxeViolations(page, "Alice's billing panel");
      await page.locator('.cw-subscription').getByRole('button', { name: 'Cancel subscription' }).click();
      await expect(page.getByRole('group', { name: 'Confirm cancellation' })).toBeVisible();
      await expectNoAxeViolations(page, "Alice's cancel confirmation");
    });

    test('success and cancel pages', async ({ page, request, baseURL }) => {
      await paidSession(page, request, baseURL);
      await expect(page.getByTestId('session-status')).toHaveText('succeeded');
      await expectNoAxeViolations(page, 'the success page');

      const open = await openSession(request, baseURL);
      await page.goto(`/cancel?session_id=${open.checkoutSession.id}`);
      await expect(page.getByTestId('session-status')).toHaveText('open');
      await expectNoAxeViolations(page, 'the cancel page');
    });

    test('hosted checkout: empty form, field errors, declined, processing', async ({ page, request, baseURL }) => {
      const session = await openSession(request, baseURL);
      await page.goto(session.url);
      const pay = page.getByRole('button', { name: /^Pay/ });
      await expect(pay).toBeVisible();
      await expectNoAxeViolations(page, 'the empty hosted form');

      await pay.click();
      await expect(page.getByRole('alert')).toHaveText('Enter your email address.');
      await expectNoAxeViolations(page, 'the hosted form with field errors');

      await fillPayment(page, { number: '4000 0000 0000 0002' });
      await pay.click();
      await expect(page.getByRole('alert')).toContainText('declined');
      await expectNoAxeViolations(page, 'the hosted form after a decline');

      let release;
      const held = new Promise((resolve) => (release = resolve));
      await page.route('**/confirm', async (route) => {
        await held;
        await route.continue();
      });
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await pay.click();
      await expect(page.getByRole('button', { name: 'Processing…' })).toHaveAttribute('aria-busy', 'true');
      await expectNoAxeViolations(page, 'the hosted form while processing');
      release();
      await page.waitForURL(/\/success\?session_id=cs_/);
    });

    test('hosted checkout: receipt, expired, not found', async ({ page, request, baseURL }) => {
      const paid = await paidSession(page, request, baseURL);
      await page.goto(paid.url);
      await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
      await expectNoAxeViolations(page, 'the receipt');

      const stale = await openSession(request, baseURL);
      const expired = await request.post(`/api/v1/checkout-sessions/${stale.checkoutSession.id}/expire`, {
        headers: { Authorization: process.env.SECRET_KEY },
      });
      expect(expired.status()).toBe(200);
      await page.goto(stale.url);
      await expect(page.getByRole('heading', { name: 'This checkout has expired' })).toBeVisible();
      await expectNoAxeViolations(page, 'the expired page');

      await page.goto('/checkout/cs_00000000000000000000000000000000');
      await expect(page.getByRole('heading', { name: 'Checkout not found' })).toBeVisible();
      await expectNoAxeViolations(page, 'the not-found page');
    });

    test('hosted checkout: billing address and promotion code', async ({ page, request, baseURL }) => {
      const session = await openSession(request, baseURL, {
        priceSlug: 'lifetime',
        allowPromotionCodes: true,
        billingAddressCollection: 'required',
      });
      await page.goto(session.url);
      await expect(page.getByRole('group', { name: 'Billing address' })).toBeVisible();
      await expectNoAxeViolations(page, 'the form with a billing address');
      await page.getByRole('button', { name: 'Add promotion code' }).click();
      await page.getByLabel('Promotion code').fill('SUMMER2024');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect(page.locator('#promotion-code-error')).toHaveText('That code has expired.');
      await page.getByRole('button', { name: /^Pay/ }).click();
      await expect(page.getByRole('alert').first()).toBeVisible();
      await expectNoAxeViolations(page, 'the address form with errors and a refused code');
      await page.getByLabel('Promotion code').fill('WELCOME10');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect(page.locator('.co-total-discount')).toContainText('WELCOME10');
      await expectNoAxeViolations(page, 'the form with a discount applied');

      // Country names in another language than the page's say which (WCAG 3.1.2):
      // Portuguese has no catalog, so the page reads English and the names Portuguese.
      await page.goto(`${session.url}?locale=pt-BR`);
      const country = page.getByLabel('Country or region');
      await expect(country).toHaveValue('BR');
      await expect(country.locator('option[value=BR]')).toHaveText('Brasil');
      await expect(country.locator('option[value=BR]')).toHaveAttribute('lang', 'pt-BR');
      await expect(country.locator('option[value=""]')).not.toHaveAttribute('lang');
      await expectNoAxeViolations(page, 'the form with Portuguese country names');
      // In German the whole page is German, country names included.
      await page.goto(`${session.url}?locale=de-DE`);
      await expect(page.getByLabel('Land oder Region', { exact: true })).toHaveValue('DE');
      await expect(page.getByRole('group', { name: 'Rechnungsadresse' })).toBeVisible();
      await expectNoAxeViolations(page, 'the form in German');
    });

    test('add-payment-method page', async ({ page, request, baseURL }) => {
      const response = await request.post('/api/billing/checkout-sessions/create-add-payment-method', {
        data: { successUrl: `${baseURL}/`, cancelUrl: `${baseURL}/` },
        headers: { Authorization: 'Bearer demo-alice' },
      });
      expect(response.status()).toBe(200);
      await page.goto((await response.json()).data.url);
      await expect(page.getByRole('heading', { name: 'Save a payment method' })).toBeVisible();
      await expectNoAxeViolations(page, 'the add-payment-method page');
    });

    test('the plain example page, and its widget following the system theme', async ({ page }) => {
      await page.goto('/examples/plain.html');
      const widget = page.locator('checkout-widget');
      await expect(widget.getByRole('button', { name: 'Buy now: Onboarding' })).toBeVisible();
      await expectNoAxeViolations(page, '/examples/plain.html');
      // theme="auto" takes the dark palette in the dark scheme, the light one otherwise.
      await widget.evaluate((el) => el.setAttribute('theme', 'auto'));
      await expect(widget.getByRole('button', { name: 'Buy now: Onboarding' })).toBeVisible();
      await expect(widget.locator('[part=card]')).toHaveCSS(
        'background-color',
        colorScheme === 'dark' ? 'rgb(17, 24, 39)' : 'rgb(255, 255, 255)',
      );
      await expectNoAxeViolations(page, `/examples/plain.html with theme="auto" (${colorScheme})`);
    });

    test('the <checkout-pricing-table> element, with its interval switch', async ({ page }) => {
      await page.goto('/examples/plain.html');
      await page.evaluate(() => {
        const table = document.createElement('checkout-pricing-table');
        table.setAttribute('success-url', '/success');
        table.setAttribute('cancel-url', '/cancel');
        document.querySelector('main').append(table);
      });
      const table = page.locator('checkout-pricing-table');
      await expect(table.getByRole('radio', { name: 'Yearly' })).toBeVisible();
      await expect(table.locator('.cw-card').first()).toBeVisible();
      await expectNoAxeViolations(page, 'the <checkout-pricing-table> element');
      await table.getByRole('radio', { name: 'Yearly' }).check();
      await expect(table.locator('.cw-card').first()).toContainText('per year');
      await expectNoAxeViolations(page, 'the <checkout-pricing-table> element, yearly');
    });

    test('the overlay example with the checkout open', async ({ page }) => {
      await page.goto('/examples/overlay.html');
      await expect(page.locator('#onboarding').getByRole('button')).toBeVisible();
      await expectNoAxeViolations(page, '/examples/overlay.html before opening');
      await page.locator('#lifetime').getByRole('button', { name: 'Buy now: Lifetime' }).click();
      await expect(page.frameLocator('iframe[title="Checkout"]').getByRole('button', { name: /^Pay/ })).toBeVisible();
      await expectNoAxeViolations(page, '/examples/overlay.html with the dialog open');
    });
  });
}

// The embed's loading card is a status with visually hidden text (an
// aria-label on a bare div was refused by axe: aria-prohibited-attr).
test('the <checkout-widget> element while its price loads', async ({ page }) => {
  await page.route('**/api/billing/**', () => {});
  await page.goto('/examples/plain.html');
  const card = page.locator('checkout-widget').locator('[part=card]');
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute('role', 'status');
  await expect(card).toHaveText('Loading price');
  await expectNoAxeViolations(page, 'the <checkout-widget> loading card');
});

test('the audit sees into open shadow roots and same-origin frames', async ({ page }) => {
  await page.goto('/examples/overlay.html');
  await page.locator('#lifetime').getByRole('button', { name: 'Buy now: Lifetime' }).click();
  const frame = page.frameLocator('iframe[title="Checkout"]');
  await expect(frame.getByRole('button', { name: /^Pay/ })).toBeVisible();
  // Plant one unlabelled field in a shadow root and one in the framed checkout: axe must report both.
  await page.locator('#onboarding').evaluate((el) => el.shadowRoot.append(Object.assign(document.createElement('input'), { id: 'planted' })));
  await frame.locator('form').evaluate((form) => form.append(Object.assign(document.createElement('input'), { id: 'planted' })));
  const violations = await axeViolations(page);
  const targets = violations.find((v) => v.id === 'label')?.nodes.map((n) => n.target) ?? [];
  expect(targets).toHaveLength(2);
  // A target is a path: shadow hosts and frames first, the node last.
  expect(targets).toContainEqual([['#onboarding', '#planted']]);
  expect(targets.filter((t) => JSON.stringify(t[0]).includes('iframe') && t.at(-1) === '#planted')).toHaveLength(1);
});

test('the audit fails on a violation and names it', async ({ page }) => {
  await page.goto('/examples/plain.html');
  await expect(page.locator('checkout-widget').getByRole('button', { name: 'Buy now: Onboarding' })).toBeVisible();
  await page.evaluate(() => document.querySelector('main').append(Object.assign(document.createElement('img'), { src: '/favicon.svg' })));
  const violations = await axeViolations(page);
  expect(violations.map((v) => [v.id, v.impact])).toEqual([['image-alt', 'critical']]);
});
