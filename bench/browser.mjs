// Browser measurements of `cargo xtask bench`, in Debian's headless Chromium
// through Playwright (from the root package.json), against reference servers
// that xtask started on loopback:
//   OURS_URL      demo catalog, route prefix /api/billing (our widget)
//   BASELINE_URL  demo catalog, route prefix /api/flowglad (@flowglad/react's default)
//   BIG_URL       generated catalog (100 products, 2 prices each)
//   REACT_DIR     the esbuild output of the React baseline (index.html, app.js)
//   CATALOG       the generated catalog file (for the line-item session)
//   RUNS          timed runs per variant (default 20)
//   OUT           result file (format: lib.mjs)
// Every figure is written with a note saying how it was taken; xtask turns
// the samples into medians and percentiles and prints the table.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Results, compressedSizes, env, kb, postJson, request } from './lib.mjs';

const OURS = env('OURS_URL');
const BASELINE = env('BASELINE_URL');
const BIG = env('BIG_URL');
const REACT_DIR = env('REACT_DIR');
const CATALOG = JSON.parse(readFileSync(env('CATALOG'), 'utf8'));
const RUNS = Math.max(1, Number(env('RUNS', '20')));
const out = new Results(env('OUT'));

const TIMEOUT = 20_000;
const PLAIN = '/examples/plain.html';
const OVERLAY = '/examples/overlay.html';
const BASELINE_PAGE = '/bench/react/index.html';
const TABLE_PAGE = '/bench/pricing-table.html';
const TABLE_CARDS = CATALOG.products.length;

// The launch flags of shared/design/TOOLCHAIN.md; Playwright adds --headless.
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
});
out.note('browser', `Chromium ${browser.version()} headless, Playwright, 2 cores shared with the servers`);

// ---------------------------------------------------------------------------
// In-page instrumentation. Runs before any page script in every document of a
// bench context and reports through the `__benchReport` binding:
//   click          the merchant page's click (epoch ms), captured before the widget sees it
//   fcp            first-contentful-paint of each document (epoch ms and since its navigationStart)
//   checkout-ready the widget's event reached document (ms since navigationStart)
//   ready          ready button: ours = after checkout-ready, a [part~=button] with
//                  aria-disabled="false" and a [part~=amount] showing digits;
//                  baseline = #buy enabled and #price showing digits
//   cards          the pricing table shows `cards` prices ([part~=amount])
//   hosted-ready   on /checkout/…: a Pay / Start trial submit button, enabled
//                  (and `lines` .co-line items when asked)
//   card-input     the card number field took a keystroke (epoch ms and since
//                  its document's navigationStart), in any frame
// Shadow roots are watched by wrapping attachShadow, so a MutationObserver sees
// the widget's DOM the moment it changes (no polling, no frame quantisation).
function benchInit(opts) {
  const CARD_INPUT = 'input[autocomplete="cc-number"]';
  const reported = new Set();
  // `many`: a report that may come again in the same document (a second click).
  const report = (name, value, many = false) => {
    if (reported.has(name) && !many) return;
    reported.add(name);
    try {
      window.__benchReport(name, value);
    } catch {
      // the binding is missing only outside a bench context
    }
  };
  const now = () => performance.now();
  const epoch = (t) => performance.timeOrigin + t;
  addEventListener('click', () => report('click', { epoch: epoch(now()), path: location.pathname }, true), true);
  // The card number field accepted a keystroke (the bench types one digit):
  // the moment a customer could start typing their card.
  addEventListener(
    'input',
    (e) => {
      if (e.target?.matches?.(CARD_INPUT)) {
        report('card-input', { epoch: epoch(now()), rel: now(), value: e.target.value, path: location.pathname });
      }
    },
    true,
  );
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name === 'first-contentful-paint') {
          report('fcp', { epoch: epoch(e.startTime), rel: e.startTime, path: location.pathname });
        }
      }
    }).observe({ type: 'paint', buffered: true });
  } catch {
    // no paint timing: fcp stays unreported and the run says so
  }

  const roots = [document];
  const checks = [];
  const run = () => {
    for (const check of checks) check();
  };
  const watch = (node) =>
    new MutationObserver(run).observe(node, { subtree: true, childList: true, attributes: true, characterData: true });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = attach.call(this, init);
    roots.push(root);
    watch(root);
    return root;
  };
  watch(document);
  const all = (selector) => roots.flatMap((root) => [...root.querySelectorAll(selector)]);
  const digits = (el) => el && /\d/.test(el.textContent);
  let sawReady = false;
  document.addEventListener('checkout-ready', () => {
    sawReady = true;
    report('checkout-ready', now());
    run();
  });

  if (opts.mode === 'widget') {
    checks.push(() => {
      if (reported.has('ready') || !sawReady) return;
      const button = all('[part~="button"]').some((b) => b.getAttribute('aria-disabled') === 'false' && !b.disabled);
      if (button && all('[part~="amount"]').some(digits)) report('ready', now());
    });
  }
  if (opts.mode === 'baseline') {
    checks.push(() => {
      if (reported.has('ready')) return;
      const button = document.querySelector('#buy');
      if (button && !button.disabled && digits(document.querySelector('#price'))) report('ready', now());
    });
  }
  if (opts.mode === 'table') {
    checks.push(() => {
      if (!reported.has('cards') && all('[part~="amount"]').filter(digits).length >= opts.cards) {
        report('cards', now());
      }
    });
  }
  if (location.pathname.startsWith('/checkout/')) {
    checks.push(() => {
      if (reported.has('hosted-ready')) return;
      if (opts.lines && document.querySelectorAll('.co-line').length < opts.lines) return;
      const pay = all('button[type="submit"]').some(
        (b) => /^\s*(Pay|Start trial)/.test(b.textContent) && b.getAttribute('aria-disabled') !== 'true' && !b.disabled,
      );
      if (pay) report('hosted-ready', now());
    });
  }
}

