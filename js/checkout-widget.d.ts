// Types for checkout-widget.js: the JS API, the custom elements and their events.
// Every promise rejects with a CheckoutError (a stable `code` and a human `message`).

/** A failure: `code` is stable (e.g. `price_not_found`, `invalid_url`, `network_error`, `timeout`). */
export interface CheckoutError extends Error {
  code: string;
  message: string;
}

/** Page-wide defaults for every element and API call. */
export interface ConfigureOptions {
  /** Your server route prefix (default `/api/billing`). */
  serverRoute?: string;
  /** Headers sent with every call to your server route, e.g. `{ Authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /**
   * BCP 47 locale for the widget's words, amounts and dates, e.g. `'de-DE'`, `'ja'`, `'ar'`
   * (en, de, fr, es, ja and ar have words; another tag reads English with its own number
   * and date formats). Also added to the hosted page's URL as `?locale=`.
   * Default: the first of the browser's languages the widget speaks.
   */
  locale?: string;
  /** Milliseconds a call to your server route may take before it fails with code `timeout` (default 15000). */
  timeoutMs?: number;
  /**
   * `fetch`'s credentials mode for calls to your server route (default: the browser's,
   * `'same-origin'`). `'include'` sends your page's cookies to a route on another origin
   * (a cookie sign-in); the server must allow your origin with credentials (`--allowed-origins`).
   */
  credentials?: 'include' | 'same-origin' | 'omit';
}

export interface LineItem {
  priceId?: string;
  priceSlug?: string;
  quantity?: number;
}

/**
 * What to buy: exactly one of `priceId`, `priceSlug` or `lineItems`. These are
 * all a page may ask for. Trials, promotion codes, address collection, a
 * prefilled email or discount code, your own `requestId` and the expiry are
 * decided by your server (its checkout policy, or the catalog's per-price
 * defaults): naming one here is refused with `field_not_allowed`.
 */
export interface CreateCheckoutSessionParams {
  priceId?: string;
  priceSlug?: string;
  /** Units (default 1). */
  quantity?: number;
  /** Several prices in one checkout. */
  lineItems?: LineItem[];
  /** Where to go after paying; `{CHECKOUT_SESSION_ID}` is replaced by the id; relative URLs resolve against the page. */
  successUrl: string;
  /** Where "cancel" goes. */
  cancelUrl: string;
  /** Copied onto the purchase or subscription as sent: customer-controlled, never trust it for prices or entitlements. */
  outputMetadata?: Record<string, string | number | boolean>;
  /** The purchase's or subscription's name: customer-controlled like `outputMetadata`. */
  outputName?: string;
  /** Go to the hosted page once created (default false). */
  autoRedirect?: boolean;
}

export interface CreateAddPaymentMethodCheckoutSessionParams {
  successUrl: string;
  cancelUrl: string;
  /** The new card becomes this subscription's default. */
  targetSubscriptionId?: string;
  outputMetadata?: Record<string, string | number | boolean>;
  outputName?: string;
  autoRedirect?: boolean;
}

/** A checkout session as Flowglad's API returns it (epoch-millisecond timestamps). */
export interface CheckoutSession {
  id: string;
  type: 'product' | 'purchase' | 'add_payment_method' | 'activate_subscription' | 'invoice';
  status: 'open' | 'pending' | 'succeeded' | 'failed' | 'expired';
  priceId?: string | null;
  quantity?: number | null;
  customerId?: string | null;
  successUrl?: string | null;
  cancelUrl?: string | null;
  requestId?: string;
  expires: number;
  createdAt: number;
  updatedAt: number;
  [field: string]: unknown;
}

export interface CreatedCheckoutSession {
  id: string;
  /** The hosted checkout page. */
  url: string;
  checkoutSession: CheckoutSession;
}

export type Display = 'redirect' | 'overlay' | 'inline';
export type Theme = 'light' | 'dark' | 'auto';

/** `mount()` options: the element attributes in camelCase. */
export interface MountOptions {
  /** Which widget (default `checkout`). */
  kind?: 'checkout' | 'pricing-table' | 'add-payment-method';
  serverRoute?: string;
  priceSlug?: string;
  priceId?: string;
  quantity?: number | string;
  successUrl?: string;
  cancelUrl?: string;
  mode?: 'product' | 'add-payment-method';
  targetSubscriptionId?: string;
  display?: Display;
  /** BCP 47 locale for this widget's words, amounts and dates, and its hosted page (default: `configure`'s, else the browser's). */
  locale?: string;
  theme?: Theme;
  label?: string;
  /** Pricing table: the interval shown first. */
  interval?: 'month' | 'year';
}

