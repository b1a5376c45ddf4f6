// Defines a custom element whose lifecycle callbacks call into Rust.
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
