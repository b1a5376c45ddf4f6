// Localization: the hosted checkout in every catalog language (en, de, fr,
// es, ja, ar), chosen by `?locale=`, by the browser's languages, or by the
// widget's `locale` attribute; amounts, dates and intervals formatted by the
// browser's Intl; Arabic laid out right to left.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { expectNoAxeViolations } from './a11y-support.mjs';
import { fillPayment, sessionIdFrom } from './support.mjs';

// Under target/ (to look at), never docs/: `cargo xtask screenshots` makes the README's.
const shots = path.join('target', 'e2e', 'screenshots', 'l10n');

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`uncaught exception on ${page.url()}: ${error.message}`);
  });
});

/** What each locale must show, in the words of its catalog. */
const LOCALES = {
  en: { dir: 'ltr', heading: 'Payment details', pay: (a) => `Pay ${a}`, perMonth: 'per month', trial: '14 days free', testMode: 'Test mode' },
  de: { dir: 'ltr', heading: 'Zahlungsdaten', pay: (a) => `${a} bezahlen`, perMonth: 'pro Monat', trial: '14 Tage gratis', testMode: 'Testmodus' },
  fr: { dir: 'ltr', heading: 'Informations de paiement', pay: (a) => `Payer ${a}`, perMonth: 'par mois', trial: '14 jours gratuits', testMode: 'Mode test' },
  es: { dir: 'ltr', heading: 'Datos de pago', pay: (a) => `Pagar ${a}`, perMonth: 'al mes', trial: '14 días gratis', testMode: 'Modo de prueba' },
  ja: { dir: 'ltr', heading: 'お支払い情報', pay: (a) => `${a} を支払う`, perMonth: '毎月', trial: '14日間無料', testMode: 'テストモード' },
  // Arabic counts 3–10 with the plural ("few") and 11–99 with the singular ("many"): 14 → يومًا.
  ar: { dir: 'rtl', heading: 'تفاصيل الدفع', pay: (a) => `ادفع ${a}`, perMonth: 'شهريًا', trial: 'يومًا مجانًا', testMode: 'وضع الاختبار' },
};

