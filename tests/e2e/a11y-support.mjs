// Accessibility helpers for the end-to-end specs: axe-core run inside the real
// pages (and their same-origin frames), and what a keyboard user sees.
import { expect } from '@playwright/test';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.0 and 2.1 level A and AA rules: what the widget promises. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Loads axe-core into the page and every frame in it. The pages run under a
 * strict CSP (`script-src 'self'`), which blocks an inline `<script>`; code
 * evaluated through the DevTools protocol is not a page script, so the CSP
 * stays on and still guards everything the page itself does.
 */
async function injectAxe(page) {
  for (const frame of page.frames()) {
    await frame.evaluate(`(() => { if (!window.axe) { ${AXE_SOURCE}\n } })()`);
  }
}

/** One line per failing node: rule, impact, where, and what is wrong. */
export function describeViolations(violations) {
  return violations
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `[${v.impact}] ${v.id}: ${v.help}\n    at ${JSON.stringify(n.target)}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`,
      ),
    )
    .join('\n');
}

/**
 * Runs axe on the whole page (open shadow roots and same-origin iframes
 * included) with the WCAG 2.0/2.1 A and AA rules and returns the violations.
 */
export async function axeViolations(page, { exclude = [] } = {}) {
  await injectAxe(page);
  const results = await page.evaluate(
    ({ tags, exclude }) =>
      window.axe.run(exclude.length ? { include: [document], exclude } : document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
        iframes: true,
      }),
    { tags: WCAG_TAGS, exclude },
  );
  return results.violations;
}

/**
 * Fails with every violation's id, impact, target and summary. `exclude`
 * (axe selectors) leaves parts out that another check covers.
 */
export async function expectNoAxeViolations(page, what, options) {
  const violations = await axeViolations(page, options);
  expect(violations, `axe found WCAG 2.1 AA violations on ${what}:\n${describeViolations(violations)}`).toEqual([]);
}

/**
 * The focused element (through open shadow roots) and the focus indicator it
 * shows: its own outline or box-shadow, or — for a visually hidden radio
 * button styled as a pill — that of the pill beside it.
 */
export function focusedElement(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const hidden = getComputedStyle(el).opacity === '0';
    const shown = hidden && el.nextElementSibling ? el.nextElementSibling : el;
    const style = getComputedStyle(shown);
    const box = shown.getBoundingClientRect();
    const name = (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || '').trim().replace(/\s+/g, ' ');
    return {
      tag: el.localName,
      id: el.id,
      type: el.getAttribute('type') ?? '',
      name,
      inShadowRoot: el.getRootNode() !== document,
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth) || 0,
      outlineColor: style.outlineColor,
      boxShadow: style.boxShadow,
      visible: box.width > 0 && box.height > 0,
    };
  });
}

/** A short name for a focused element, for messages and lists. */
export const describeFocus = (f) =>
  f ? `${f.tag}${f.tag === 'input' && f.type ? `[${f.type}]` : ''}${f.id ? `#${f.id}` : ''} “${f.name}”` : 'nothing';

/** Asserts the focused element shows a focus indicator: a ≥ 2 px outline or a box-shadow. */
export function expectFocusIndicator(focused) {
  expect(focused, 'something has focus').not.toBeNull();
  expect(focused.visible, `${describeFocus(focused)} is on screen`).toBe(true);
  const outline =
    focused.outlineStyle !== 'none' && focused.outlineWidth >= 2 && !/rgba\(.*,\s*0\)$|transparent/.test(focused.outlineColor);
  const shadow = focused.boxShadow !== 'none';
  expect(
    outline || shadow,
    `${describeFocus(focused)} shows no focus indicator (outline ${focused.outlineStyle} ${focused.outlineWidth}px ${focused.outlineColor}, box-shadow ${focused.boxShadow})`,
  ).toBe(true);
}

/**
 * Presses Tab from the top of a freshly loaded page until focus comes back to
 * where it started (or leaves the page), checking the focus indicator at
 * every stop; returns the stops in order.
 */
export async function tabThroughPage(page, limit = 80) {
  const stops = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await focusedElement(page);
    if (!focused) {
      if (stops.length > 0) break; // past the last control, into the browser's UI
      continue;
    }
    const key = describeFocus(focused);
    if (stops.length > 0 && key === stops[0]) break;
    expectFocusIndicator(focused);
    stops.push(key);
  }
  return stops;
}

/**
 * Records what screen readers would announce: every change of text in a live
 * region (`aria-live`, `role="alert"`, `role="status"`), once per change, as
 * `{politeness, text}`. Install before the page loads; read with `announcements`.
 */
export async function recordAnnouncements(page) {
  await page.addInitScript(() => {
    window.__announcements = [];
    const lastText = new WeakMap();
    const politenessOf = (el) => {
      const role = el.getAttribute('role');
      const live = el.getAttribute('aria-live');
      if (live === 'off') return null;
      if (live) return live;
      if (role === 'alert') return 'assertive';
      if (role === 'status') return 'polite';
      return null;
    };
    const regionOf = (node) => {
      for (let el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement; el; el = el.parentElement) {
        const politeness = politenessOf(el);
        if (politeness) return [el, politeness];
      }
      return null;
    };
    new MutationObserver((records) => {
      const touched = new Map();
      for (const record of records) {
        const found = regionOf(record.target);
        if (found) touched.set(found[0], found[1]);
        // An alert inserted with its message already in it is announced too.
        for (const node of record.addedNodes) {
          if (node.nodeType !== Node.ELEMENT_NODE) continue;
          for (const el of [node, ...node.querySelectorAll('[role=alert]')]) {
            if (el.getAttribute('role') === 'alert') touched.set(el, 'assertive');
          }
        }
      }
      for (const [el, politeness] of touched) {
        const text = el.textContent.trim().replace(/\s+/g, ' ');
        if (text && text !== lastText.get(el)) window.__announcements.push({ politeness, text });
        lastText.set(el, text);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

/** What was announced since the last call (and forgets it). */
export function takeAnnouncements(page) {
  return page.evaluate(() => window.__announcements.splice(0));
}
