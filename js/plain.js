// See src/components/plain.rs.
const ACTION_ELEMENTS = '[data-action],button,input,select,textarea,a,dialog';

const EVENTS = ['click', 'change', 'input', 'keydown', 'cancel'];

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

export function redraw(wrapper, html) {
  const active = deepActiveElement();
  const focused = active && wrapper.contains(active) ? active : null;
  const template = wrapper.ownerDocument.createElement('template');
  template.innerHTML = html;
  morphChildren(wrapper, template.content);
  openDialogs(wrapper);
  if (focused && focused.id && !wrapper.contains(focused)) {
    findById(wrapper, focused.id)?.focus();
  }
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