/** A session created through the server route, as the merchant's backend would. */
async function session(request, baseURL, priceSlug) {
  const response = await request.post('/api/billing/checkout-sessions/create', {
    data: { priceSlug, successUrl: `${baseURL}/success?session_id={CHECKOUT_SESSION_ID}`, cancelUrl: `${baseURL}/cancel` },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).data.checkoutSession.id;
}

/** The browser's own formatting of an amount, to compare the page with. */
const intlMoney = (page, locale, amount, currency) =>
  page.evaluate(([l, a, c]) => new Intl.NumberFormat(l, { style: 'currency', currency: c }).format(a), [locale, amount, currency]);

for (const [locale, words] of Object.entries(LOCALES)) {
  test(`the hosted checkout in ${locale}: translated text, Intl amounts and intervals, ${words.dir}`, async ({ page, request, baseURL }) => {
    // A one-time price: the pay button says the amount.
    await page.goto(`/checkout/${await session(request, baseURL, 'onboarding')}?locale=${locale}`);
    await expect(page.getByRole('heading', { name: words.heading })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', locale);
    await expect(page.locator('html')).toHaveAttribute('dir', words.dir);
    await expect(page.locator('.co-test-banner strong')).toHaveText(words.testMode);
    const fortyNine = await intlMoney(page, locale, 49, 'USD');
    await expect(page.locator('form button[type=submit]')).toHaveText(words.pay(fortyNine));

    // A monthly price with a trial: "Then $12.00 per month", the trial counted with Intl.PluralRules.
    await page.goto(`/checkout/${await session(request, baseURL, 'pro-monthly')}?locale=${locale}`);
    const twelve = await intlMoney(page, locale, 12, 'USD');
    await expect(page.locator('.co-hero-sub')).toContainText(`${twelve} ${words.perMonth}`);
    await expect(page.locator('.co-hero-amount')).toContainText(words.trial);

    // Yen have no minor unit: ¥1,200 stays 1,200 in every locale.
    await page.goto(`/checkout/${await session(request, baseURL, 'credits-jpy')}?locale=${locale}`);
    const yen = await intlMoney(page, locale, 1200, 'JPY');
    await expect(page.locator('form button[type=submit]')).toHaveText(words.pay(yen));
  });
}

test('the issue’s examples: de shows "12,00 $", ja shows "￥1,200"', async ({ page, request, baseURL }) => {
  await page.goto(`/checkout/${await session(request, baseURL, 'pro-monthly')}?locale=de`);
  await expect(page.locator('.co-hero-sub')).toHaveText('Danach 12,00 $ pro Monat');
  await page.goto(`/checkout/${await session(request, baseURL, 'credits-jpy')}?locale=ja-JP`);
  await expect(page.locator('form button[type=submit]')).toHaveText('￥1,200 を支払う');
});

test('an unknown checkout and an unknown address say so in the locale', async ({ page }) => {
  await page.goto('/checkout/cs_00000000000000000000000000000000?locale=es');
  await expect(page.getByRole('heading', { name: 'Pago no encontrado' })).toBeVisible();
  // A malformed id is not even a checkout: the app's own not-found page.
  await page.goto('/checkout/a%3Cb?locale=ar');
  await expect(page.getByRole('heading', { name: 'الصفحة غير موجودة' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
});

test('field errors and the decline message follow the locale', async ({ page, request, baseURL }) => {
  await page.goto(`/checkout/${await session(request, baseURL, 'onboarding')}?locale=fr`);
  await page.getByLabel('E-mail').fill('ann@example.com');
  await page.getByLabel('Numéro de carte').fill('4242 4242 4242 4241');
  await page.getByLabel('Date d’expiration').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
  await page.locator('form button[type=submit]').click();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveText('Votre numéro de carte n’est pas valide.');
  await page.getByLabel('Numéro de carte').fill('4000 0000 0000 0002');
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('.co-alert')).toHaveText('Votre carte a été refusée. Essayez une autre carte.');
});

test.describe('with a German browser', () => {
  test.use({ locale: 'de-DE' });

  test('the hosted page follows navigator.languages when no locale is given', async ({ page, request, baseURL }) => {
    await page.goto(`/checkout/${await session(request, baseURL, 'onboarding')}`);
    await expect(page.getByRole('heading', { name: 'Zahlungsdaten' })).toBeVisible();
    await expect(page.locator('form button[type=submit]')).toHaveText('49,00 $ bezahlen');
    // `?locale=` wins over the browser.
    await page.goto(`/checkout/${await session(request, baseURL, 'onboarding')}?locale=es`);
    await expect(page.getByRole('heading', { name: 'Datos de pago' })).toBeVisible();
  });
});

test('the widget’s locale attribute: its own words and amounts, and the hosted page in the same language', async ({ page }) => {
  await page.goto('/examples/plain.html');
  const widget = page.locator('checkout-widget').first();
  await expect(widget.getByRole('button')).toBeVisible();
  await widget.evaluate((el) => el.setAttribute('locale', 'ja'));
  const button = widget.getByRole('button');
  await expect(widget.locator('[part=root]')).toHaveAttribute('lang', 'ja');
  await expect(button).toHaveText(/今すぐ購入|申し込む|無料トライアルを開始/);
  await button.click();
  await page.waitForURL(/\/checkout\/cs_[0-9a-f]{32}\?locale=ja$/);
  await expect(page.getByRole('heading', { name: 'お支払い情報' })).toBeVisible();
});

test('the pricing table element in Arabic mirrors, with Arabic intervals', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => {
    const table = document.createElement('checkout-pricing-table');
    table.setAttribute('locale', 'ar');
    table.setAttribute('success-url', '/success');
    table.setAttribute('cancel-url', '/cancel');
    table.id = 'ar-table';
    document.body.prepend(table);
  });
  const table = page.locator('#ar-table');
  await expect(table.locator('[part=root]')).toHaveAttribute('dir', 'rtl');
  await expect(table.locator('.cw-card').first()).toContainText('شهريًا');
  await expect(table.getByRole('radio', { name: 'سنوي' })).toBeVisible();
});

test('Arabic lays the hosted checkout out right to left, and passes the axe audit', async ({ page, request, baseURL }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(`/checkout/${await session(request, baseURL, 'pro-monthly')}?locale=ar`);
  await expect(page.getByRole('heading', { name: 'تفاصيل الدفع' })).toBeVisible();
  // The summary comes first in the document, so in a mirrored layout it sits on the right.
  const summary = await page.locator('.co-summary').boundingBox();
  const form = await page.locator('.co-pay').boundingBox();
  expect(summary.x).toBeGreaterThan(form.x);
  // Labels start at the right edge of their fields; card numbers still read left to right.
  const label = await page.locator('label[for=email]').boundingBox();
  const input = await page.locator('#email').boundingBox();
  expect(Math.abs(label.x + label.width - (input.x + input.width))).toBeLessThan(2);
  await expect(page.locator('#card-number')).toHaveCSS('direction', 'ltr');
  // Nothing scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: path.join(shots, 'checkout-ar.png') });
  await expectNoAxeViolations(page, 'the hosted checkout in Arabic');
  // At 320 px the mirrored page still fits.
  await page.setViewportSize({ width: 320, height: 700 });
  await expect(page.getByRole('heading', { name: 'تفاصيل الدفع' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  // Overflow to the left does not scroll, so look at the text itself: every
  // label and amount of the summary stays inside its card.
  const outside = await page.evaluate(() => {
    const card = document.querySelector('.co-summary').getBoundingClientRect();
    return [...document.querySelectorAll('.co-summary dt, .co-summary dd, .co-line-amount, .co-hero-sub')]
      .filter((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const text = range.getBoundingClientRect();
        return text.left < card.left || text.right > card.right;
      })
      .map((el) => el.textContent);
  });
  expect(outside).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'checkout-ar-320.png'), fullPage: true });
});

// The catalogs other than English are files beside the bundles
// (dist/locales/{widget,page}.{lang}.json), fetched only when a locale needs them.

/** A plain page with one French element, as a merchant writes it. */
async function frenchEmbed(page) {
  await page.goto('/examples/plain.html');
  await page.evaluate(() => {
    const widget = document.createElement('checkout-widget');
    widget.id = 'fr-widget';
    widget.setAttribute('locale', 'fr-FR');
    widget.setAttribute('price-slug', 'onboarding');
    widget.setAttribute('success-url', '/success?session_id={CHECKOUT_SESSION_ID}');
    widget.setAttribute('cancel-url', '/cancel');
    document.querySelector('main').append(widget);
  });
  return page.locator('#fr-widget');
}

test('French words arrive before the first paint: the embed waits for its catalog, the hosted page too', async ({ page }) => {
  const fetched = [];
  // A slow catalog: the element must hold its skeleton, never show English first.
  await page.route('**/locales/*.json', async (route) => {
    fetched.push(new URL(route.request().url()).pathname);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await route.continue();
  });
  const widget = await frenchEmbed(page);
  const button = widget.getByRole('button');
  await expect(button).toBeVisible();
  // The first text the button ever had is already French.
  expect(await button.textContent()).toBe('Acheter');
  expect(fetched).toEqual(['/locales/widget.fr.json']);
  await expect(widget.locator('[part=root]')).toHaveAttribute('lang', 'fr');
  await widget.screenshot({ path: path.join(shots, 'embed-fr.png') });

  await button.click();
  await page.waitForURL(/\/checkout\/cs_[0-9a-f]{32}\?locale=fr-FR$/);
  // Nothing English painted before the French heading: the page mounts once its words are here.
  await expect(page.getByRole('heading', { name: 'Informations de paiement' })).toBeVisible();
  await expect(page.locator('body')).not.toContainText('Payment details');
  await page.screenshot({ path: path.join(shots, 'checkout-fr.png') });
  expect(fetched).toEqual(expect.arrayContaining(['/locales/page.fr.json', '/locales/widget.fr.json']));
});

test('English needs no catalog file', async ({ page }) => {
  const fetched = [];
  page.on('request', (request) => {
    if (request.url().includes('/locales/')) fetched.push(request.url());
  });
  await page.goto('/examples/plain.html');
  await expect(page.locator('checkout-widget').first().getByRole('button')).toHaveText('Buy now');
  expect(fetched).toEqual([]);
});

test('a failed catalog fetch falls back to English and the checkout still goes through', async ({ page }) => {
  await page.route('**/locales/*.json', (route) => route.abort());
  const widget = await frenchEmbed(page);
  // English words, French amounts (Intl needs no catalog).
  await expect(widget.getByRole('button')).toHaveText('Buy now');
  await expect(widget.locator('.cw-card')).toContainText('49,00');
  await widget.getByRole('button').click();
  await page.waitForURL(/\/checkout\/cs_[0-9a-f]{32}\?locale=fr-FR$/);
  await expect(page.getByRole('heading', { name: 'Payment details' })).toBeVisible();
  await fillPayment(page, { number: '4242 4242 4242 4242' });
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\/success\?session_id=cs_/);
  expect(sessionIdFrom(page.url())).toMatch(/^cs_[0-9a-f]{32}$/);
});
