// checkout-widget embed entry: importing this module loads the WebAssembly
// bundle next to it and registers <checkout-widget>. It is a file (no inline
// script), so it works under `script-src 'self' 'wasm-unsafe-eval'`.
import init from './checkout-widget-app.js';

await init();