/** A fresh browser context (its own empty cache) with the instrumentation. */
async function benchContext(opts, routes) {
  const context = await browser.newContext();
  const events = new Map();
  const waiting = [];
  await context.exposeBinding('__benchReport', (_source, name, value) => {
    if (!events.has(name)) events.set(name, []);
    events.get(name).push(value);
    for (const w of [...waiting]) {
      if (w.name === name && w.accept(value)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(value);
      }
    }
  });
  await context.addInitScript(benchInit, opts);
  if (routes) await routes(context);
  /** Resolves with the first report `name` that `accept`s, past or future. */
  const next = (name, accept = () => true, timeout = TIMEOUT) => {
    const seen = (events.get(name) ?? []).find(accept);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { name, accept, resolve };
      waiting.push(w);
      setTimeout(() => {
        const i = waiting.indexOf(w);
        if (i >= 0) {
          waiting.splice(i, 1);
          reject(new Error(`no "${name}" report within ${timeout / 1000} s`));
        }
      }, timeout);
    });
  };
  return { context, next };
}

// The baseline's files, served on the server's origin through page routes so
// that the SDK's relative /api/flowglad calls reach the reference server.
const reactFiles = {
  'index.html': { body: readFileSync(path.join(REACT_DIR, 'index.html')), type: 'text/html; charset=utf-8' },
  'app.js': { body: readFileSync(path.join(REACT_DIR, 'app.js')), type: 'text/javascript; charset=utf-8' },
};
const routedUrls = new Set(Object.keys(reactFiles).map((name) => `${BASELINE}/bench/react/${name}`));
async function baselineRoutes(context) {
  await context.route(`${BASELINE}/bench/react/*`, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    const file = reactFiles[name];
    if (!file) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: file.type, body: file.body });
  });
}

const tableHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pricing table bench</title>
<script type="module" src="/checkout-widget.js"></script></head>
<body><checkout-pricing-table success-url="/success?session_id={CHECKOUT_SESSION_ID}" cancel-url="/cancel"></checkout-pricing-table></body></html>`;
async function tableRoutes(context) {
  await context.route(`${BIG}${TABLE_PAGE}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: tableHtml }),
  );
}

