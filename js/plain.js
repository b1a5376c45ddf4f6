// See src/components/plain.rs, src/browser.rs, src/intl.rs, src/components/styles.rs, src/transport.rs.
export function listen(wrapper, handler) {
  const delegate = (event) => {
    const action = event.target instanceof Element ? event.target.closest('[data-action],button,input,select,textarea,a,dialog') : null;
    if (action && action !== wrapper && wrapper.contains(action)) handler(event, action);
  };
  for (const kind of ['click', 'change', 'input', 'keydown', 'cancel']) wrapper.addEventListener(kind, delegate, true);
}

export function redraw(wrapper, html) {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  const focused = active && wrapper.contains(active) ? active : null;
  const template = wrapper.ownerDocument.createElement('template');
  template.innerHTML = html;
  morph(wrapper, template.content);
  openDialogs(wrapper);
  if (focused?.id && !wrapper.contains(focused)) findById(wrapper, focused.id)?.focus();
}

export function openDialogs(wrapper) {
  let dialog;
  while ((dialog = wrapper.querySelector('dialog:not([open])'))) {
    try {
      dialog.showModal();
    } catch {
      break;
    }
  }
}

function findById(wrapper, id) {
  return [...wrapper.querySelectorAll('[id]')].find((element) => element.id === id) ?? null;
}

export function setValue(wrapper, id, value) {
  const input = findById(wrapper, id);
  if (input instanceof HTMLInputElement && input.value !== value) input.value = value;
}

export function inputValue(element) {
  return element instanceof HTMLInputElement ? element.value : undefined;
}

const radios = (group) => [...(group?.querySelectorAll('input[type=radio]') ?? [])];

export function checkRadio(wrapper, group, index) {
  radios(wrapper.querySelector(group)).forEach((radio, i) => {
    radio.checked = i === index;
  });
}

export function radioIndex(element, group) {
  return element.type === 'radio' ? radios(element.closest(group)).indexOf(element) : -1;
}

function morph(live, next) {
  let old = live.firstChild;
  let node;
  while ((node = next.firstChild)) {
    const after = old?.nextSibling;
    if (old && samePlace(old, node)) {
      patch(old, node);
      node.remove();
    } else if (old) {
      live.replaceChild(node, old);
    } else {
      live.appendChild(node);
    }
    old = after;
  }
  while (old) {
    const after = old.nextSibling;
    old.remove();
    old = after;
  }
}

function samePlace(live, next) {
  if (live.nodeType !== next.nodeType) return false;
  if (live.nodeType === Node.ELEMENT_NODE) return live.tagName === next.tagName && live.id === next.id;
  return live.nodeType === Node.TEXT_NODE;
}

function patch(live, next) {
  if (live.nodeType !== Node.ELEMENT_NODE) {
    if (live.nodeValue !== next.nodeValue) live.nodeValue = next.nodeValue;
    return;
  }
  for (const name of live.getAttributeNames()) {
    if (name !== 'open' && !next.hasAttribute(name)) live.removeAttribute(name);
  }
  for (const name of next.getAttributeNames()) {
    const value = next.getAttribute(name);
    if (live.getAttribute(name) !== value) live.setAttribute(name, value);
  }
  morph(live, next);
}

export function resolveUrl(input, placeholder) {
  try {
    const url = new URL(input, globalThis.location?.href);
    const encoded = encodeURI(placeholder);
    const href = url.href.replaceAll(encoded, placeholder).replaceAll(encoded.replace(/%7./g, (s) => s.toLowerCase()), placeholder);
    return [url.protocol, url.host, href].join('\n');
  } catch {}
}

export function withLocale(href, locale) {
  try {
    const url = new URL(href);
    url.searchParams.set('locale', locale);
    return url.href;
  } catch {
    return href;
  }
}

export function randomToken() {
  const bytes = new Uint8Array(16);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    bytes.forEach((_, i) => (bytes[i] = Math.random() * 256));
  }
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function languages() {
  return [navigator.language, ...(navigator.languages ?? [])].join('\n');
}

export function intl(kind, locale, currency, value) {
  const make = (locales) =>
    kind == 3
      ? new Intl.PluralRules(locales)
      : kind == 2
        ? new Intl.DateTimeFormat(locales, { dateStyle: 'medium' })
        : new Intl.NumberFormat(locales, kind == 0 ? { style: 'currency', currency } : {});
  try {
    let format;
    try {
      format = make(locale ? [locale] : []);
    } catch {
      format = make([]);
    }
    if (kind == 3) return format.select(value);
    if (kind == 2) return format.format(new Date(value));
    return format.format(kind == 0 ? value / 10 ** format.resolvedOptions().maximumFractionDigits : value);
  } catch {}
}

const pieces = [];
let sheet, text;

export function uses(chunk) {
  for (const piece of chunk.split('\n')) {
    pieces[piece.charCodeAt(0) - 48] = piece.slice(1);
  }
  const css = `@layer checkout-widget{${pieces.join('')}}`;
  if (sheet && css !== text) {
    sheet.replaceSync((text = css));
  }
}

export function adopt(base) {
  try {
    sheet ??= new CSSStyleSheet();
    uses(base);
    const adopted = document.adoptedStyleSheets;
    if (!adopted.includes(sheet)) {
      document.adoptedStyleSheets = [...adopted, sheet];
    }
  } catch {}
}

export function send(method, url, body, headers, credentials, timeoutMs) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const call = async () => {
    const sent = new Headers();
    for (let i = 0; i < headers.length; i += 2) sent.set(headers[i], headers[i + 1]);
    const response = await fetch(url, { method, body, headers: sent, credentials, signal: abort.signal });
    return [response.status, await response.text()];
  };
  return call()
    .catch(() => {
      throw abort.signal.aborted ? 'timeout' : 'network';
    })
    .finally(() => clearTimeout(timer));
}

export function restoreFocus(id) {
  let tries = 0;
  const attempt = () => {
    const active = document.activeElement;
    if (!active || active === document.body) {
      const target = document.getElementById(id);
      if (target instanceof HTMLElement) {
        target.focus();
        if (document.activeElement === target) return;
      }
    }
    if (++tries < 40) setTimeout(attempt, 50);
  };
  setTimeout(attempt, 0);
}
