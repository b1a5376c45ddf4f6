// The app bundle's entry (demo store and hosted checkout pages): a file, not
// inline script, so the pages run under script-src 'self' 'wasm-unsafe-eval'.
import init from './checkout-widget-app.js';

await init();
