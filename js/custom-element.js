// The embed's JS helpers. defineCustomElement: a custom element whose
// lifecycle callbacks call into Rust.
// wasm-bindgen cannot subclass HTMLElement, so this one class does it; it is
// shipped as a file (not eval'd), which keeps the widget within a strict CSP.
export function defineCustomElement(name, observedAttributes, connected, disconnected, changed) {
  if (customElements.get(name)) {
    return false;
  }
  class CheckoutElement extends HTMLElement {
    static get observedAttributes() {
      return observedAttributes;
    }
    connectedCallback() {
      connected(this);
    }
    disconnectedCallback() {
      disconnected(this);
    }
    attributeChangedCallback(attribute, oldValue, newValue) {
      if (oldValue !== newValue && this.isConnected) {
        changed(this, attribute);
      }
    }
  }
  customElements.define(name, CheckoutElement);
  return true;
}

// One POST to the billing route for the embed (src/embed/net.rs), settled
// either way: `{status, text}`, or `{status: 0, error}` with the failure's
// name (`TimeoutError` when `timeoutMs` ran out, `HeaderError` with the
// refused `header` name). One function here instead of a dozen imports of
// fetch's pieces in the wasm. `headers` is [name, value, name, value, …].
export function post(url, body, headers, timeoutMs, credentials) {
  const sent = new Headers();
  for (let i = 0; i < headers.length; i += 2) {
    try {
      sent.set(headers[i], headers[i + 1]);
    } catch {
      return Promise.resolve({ status: 0, error: 'HeaderError', header: headers[i] });
    }
  }
  const init = { method: 'POST', body, headers: sent, signal: AbortSignal.timeout(timeoutMs) };
  if (credentials) init.credentials = credentials;
  return fetch(url, init)
    .then(async (response) => ({ status: response.status, text: await response.text() }))
    .catch((error) => ({ status: 0, error: error?.name ?? 'NetworkError' }));
}

// Fires a bubbling, composed CustomEvent; false when a listener called
// preventDefault() on a cancelable one.
export function emit(target, name, detail, cancelable) {
  try {
    return target.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, cancelable, detail }));
  } catch {
    return true;
  }
}

let sheet;

