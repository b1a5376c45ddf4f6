// The baseline for `cargo xtask bench`: the smallest React page a Flowglad
// customer would write for one checkout button — FlowgladProvider + useBilling()
// from the published @flowglad/react, and a button that calls
// createCheckoutSession({ autoRedirect: true }) once the pricing model is there.
// Bundled for production by build-baseline.mjs; served on the reference
// server's origin so the SDK's default route (/api/flowglad) reaches it.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { FlowgladProvider, humanReadableCurrencyAmount, useBilling } from '@flowglad/react';

const PRICE_SLUG = 'onboarding';

function BuyButton() {
  const billing = useBilling();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const price = billing.loaded && billing.getPrice ? billing.getPrice(PRICE_SLUG) : null;
  const ready = Boolean(price && billing.createCheckoutSession) && !busy;

  const buy = async () => {
    setBusy(true);
    setError('');
    const result = await billing.createCheckoutSession({
      priceSlug: PRICE_SLUG,
      successUrl: `${location.origin}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${location.origin}/cancel`,
      autoRedirect: true,
    });
    if ('error' in result) {
      setBusy(false);
      setError(String(result.error.code));
    }
  };

  return (
    <section>
      <h2>Onboarding</h2>
      <p id="price">{price ? humanReadableCurrencyAmount(price.currency, price.unitPrice) : ''}</p>
      <button id="buy" type="button" disabled={!ready} onClick={buy}>
        {price ? 'Buy now' : 'Loading…'}
      </button>
      <p role="alert">{error}</p>
    </section>
  );
}

createRoot(document.getElementById('root')).render(
  // A signed-in customer, as a merchant's own session would identify them:
  // useBilling() only offers createCheckoutSession once customers/billing loaded.
  // Bob has no saved card, so his hosted page asks for a card number like
  // the anonymous embed's does (the bench times click → card field usable).
  <FlowgladProvider requestConfig={{ headers: { Authorization: 'Bearer demo-bob' } }}>
    <BuyButton />
  </FlowgladProvider>,
);
