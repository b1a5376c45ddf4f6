// Not a bench page: the fixture of tests/e2e/flowglad-react.spec.mjs. The
// published @flowglad/react 0.18, unchanged, on a shop page whose own sign-in
// put a JWT in the `session` cookie; a route-only checkout-server
// (--customer-jwt-secret, route prefix /api/flowglad) verifies it and bills
// its `sub`. Bundled by `node bench/build-baseline.mjs OUT_DIR billing`.
import { createRoot } from 'react-dom/client';
import { FlowgladProvider, useBilling } from '@flowglad/react';

function Account() {
  const billing = useBilling();
  if (!billing.loaded) return <p id="status">Loading…</p>;
  if (billing.errors) {
    return (
      <p id="status" role="alert">
        {`Error: ${billing.errors.map((e) => e.message).join('; ')}`}
      </p>
    );
  }
  if (!billing.customer) return <p id="status">Signed out</p>;
  const subscription = billing.currentSubscription;
  return (
    <section>
      <p id="status">Loaded</p>
      <p id="customer">{`${billing.customer.name} · ${billing.customer.email} · ${billing.customer.externalId}`}</p>
      <p id="subscription">{subscription ? `${subscription.status} ${subscription.priceId}` : 'none'}</p>
      <p id="payment-methods">{String(billing.paymentMethods?.length ?? 0)}</p>
    </section>
  );
}

createRoot(document.getElementById('root')).render(
  // No headers: the browser sends the shop's `session` cookie itself (same origin).
  <FlowgladProvider>
    <Account />
  </FlowgladProvider>,
);
