// A single-page app: hash routes mount and unmount the widget, and the app
// routes the success redirect itself (checkout-redirect + preventDefault).
import { mount } from '/checkout-widget.js';

const outlet = document.getElementById('outlet');
let handle = null;

function render() {
  if (handle) {
    handle.destroy();
    handle = null;
  }
  outlet.replaceChildren();
  const route = location.hash || '#/pricing';
  if (route === '#/pricing') {
    const title = document.createElement('h2');
    title.textContent = 'Pricing';
    const host = document.createElement('div');
    host.id = 'widget-host';
    outlet.append(title, host);
    handle = mount(host, {
      priceSlug: 'onboarding',
      display: 'overlay',
      successUrl: '/examples/spa.html#/thanks',
      cancelUrl: '/examples/spa.html#/pricing',
    });
  } else if (route.startsWith('#/thanks')) {
    const title = document.createElement('h2');
    title.textContent = 'Thanks! Routed by the app, without a page load.';
    outlet.append(title);
  } else {
    const title = document.createElement('h2');
    title.textContent = 'About';
    outlet.append(title);
  }
  document.getElementById('mounted').textContent = handle ? 'mounted' : 'unmounted';
}

// The app routes itself: no full page load after a checkout.
document.addEventListener('checkout-redirect', (event) => {
  event.preventDefault();
  const target = new URL(event.detail.url, location.href);
  location.hash = target.hash || '#/pricing';
});

window.addEventListener('hashchange', render);
render();
