// checkout-widget embed entry. Importing this module loads the WebAssembly
// bundle next to it, registers <checkout-widget>, <checkout-pricing-table> and
// <checkout-add-payment-method>, and exports the JS API (types: checkout-widget.d.ts).
// It is a file, not inline script, so it runs under
// `script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`.
import init, {
  configure,
  createAddPaymentMethodCheckoutSession,
  createCheckoutSession,
  mount,
  open,
} from './checkout-widget-app.js';

await init();

export { configure, createAddPaymentMethodCheckoutSession, createCheckoutSession, mount, open };
