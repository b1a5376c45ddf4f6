// The DOM walk of src/components/plain.rs, in JS: a web-sys call per DOM
// method would cost a glue shim and marshalling each.

// What an event is reported on: the nearest of these around its target.
const ACTION_ELEMENTS = '[data-action],button,input,select,textarea,a,dialog';

// `cancel` (a dialog's Escape) does not bubble: listened to in the capture phase.
const EVENTS = ['click', 'change', 'input', 'keydown', 'cancel'];

// handler(event, action) for each event inside wrapper with an action element.
export function listen(wrapper, handler) {
  const delegate = (event) => {
    const target = event.target;
    const action = target instanceof Element ? target.closest(ACTION_ELEMENTS) : null;
    if (action && action !== wrapper && wrapper.contains(action)) {
      handler(event, action);
    }
  };
  for (const kind of EVENTS) {
    wrapper.addEventListener(kind, delegate, true);
  }
}

// wrapper's children become html's: what is still there (same tag and id, or
// text) is patched, so focus, typed values and live regions survive; focus on
// a replaced element follows its id; new dialogs open.
export function redraw(wrapper, html) {
  const active = deepActiveElement();
  const focused = active && wrapper.contains(active) ? active : null;
  // A template's content is inert: no script runs, nothing loads.
  const template = wrapper.ownerDocument.createElement('template');
  template.innerHTML = html;
  morphChildren(wrapper, template.content);
  openDialogs(wrapper);
  if (focused && focused.id && !wrapper.contains(focused)) {
    findById(wrapper, focused.id)?.focus();
  }
}

// Opens every dialog not open yet as a modal (each one opened leaves the selector).
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

// Ids carry server data (price ids): compared, never put in a selector.
export function findById(wrapper, id) {
  for (const element of wrapper.querySelectorAll('[id]')) {
    if (element.id === id) {
      return element;
    }
  }
  return null;
}

function deepActiveElement() {
  let active = document.activeElement;
  while (active && active.shadowRoot && active.shadowRoot.activeElement) {
    active = active.shadowRoot.activeElement;
  }
  return active;
}

function morphChildren(live, next) {
  let old = live.firstChild;
  let node;
  while ((node = next.firstChild)) {
    if (old && samePlace(old, node)) {
      patch(old, node);
      node.remove();
      old = old.nextSibling;
    } else if (old) {
      const after = old.nextSibling;
      live.replaceChild(node, old);
      old = after;
    } else {
      live.appendChild(node);
    }
  }
  while (old) {
    const extra = old;
    old = old.nextSibling;
    extra.remove();
  }
}

function samePlace(live, next) {
  if (live.nodeType !== next.nodeType) {
    return false;
  }
  if (live.nodeType === Node.ELEMENT_NODE) {
    return live.tagName === next.tagName && live.id === next.id;
  }
  return live.nodeType === Node.TEXT_NODE;
}

function patch(live, next) {
  if (live.nodeType !== Node.ELEMENT_NODE) {
    if (live.nodeValue !== next.nodeValue) {
      live.nodeValue = next.nodeValue;
    }
    return;
  }
  for (const name of live.getAttributeNames()) {
    // A dialog's `open` is showModal's, not the drawing's.
    if (name !== 'open' && !next.hasAttribute(name)) {
      live.removeAttribute(name);
    }
  }
  for (const name of next.getAttributeNames()) {
    const value = next.getAttribute(name);
    if (live.getAttribute(name) !== value) {
      live.setAttribute(name, value);
    }
  }
  morphChildren(live, next);
}