// The open shadow root of `element` (attached if missing) with the widget's
// stylesheet adopted (one sheet shared by every root); null when the
// element cannot hold one.
export function widgetShadow(element, css) {
  let root;
  try {
    root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  } catch {
    return null;
  }
  try {
    if (!sheet) {
      const made = new CSSStyleSheet();
      made.replaceSync(css);
      sheet = made;
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Unstyled rather than not at all.
  }
  return root;
}

// Sets the page's own `overflow` (the root element's inline style), or
// removes it when `value` is empty; answers what it was.
export function rootOverflow(value) {
  const style = document.documentElement?.style;
  if (!style) return '';
  const was = style.getPropertyValue('overflow');
  if (value) style.setProperty('overflow', value);
  else style.removeProperty('overflow');
  return was;
}

// An element's height in whole pixels, through the CSSOM (allowed under
// `style-src 'self'`, unlike a style attribute).
export function setHeight(element, px) {
  element.style.setProperty('height', `${Math.ceil(px)}px`);
}

// A message event's data when it was posted by `frame`'s window from
// `origin`; undefined for anything else (another window, another origin, or
// the opaque "null" any sandboxed frame posts from).
export function frameData(event, frame, origin) {
  const from = event.source;
  return from != null && from === frame.contentWindow && event.origin !== 'null' && event.origin === origin
    ? event.data
    : undefined;
}

// The answer js/checkout-widget.js requested early for `url` (a Promise of
// `{status, text}` or `{status: 0, error}`), taken out of its map so it is
// used once; undefined when there is none.
export function takeEarly(url) {
  const early = globalThis[Symbol.for('checkout-widget.early')];
  const answer = early instanceof Map ? early.get(url) : undefined;
  early?.delete?.(url);
  return answer instanceof Promise ? answer : undefined;
}

// The overlay's modal dialog in `parent` (src/embed/frame.rs owns when it
// opens and closes): a close button, a status line, the hosted page framed
// from `src`; shown modal, the page behind kept from scrolling, the focused
// element (inside shadow roots too) remembered. The words: the dialog's
// label, the close button's, and why it cannot close mid-payment.
// `cancel(redirect)` is called once the customer asks to leave (Escape, ×,
// the browser closing the dialog) while no payment is processing. Answers
// `control`, with the frame as `control.frame`: `control(op)` with op 0
// (is a payment processing?), 1 / 2 (it started / stopped), 3 (say why it
// cannot close), 4 (close it: false if it was already), 5 (leave, without
// the cancel URL's redirect: false if it cannot). The ops are
// src/embed/frame.rs's `Overlay` constants.
export function openOverlay(parent, src, label, closeLabel, why, lang, dir, cancel) {
  const make = (tag, className, attributes) => {
    const element = document.createElement(tag);
    element.className = className;
    for (const name in attributes) element.setAttribute(name, attributes[name]);
    return element;
  };
  const dialog = make('dialog', 'cw-overlay', { part: 'dialog', 'aria-label': label, lang, dir });
  const close = make('button', 'cw-overlay-close', {
    type: 'button',
    part: 'close',
    'aria-label': closeLabel,
    'aria-disabled': 'false',
  });
  close.textContent = '×';
  // Says why the checkout stays open while a payment runs; the close button
  // points at it then.
  const status = make('p', 'cw-visually-hidden', { id: 'cw-overlay-busy', role: 'status' });
  const frame = make('iframe', 'cw-overlay-frame', { part: 'frame', title: label, src });
  dialog.append(close, status, frame);
  parent.append(dialog);
  let trigger = document.activeElement;
  while (trigger?.shadowRoot?.activeElement) trigger = trigger.shadowRoot.activeElement;
  const overflow = rootOverflow('hidden');
  let done = false;
  let processing = false;
  const show = () => {
    try {
      dialog.showModal();
    } catch {
      // Already open, or not connected: nothing to do.
    }
  };
  const busy = (on) => {
    close.setAttribute('aria-disabled', String(on));
    if (on) close.setAttribute('aria-describedby', status.id);
    else close.removeAttribute('aria-describedby');
    // Written anew on every refused close, so it is said again.
    status.textContent = '';
    status.textContent = on ? why : '';
  };
  // A cancel, unless a payment is processing; true when it closed.
  const leave = (redirect) => {
    if (done) return false;
    if (processing) {
      busy(true);
      return false;
    }
    cancel(redirect);
    return true;
  };
  // Escape: closed here, as a cancel (or not at all, mid-payment).
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    leave(true);
  });
  // A browser may close a modal dialog without a cancelable `cancel` (a
  // second Escape): mid-payment, show it again; else it was a cancel.
  dialog.addEventListener('close', () => {
    if (done) return;
    if (!processing) leave(true);
    else show();
  });
  close.addEventListener('click', () => leave(true));
  // A hosted page that loads again has no payment running: nor has the overlay.
  frame.addEventListener('load', () => {
    if (processing) {
      processing = false;
      busy(false);
    }
  });
  const control = (op) => {
    if (op === 0) return processing;
    if (op === 1 || op === 2) busy((processing = op === 1));
    else if (op === 3) busy(true);
    else if (op === 4) {
      if (done) return false;
      done = true;
      dialog.close();
      dialog.remove();
      rootOverflow(overflow);
      if (trigger instanceof HTMLElement) trigger.focus();
    } else if (op === 5) return leave(false);
    return true;
  };
  control.frame = frame;
  show();
  return control;
}

// 128 random bits as 32 hex digits from the browser's CSPRNG (an
// Idempotency-Key; `crypto.getRandomValues` works in insecure contexts
// too, unlike `randomUUID`). Without Web Crypto, the time and
// `Math.random` still tell calls apart. The same token as
// src/browser.rs `random_token`, in one import instead of four.
export function randomToken() {
  const bytes = new Uint8Array(16);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, Date.now(), true);
    view.setUint32(8, Math.random() * 0xffffffff, true);
  }
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

// The embed's executor (src/embed/promise.rs): `then(ok, value)` once
// `promise` settles.
export function settle(promise, then) {
  promise.then(
    (value) => then(true, value),
    (error) => then(false, error),
  );
}

// A pending Promise and `settle(ok, value)`, which resolves or rejects it.
export function deferred() {
  let settle;
  const promise = new Promise((resolve, reject) => {
    settle = (ok, value) => (ok ? resolve : reject)(value);
  });
  return [promise, settle];
}

// Runs `run` on the microtask queue.
export function later(run) {
  queueMicrotask(run);
}
