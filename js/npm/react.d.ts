// checkout-widget/react: the elements in React 19's JSX (React renders custom elements
// natively). Types only; load it once in a React project:
//   import type {} from 'checkout-widget/react';
// Apart from index.d.ts so that projects without React's types never need them.
import type { CheckoutElement, CheckoutElementAttributes } from './index.js';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

/** A checkout element's JSX props: its attributes, the HTML ones, `ref` and `key`. */
export type CheckoutElementJsxProps = CheckoutElementAttributes &
  DetailedHTMLProps<HTMLAttributes<CheckoutElement>, CheckoutElement>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'checkout-widget': CheckoutElementJsxProps;
      'checkout-pricing-table': CheckoutElementJsxProps;
      'checkout-add-payment-method': CheckoutElementJsxProps;
    }
  }
}