export interface MountHandle {
  /** Unmounts and frees everything; safe to call any number of times. */
  destroy(): void;
  /**
   * Closes the checkout this widget opened — its overlay, or its inline frame (the element is
   * then empty until `update()`) — as if the customer left: fires `checkout-cancel` (if the
   * checkout had not ended) without going to the cancel URL. Returns `false`, changing nothing,
   * when no checkout is open or while a payment is processing in it (the charge may still
   * land; Escape and × are refused then too).
   */
  close(): boolean;
  /** Replaces the options and re-renders. */
  update(options: MountOptions): void;
}

export interface OverlayResult {
  status: 'success' | 'cancel';
  sessionId: string;
}

export function configure(options: ConfigureOptions): void;
export function createCheckoutSession(params: CreateCheckoutSessionParams): Promise<CreatedCheckoutSession>;
export function createAddPaymentMethodCheckoutSession(
  params: CreateAddPaymentMethodCheckoutSessionParams,
): Promise<CreatedCheckoutSession>;
/** Renders a widget into `element`'s open shadow root. */
export function mount(element: HTMLElement, options: MountOptions): MountHandle;
/** Creates a checkout and opens it in a modal dialog over the page; resolves when it closes. */
export function open(params: CreateCheckoutSessionParams): Promise<OverlayResult>;

/** `checkout-success`: what was paid for. Amounts are in minor units (cents). */
export interface CheckoutSuccessDetail {
  sessionId: string;
  /** What was charged (0 for a free trial or a saved card). */
  amountTotal: number;
  /** ISO 4217 code of `amountTotal`, e.g. `'USD'`. */
  currency: string;
  /** The purchase the checkout recorded (`pur_…`); absent when it recorded none (a saved card). */
  purchaseId?: string;
  /** The subscription it started or activated (`sub_…`), for a subscription price. */
  subscriptionId?: string;
}

/** `checkout-payment-failed`: the card was refused; the checkout stays open for another one. */
export interface CheckoutPaymentFailedDetail {
  sessionId: string;
  /** Stable, e.g. `card_declined`, `card_insufficient_funds`, `card_expired`. */
  code: string;
  /** A sentence for people. */
  message: string;
}

/** `checkout-discount-applied`. Amounts are in minor units. */
export interface CheckoutDiscountAppliedDetail {
  sessionId: string;
  /** The code as your catalog spells it. */
  code: string;
  /** Taken off the subtotal. */
  amountOff: number;
  /** Due today with the discount. */
  totalDueToday: number;
  currency: string;
}

/** `checkout-discount-removed`. */
export interface CheckoutDiscountRemovedDetail {
  sessionId: string;
  /** Due today without a discount. */
  totalDueToday: number;
  currency: string;
}

/** Event details, by event name. Every event bubbles and crosses shadow roots. */
export interface CheckoutEventMap {
  /** Rendered with its price (or pricing model) and ready to click. */
  'checkout-ready': CustomEvent<{ priceId?: string }>;
  'checkout-session-created': CustomEvent<{ url: string; checkoutSession: CheckoutSession }>;
  /** Cancelable: `preventDefault()` keeps the page (route it yourself with `detail.url`). */
  'checkout-redirect': CustomEvent<{ url: string; reason: 'checkout' | 'success' | 'cancel'; sessionId: string }>;
  /** Overlay and inline modes, once the payment has succeeded. */
  'checkout-success': CustomEvent<CheckoutSuccessDetail>;
  /** Overlay and inline modes, once the customer has left the checkout (or `close()` closed it). */
  'checkout-cancel': CustomEvent<{ sessionId: string }>;
  'checkout-error': CustomEvent<{ code: string; message: string }>;
  /** Overlay and inline modes: a payment was refused (a decline, a failed authentication). */
  'checkout-payment-failed': CustomEvent<CheckoutPaymentFailedDetail>;
  /** Overlay and inline modes: the customer applied a discount code. */
  'checkout-discount-applied': CustomEvent<CheckoutDiscountAppliedDetail>;
  /** Overlay and inline modes: the customer removed the discount code. */
  'checkout-discount-removed': CustomEvent<CheckoutDiscountRemovedDetail>;
}

export interface CheckoutElement extends HTMLElement {
  addEventListener<K extends keyof CheckoutEventMap>(
    type: K,
    listener: (this: CheckoutElement, event: CheckoutEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

/** The elements' attributes as written in markup (what `mount()` takes in camelCase). */
export interface CheckoutElementAttributes {
  'price-slug'?: string;
  'price-id'?: string;
  quantity?: number | string;
  'success-url'?: string;
  'cancel-url'?: string;
  mode?: 'product' | 'add-payment-method';
  'target-subscription-id'?: string;
  display?: Display;
  'server-route'?: string;
  locale?: string;
  theme?: Theme;
  label?: string;
  /** `<checkout-pricing-table>`: the interval shown first. */
  interval?: 'month' | 'year';
}

declare global {
  interface HTMLElementTagNameMap {
    'checkout-widget': CheckoutElement;
    'checkout-pricing-table': CheckoutElement;
    'checkout-add-payment-method': CheckoutElement;
  }
  interface DocumentEventMap extends CheckoutEventMap {}
}
