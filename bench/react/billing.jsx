// Not a bench page: the fixture of tests/e2e/flowglad-react.spec.mjs. The
// published @flowglad/react 0.18, unchanged, on a shop page whose own sign-in
// put a JWT in the `session` cookie; a route-only checkout-server
// (--customer-jwt-secret, route prefix /api/flowglad) verifies it and bills
// its `sub`. Bundled by `node bench/build-baseline.mjs OUT_DIR billing`.
//
// <Panel> is an in-app billing panel written with the SDK's own hooks
// (feature access, usage, seats, plan changes). Its actions are the SDK's
// functions, exposed as `window.panel` so the spec calls them as a
// button's handler would and reads what the hooks render afterwards.
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { FlowgladProvider, useBilling, useResource, useUsageMeter } from '@flowglad/react';

function Panel() {
  const billing = useBilling();
  const { usageMeter } = useUsageMeter('build-minutes');
  const seats = useResource('seats');
  useEffect(() => {
    window.panel = {
      createUsageEvent: billing.createUsageEvent,
      adjustSubscription: billing.adjustSubscription,
      claim: seats.claim,
      release: seats.release,
    };
  });
  const balance = billing.checkUsageBalance('build-minutes');
  return (
    <section aria-label="Billing panel">
      <p id="feature">{billing.checkFeatureAccess('priority-builds') ? 'yes' : 'no'}</p>
      <p id="balance">{balance ? String(balance.availableBalance) : 'none'}</p>
      <p id="meter">{usageMeter ? String(usageMeter.availableBalance) : 'none'}</p>
      <p id="seats">{seats.usage ? `${seats.usage.claimed} of ${seats.usage.capacity}` : 'none'}</p>
      <ul id="claims">
        {seats.claims.map((c) => <li key={c.id}>{c.externalId ?? 'anonymous'}</li>)}
      </ul>
    </section>
  );
}

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
      <Panel />
    </section>
  );
}

createRoot(document.getElementById('root')).render(
  // No headers: the browser sends the shop's `session` cookie itself (same origin).
  <FlowgladProvider>
    <Account />
  </FlowgladProvider>,
);