async function createSession(base, body) {
  const res = await postJson(`${base}/api/billing/checkout-sessions/create`, {
    successUrl: `${base}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${base}/cancel`,
    ...body,
  });
  if (res.status !== 200 || !res.json?.data?.url) {
    const message = res.json?.error?.json?.message ?? res.json?.message ?? JSON.stringify(res.json);
    throw new Error(`checkout-sessions/create answered ${res.status}: ${message}`);
  }
  return res.json.data;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

// ---------------------------------------------------------------------------
// Payload: everything Chromium downloads until the page is ready (and the
// network is idle), split into the page's own files, the API JSON and the
// rest; each counted decoded, gzip -9, brotli q11 (node zlib), as the server
// sends it with `Accept-Encoding: br`, and as Chromium received it.

async function payload(key, { url, opts, routes, readyEvent, exclude }) {
  const { context, next } = await benchContext(opts, routes);
  const page = await context.newPage();
  const pending = [];
  page.on('requestfinished', (req) => {
    pending.push(
      (async () => {
        const res = await req.response();
        if (!res || req.url().startsWith('data:')) return null;
        const body = await res.body().catch(() => Buffer.alloc(0));
        const sizes = await req.sizes().catch(() => null);
        return {
          url: req.url(),
          navigation: req.isNavigationRequest() && req.frame() === page.mainFrame(),
          type: res.headers()['content-type'] ?? '',
          encoding: res.headers()['content-encoding'] ?? 'identity',
          status: res.status(),
          body,
          received: sizes ? sizes.responseBodySize : NaN,
        };
      })(),
    );
  });
  await page.goto(url);
  const notReady = await next(readyEvent).then(() => null, (e) => e);
  await page.waitForLoadState('networkidle').catch(() => {});
  const ownLinks = exclude ? await page.evaluate(() => [...document.querySelectorAll('link[href], img[src]')].map((l) => l.href || l.src)) : [];
  const responses = (await Promise.all(pending)).filter(Boolean);
  await context.close();

  const broken = responses.filter((r) => r.status >= 400);
  if (broken.length > 0) {
    throw new Error(`${key}: ${broken.map((r) => `${new URL(r.url).pathname} answered ${r.status}`).join(', ')}`);
  }
  if (notReady) throw notReady;
  const api = [];
  const files = [];
  for (const r of responses) {
    const pathname = new URL(r.url).pathname;
    if (pathname.startsWith('/api/') || /json/.test(r.type)) api.push(r);
    else if (exclude && (r.navigation || ownLinks.includes(r.url))) continue;
    else files.push(r);
  }
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  let served = 0;
  let servedKnown = true;
  let received = 0;
  const names = [];
  const encodings = new Set();
  for (const f of files) {
    const sizes = compressedSizes(f.body);
    raw += f.body.length;
    gzip += sizes.gzip;
    brotli += sizes.brotli;
    received += f.received;
    encodings.add(f.encoding);
    if (routedUrls.has(f.url)) {
      servedKnown = false;
    } else {
      const res = await request(f.url, { headers: { 'Accept-Encoding': 'br' } });
      served += res.bytes;
    }
    names.push(`${new URL(f.url).pathname} ${kb(f.body.length)}`);
  }
  out.value(`${key}.raw`, raw);
  out.value(`${key}.gzip`, gzip);
  out.value(`${key}.brotli`, brotli);
  if (servedKnown) out.value(`${key}.served_br`, served);
  out.value(`${key}.received`, received);
  out.value(`${key}.files`, files.length);
  out.note(`${key}.files`, names.join(', '));
  out.note(`${key}.received`, `Chromium received ${kb(received)} of bodies (content-encoding: ${[...encodings].join(', ')})`);
  const apiBytes = api.reduce((sum, r) => sum + r.body.length, 0);
  out.value(`${key}.api_bytes`, apiBytes);
  out.value(`${key}.api_count`, api.length);
  out.note(`${key}.api`, api.map((r) => `${new URL(r.url).pathname} ${kb(r.body.length)}`).join(', ') || 'none');
  console.log(`    ${key}: ${files.length} files, ${kb(raw)} raw, ${kb(brotli)} brotli; API ${api.length} × ${kb(apiBytes)}`);
}

/**
 * Where the time to ready went, from Resource Timing (ms since navigationStart):
 * the document, the last script, the last wasm, and the first API call.
 */
function phasesOfLoad() {
  const nav = performance.getEntriesByType('navigation')[0];
  const entries = performance.getEntriesByType('resource');
  const path = (e) => new URL(e.name).pathname;
  const last = (pred) => {
    const ends = entries.filter(pred).map((e) => e.responseEnd);
    return ends.length ? Math.max(...ends) : NaN;
  };
  const api = entries.filter((e) => path(e).startsWith('/api/')).sort((a, b) => a.startTime - b.startTime)[0];
  return {
    document: nav ? nav.responseEnd : NaN,
    scripts: last((e) => /\.m?js$/.test(path(e))),
    wasm: last((e) => /\.wasm$/.test(path(e))),
    api_start: api ? api.startTime : NaN,
    api_end: api ? api.responseEnd : NaN,
  };
}

// ---------------------------------------------------------------------------
// Timed runs: navigation → ready button (cold: a new context per run), then a
// click on the button → first contentful paint of the hosted page, and the
// hosted page's own time to an enabled Pay button.

async function timedRun({ url, opts, routes, button, clearBeforeClick }) {
  const { context, next } = await benchContext(opts, routes);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(url, { waitUntil: 'commit' });
    const ready = await next('ready');
    const event = opts.mode === 'widget' ? await next('checkout-ready') : NaN;
    const phases = await page.evaluate(phasesOfLoad);
    if (clearBeforeClick) await cdp.send('Network.clearBrowserCache');
    await page.locator(button).click();
    // Typing starts at once: Playwright waits for the field on the hosted
    // page the click leads to, and presses as soon as it can.
    const typed = typeDigit(page);
    // Awaited below; this only keeps an earlier failure from leaving its
    // rejection unhandled (which would end the whole script).
    typed.catch(() => {});
    const click = await next('click');
    const fcp = await next('fcp', (v) => v.path.startsWith('/checkout/'));
    const hosted = await next('hosted-ready');
    await typed;
    const input = await next('card-input', (v) => v.epoch >= click.epoch);
    return {
      ready,
      event,
      phases,
      clickToFcp: fcp.epoch - click.epoch,
      hostedFcp: fcp.rel,
      hostedReady: hosted,
      clickToUsable: input.epoch - click.epoch,
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// "Usable": the card number field is visible, enabled and takes a keystroke.
// Playwright presses one digit as soon as its actionability checks pass
// (attached, visible, enabled, stable); the field's own `input` event gives
// the time, and the value is read back to prove the digit arrived.

const CARD = 'input[autocomplete="cc-number"]';

/** Types `4` into the card number field of `root` (a page or a frame locator) and checks it is there. */
async function typeDigit(root) {
  const field = root.locator(CARD);
  await field.press('4', { timeout: TIMEOUT });
  const value = await field.inputValue({ timeout: TIMEOUT });
  if (!value.includes('4')) throw new Error(`the card number field reads "${value}" after typing 4`);
}

/**
 * Overlay mode on /examples/overlay.html: click → card field usable inside
 * the checkout frame, cold (a new context), then closed and opened again in
 * the same context (warm: the HTTP cache holds the hosted page's files).
 */
async function overlayRun() {
  const { context, next } = await benchContext({ mode: 'widget' });
  try {
    const page = await context.newPage();
    await page.goto(`${OURS}${OVERLAY}`, { waitUntil: 'commit' });
    await next('ready');
    const widget = page.locator('#lifetime');
    const frame = page.frameLocator('iframe[title="Checkout"]');
    const times = [];
    let last = 0;
    for (let open = 0; open < 2; open++) {
      await widget.locator('[part~="button"][aria-disabled="false"]').click({ timeout: TIMEOUT });
      const typed = typeDigit(frame);
      typed.catch(() => {}); // awaited below (see timedRun)
      const click = await next('click', (v) => v.epoch > last);
      await typed;
      const input = await next('card-input', (v) => v.epoch >= click.epoch);
      times.push(input.epoch - click.epoch);
      if (open === 0) {
        await widget.getByRole('button', { name: 'Close checkout' }).click({ timeout: TIMEOUT });
        // The × is a click on the page too: the next open starts after it.
        last = (await next('click', (v) => v.epoch > click.epoch)).epoch;
        await page.locator('iframe[title="Checkout"]').waitFor({ state: 'detached', timeout: TIMEOUT });
      }
    }
    return { cold: times[0], warm: times[1] };
  } finally {
    await context.close();
  }
}

/**
 * The hosted page opened directly (a link in an email, a redirect from the
 * merchant's server): navigationStart → card field usable, in a new context
 * (cold) and then for a second session in the same context (warm).
 */
async function hostedRun() {
  const sessions = [
    await createSession(OURS, { priceSlug: 'onboarding' }),
    await createSession(OURS, { priceSlug: 'onboarding' }),
  ];
  const { context, next } = await benchContext({ mode: 'hosted' });
  try {
    const page = await context.newPage();
    const times = [];
    for (const session of sessions) {
      const path = new URL(session.url).pathname;
      await page.goto(session.url, { waitUntil: 'commit' });
      await typeDigit(page);
      const input = await next('card-input', (v) => v.path === path);
      times.push(input.rel);
    }
    return { cold: times[0], warm: times[1] };
  } finally {
    await context.close();
  }
}

const ours = {
  url: `${OURS}${PLAIN}`,
  opts: { mode: 'widget' },
  button: 'checkout-widget [part~="button"]',
};
const baseline = {
  url: `${BASELINE}${BASELINE_PAGE}`,
  opts: { mode: 'baseline' },
  routes: baselineRoutes,
  button: '#buy',
};

async function timings() {
  const series = {};
  const push = (key, v) => (series[key] ??= []).push(v);
  const failures = {};
  const variants = [
    ['ours', { ...ours, clearBeforeClick: true }, 'cold'],
    ['baseline', { ...baseline, clearBeforeClick: true }, 'cold'],
    ['ours', { ...ours, clearBeforeClick: false }, 'warm'],
  ];
  // One untimed run of each first: the first context of a browser pays for
  // process start-up that no later run sees.
  for (const [, variant] of variants) await timedRun(variant).catch(() => {});
  await overlayRun().catch(() => {});
  await hostedRun().catch(() => {});
  const attempt = async (who, fn) => {
    try {
      await fn();
    } catch (e) {
      failures[who] = (failures[who] ?? 0) + 1;
      out.note(`${who}.timing_error`, e.message.split('\n')[0]);
    }
  };
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so drift on the machine spreads over both sides.
    for (const [who, variant, hosted] of variants) {
      await attempt(who, async () => {
        const r = await timedRun(variant);
        push(`${who}.ready_ms`, r.ready);
        if (Number.isFinite(r.event)) push(`${who}.ready_event_ms`, r.event);
        for (const [phase, t] of Object.entries(r.phases)) {
          if (Number.isFinite(t)) push(`${who}.phase.${phase}_ms`, t);
        }
        push(`${who}.click_fcp_${hosted}_ms`, r.clickToFcp);
        push(`${who}.hosted_fcp_${hosted}_ms`, r.hostedFcp);
        push(`${who}.hosted_ready_${hosted}_ms`, r.hostedReady);
        push(`${who}.redirect_usable_${hosted}_ms`, r.clickToUsable);
      });
    }
    await attempt('ours', async () => {
      const r = await overlayRun();
      push('ours.overlay_usable_cold_ms', r.cold);
      push('ours.overlay_usable_warm_ms', r.warm);
    });
    await attempt('ours', async () => {
      const r = await hostedRun();
      push('ours.hosted_usable_cold_ms', r.cold);
      push('ours.hosted_usable_warm_ms', r.warm);
    });
    if ((i + 1) % 5 === 0 || i + 1 === RUNS) console.log(`    timed runs: ${i + 1}/${RUNS}`);
  }
  for (const [key, xs] of Object.entries(series)) out.samples(key, xs);
  for (const [who, n] of Object.entries(failures)) out.value(`${who}.timing_failures`, n);
  const m = (k) => (series[k] ? `${median(series[k]).toFixed(0)} ms` : 'n/a');
  console.log(
    `    ready: ours ${m('ours.ready_ms')}, baseline ${m('baseline.ready_ms')}; click→FCP cold: ours ${m('ours.click_fcp_cold_ms')}, baseline ${m('baseline.click_fcp_cold_ms')}`,
  );
  console.log(
    `    click→card usable: overlay ${m('ours.overlay_usable_cold_ms')} cold, ${m('ours.overlay_usable_warm_ms')} warm; redirect ${m('ours.redirect_usable_cold_ms')} cold (baseline ${m('baseline.redirect_usable_cold_ms')}); hosted page ${m('ours.hosted_usable_cold_ms')} cold, ${m('ours.hosted_usable_warm_ms')} warm`,
  );
}

// ---------------------------------------------------------------------------
// Memory after load (after a forced GC): the JS heap from CDP, and every
// WebAssembly.Memory in the page found with Runtime.queryObjects on its
// prototype (the glue keeps the module's memory private; no global needed).

async function memory(who, variant, runs = 3) {
  const heap = [];
  const wasm = [];
  for (let i = 0; i < runs; i++) {
    const { context, next } = await benchContext(variant.opts, variant.routes);
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await page.goto(variant.url);
      await next('ready');
      await page.waitForLoadState('networkidle').catch(() => {});
      await cdp.send('HeapProfiler.enable');
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('Performance.enable');
      const { metrics } = await cdp.send('Performance.getMetrics');
      heap.push(metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? NaN);
      const proto = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
      const found = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
      const sizes = await cdp.send('Runtime.callFunctionOn', {
        objectId: found.objects.objectId,
        functionDeclaration: 'function () { return this.map((m) => m.buffer.byteLength); }',
        returnByValue: true,
      });
      const list = sizes.result.value ?? [];
      wasm.push(list.reduce((a, b) => a + b, 0));
      if (i === 0) out.value(`${who}.wasm_memories`, list.length);
    } finally {
      await context.close();
    }
  }
  out.samples(`${who}.js_heap`, heap);
  out.samples(`${who}.wasm_memory`, wasm);
  console.log(`    ${who}: JS heap ${kb(median(heap))}, wasm memory ${kb(median(wasm))}`);
}

// ---------------------------------------------------------------------------
// Large renders: a pricing table of every product of the generated catalog,
// and a hosted page with as many line items as the server accepts (aiming at 200).

async function pricingTable(runs = 5) {
  const xs = [];
  for (let i = 0; i < runs + 1; i++) {
    const { context, next } = await benchContext({ mode: 'table', cards: TABLE_CARDS }, tableRoutes);
    try {
      const page = await context.newPage();
      await page.goto(`${BIG}${TABLE_PAGE}`, { waitUntil: 'commit' });
      const t = await next('cards', () => true, 60_000);
      if (i > 0) xs.push(t); // the first run warms the browser up
    } finally {
      await context.close();
    }
  }
  out.samples('ours.pricing_table_ms', xs);
  out.value('ours.pricing_table_cards', TABLE_CARDS);
  console.log(`    pricing table of ${TABLE_CARDS}: ${median(xs).toFixed(0)} ms`);
}

async function lineItems(runs = 5) {
  const prices = CATALOG.products.flatMap((p) => p.prices.map((x) => x.slug));
  let want = Math.min(200, prices.length);
  let session;
  try {
    session = await createSession(BIG, { lineItems: prices.slice(0, want).map((slug) => ({ priceSlug: slug })) });
  } catch (e) {
    const cap = /at most (\d+) line items/.exec(e.message);
    if (!cap) throw e;
    out.note('ours.line_items.refused', `the server refuses ${want} line items (${e.message.replace(/^.*?: /, '')}); measured at its maximum, ${cap[1]}`);
    want = Number(cap[1]);
    session = await createSession(BIG, { lineItems: prices.slice(0, want).map((slug) => ({ priceSlug: slug })) });
  }
  const xs = [];
  for (let i = 0; i < runs + 1; i++) {
    const { context, next } = await benchContext({ mode: 'lines', lines: want });
    try {
      const page = await context.newPage();
      await page.goto(session.url, { waitUntil: 'commit' });
      const t = await next('hosted-ready', () => true, 60_000);
      if (i > 0) xs.push(t);
    } finally {
      await context.close();
    }
  }
  out.samples('ours.line_items_ms', xs);
  out.value('ours.line_items', want);
  console.log(`    hosted page with ${want} line items: ${median(xs).toFixed(0)} ms`);
}

// ---------------------------------------------------------------------------

async function section(title, fn) {
  console.log(`  - ${title}`);
  const start = performance.now();
  try {
    await fn();
  } catch (e) {
    console.log(`    FAILED: ${e.message.split('\n')[0]}`);
    out.note(`error.${title}`, e.message.split('\n')[0]);
  }
  console.log(`    (${((performance.now() - start) / 1000).toFixed(1)} s)`);
}

try {
  await section('payload of the embed (ours)', () =>
    payload('ours.embed', { url: ours.url, opts: ours.opts, readyEvent: 'ready', exclude: true }),
  );
  await section('payload of the baseline page', () =>
    payload('baseline.embed', { url: baseline.url, opts: baseline.opts, routes: baselineRoutes, readyEvent: 'ready', exclude: true }),
  );
  await section('payload of the hosted checkout page', async () => {
    const session = await createSession(OURS, { priceSlug: 'onboarding' });
    await payload('ours.hosted', { url: session.url, opts: { mode: 'hosted' }, readyEvent: 'hosted-ready', exclude: false });
  });
  await section(`timed runs (${RUNS} per variant, interleaved)`, timings);
  await section('memory after load (ours)', () => memory('ours', ours));
  await section('memory after load (baseline)', () => memory('baseline', baseline));
  await section(`pricing table with ${TABLE_CARDS} products`, () => pricingTable());
  await section('hosted page with many line items', () => lineItems());
} finally {
  await browser.close();
}
