// Shows every checkout-* event the page receives, newest last, so people and
// tests can see what the widget reported. Loaded as a file: no inline script.
const log = document.getElementById('event-log');
const names = [
  'checkout-ready',
  'checkout-session-created',
  'checkout-redirect',
  'checkout-success',
  'checkout-cancel',
  'checkout-error',
  'checkout-payment-failed',
  'checkout-discount-applied',
  'checkout-discount-removed',
];
for (const name of names) {
  document.addEventListener(name, (event) => {
    if (!log) return;
    const item = document.createElement('li');
    const code = event.detail && event.detail.code ? ` ${event.detail.code}` : '';
    item.textContent = `${name}${code}`;
    log.append(item);
  });
}
