// A React 19 shop page using the npm package as a bundler app does: the
// import below resolves to node_modules/checkout-widget (installed from the
// packed tarball), and React renders <checkout-widget> natively. The billing
// server is on another origin, named by `?server=`.
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { configure } from 'checkout-widget';

const server = new URL(window.location.href).searchParams.get('server') ?? '';
configure({ serverRoute: `${server}/api/billing` });

function Shop() {
  const widget = useRef(null);
  const [paid, setPaid] = useState(null);
  useEffect(() => {
    const element = widget.current;
    const onSuccess = (event) => setPaid(event.detail);
    // Stay here after paying: this page shows the receipt itself.
    const onRedirect = (event) => {
      if (event.detail.reason === 'success') event.preventDefault();
    };
    element.addEventListener('checkout-success', onSuccess);
    element.addEventListener('checkout-redirect', onRedirect);
    return () => {
      element.removeEventListener('checkout-success', onSuccess);
      element.removeEventListener('checkout-redirect', onRedirect);
    };
  }, []);
  return (
    <main>
      <h1>A React shop</h1>
      <checkout-widget
        ref={widget}
        price-slug="onboarding"
        display="overlay"
        success-url="/?paid={CHECKOUT_SESSION_ID}"
        cancel-url="/"
      />
      {paid && (
        <p role="status">
          Paid {paid.amountTotal} {paid.currency} for {paid.sessionId}
        </p>
      )}
    </main>
  );
}

createRoot(document.getElementById('root')).render(<Shop />);
