//! What each embedded element renders inside its shadow root, and how a
//! created session opens: redirect, overlay, or inline.

use super::config::{Display, ElementConfig, ElementKind, Mode};
use super::events;
use super::frame::{InlineFrame, Overlay};
use crate::billing::{use_billing, AddPaymentMethodParams, BillingProvider, BillingState, CheckoutSessionCreated, CheckoutSessionParams};
use crate::browser;
use crate::components::{PriceCard, PricingTable};
use crate::error::BillingError;
use checkout_protocol::{redirect, IntervalUnit};
use leptos::prelude::*;
use serde_json::json;
use web_sys::EventTarget;

/// The root of every embedded element: provider, theme, then the element's view.
#[component]
pub fn EmbedRoot(
    /// Which element.
    kind: ElementKind,
    /// Its configuration.
    config: ElementConfig,
    /// The element itself, where events are fired.
    host: StoredValue<EventTarget, LocalStorage>,
) -> impl IntoView {
    view! {
        <BillingProvider
            server_route=config.server_route.clone()
            headers=config.headers.clone()
            locale=config.locale.clone().unwrap_or_else(browser::browser_locale)
            load_billing=false
        >
            <ElementBody kind config host/>
        </BillingProvider>
    }
}

/// A problem with the element's setup or data, shown and reported once.
fn problem(host: StoredValue<EventTarget, LocalStorage>, error: BillingError) -> AnyView {
    if let Some(target) = host.try_get_value() {
        events::emit_error(&target, &error);
    }
    view! { <p class="cw-error" part="error" role="alert">{error.message()}</p> }.into_any()
}

#[component]
fn ElementBody(kind: ElementKind, config: ElementConfig, host: StoredValue<EventTarget, LocalStorage>) -> impl IntoView {
    let display = match config.display() {
        Ok(d) => d,
        Err(e) => return problem(host, e),
    };
    let mode = match (kind, config.mode()) {
        (ElementKind::AddPaymentMethod, _) => Mode::AddPaymentMethod,
        (_, Ok(mode)) => mode,
        (_, Err(e)) => return problem(host, e),
    };
    if let Err(e) = config.theme() {
        return problem(host, e);
    }
    // The checkout that is open in an overlay or inline, if any.
    let opened: RwSignal<Option<CheckoutSessionCreated>> = RwSignal::new(None);
    let on_created = {
        Callback::new(move |created: CheckoutSessionCreated| {
            let Some(target) = host.try_get_value() else { return };
            events::emit(
                &target,
                events::SESSION_CREATED,
                &json!({ "url": created.url, "checkoutSession": serde_json::to_value(&created.session).unwrap_or_default() }),
                false,
            );
            match display {
                Display::Redirect => events::redirect(&target, &created.url, "checkout", &created.id),
                Display::Overlay | Display::Inline => opened.set(Some(created)),
            }
        })
    };
    let on_error = Callback::new(move |e: BillingError| {
        if let Some(target) = host.try_get_value() {
            events::emit_error(&target, &e);
        }
    });
    let cancel_url = config.cancel_url.clone();
    let open_view = move || {
        let created = opened.get()?;
        let filled_cancel = (!cancel_url.is_empty())
            .then(|| browser::resolve_url(&cancel_url, "cancel URL").ok())
            .flatten()
            .map(|u| redirect::fill_session_id(&u, &created.id));
        Some(match display {
            Display::Inline => view! { <InlineFrame url=created.url.clone() host/> }.into_any(),
            _ => view! {
                <Overlay
                    url=created.url.clone()
                    session_id=created.id.clone()
                    cancel_url=filled_cancel
                    host
                    on_closed=Callback::new(move |_| opened.set(None))
                />
            }
            .into_any(),
        })
    };
    let body = match (kind, mode) {
        (ElementKind::PricingTable, _) => {
            view! { <PricingTableBody config=config.clone() host on_created on_error/> }.into_any()
        }
        (_, Mode::AddPaymentMethod) => {
            view! { <AddPaymentMethodBody config=config.clone() host display on_created on_error/> }.into_any()
        }
        (_, Mode::Product) => view! { <CheckoutBody config=config.clone() host display on_created on_error/> }.into_any(),
    };
    // Inline mode replaces the button with the checkout once it exists.
    view! {
        <div class="cw-embed">
            <div hidden=move || display == Display::Inline && opened.with(Option::is_some)>{body}</div>
            {open_view}
        </div>
    }
    .into_any()
}

/// `<checkout-widget>`: one price and its button.
#[component]
fn CheckoutBody(
    config: ElementConfig,
    host: StoredValue<EventTarget, LocalStorage>,
    display: Display,
    on_created: Callback<CheckoutSessionCreated>,
    on_error: Callback<BillingError>,
) -> impl IntoView {
    if let Err(e) = config.check_price() {
        return problem(host, e);
    }
    let quantity = match config.quantity() {
        Ok(q) => q,
        Err(e) => return problem(host, e),
    };
    let billing = use_billing();
    let locale = crate::billing::use_locale();
    let ready_sent = StoredValue::new(false);
    let started_inline = StoredValue::new(false);
    let inline_start = Action::new_local(move |params: &CheckoutSessionParams| {
        let params = params.clone();
        async move {
            match billing.create_checkout_session(params).await {
                Ok(created) => on_created.run(created),
                Err(e) => on_error.run(e),
            }
        }
    });
    (move || match billing.state.get() {
        BillingState::Loading => {
            view! { <div class="cw-card cw-card-skeleton" part="card" aria-busy="true" aria-label="Loading price"></div> }
                .into_any()
        }
        BillingState::Error(errors) => problem(host, errors.first().cloned().unwrap_or(BillingError::Network)),
        BillingState::Loaded(data) | BillingState::Unauthenticated(data) => {
            let model = &data.pricing_model;
            let found = match (&config.price_slug, &config.price_id) {
                (Some(slug), _) => model.price_by_slug(slug),
                (_, Some(id)) => model.price_by_id(id),
                _ => None,
            };
            let Some((product, price)) = found else {
                let which = config.price_slug.clone().or(config.price_id.clone()).unwrap_or_default();
                return problem(
                    host,
                    BillingError::validation(
                        checkout_protocol::ErrorCode::PriceNotFound,
                        format!("The price \u{201c}{which}\u{201d} is not available."),
                    ),
                );
            };
            if !ready_sent.get_value() {
                ready_sent.set_value(true);
                if let Some(target) = host.try_get_value() {
                    events::emit(&target, events::READY, &json!({ "priceId": price.id }), false);
                }
            }
            if display == Display::Inline && !started_inline.get_value() {
                // Inline shows the checkout itself: create the session right away.
                started_inline.set_value(true);
                inline_start.dispatch_local(CheckoutSessionParams {
                    price_id: Some(price.id.clone()),
                    quantity: Some(quantity),
                    success_url: config.success_url.clone(),
                    cancel_url: config.cancel_url.clone(),
                    ..Default::default()
                });
                return view! { <div class="cw-card cw-card-skeleton" part="card" aria-busy="true" aria-label="Loading checkout"></div> }
                    .into_any();
            }
            view! {
                <PriceCard
                    product=product.clone()
                    price=price.clone()
                    success_url=config.success_url.clone()
                    cancel_url=config.cancel_url.clone()
                    locale=locale.clone()
                    quantity=Some(quantity)
                    label=config.label.clone()
                    on_created=Some(on_created)
                    on_error=Some(on_error)
                />
            }
            .into_any()
        }
    })
    .into_any()
}

/// `<checkout-pricing-table>`: every product, each with its button.
#[component]
fn PricingTableBody(
    config: ElementConfig,
    host: StoredValue<EventTarget, LocalStorage>,
    on_created: Callback<CheckoutSessionCreated>,
    on_error: Callback<BillingError>,
) -> impl IntoView {
    let billing = use_billing();
    let ready_sent = StoredValue::new(false);
    Effect::new(move |_| {
        if billing.loaded() && !ready_sent.get_value() {
            ready_sent.set_value(true);
            if let Some(target) = host.try_get_value() {
                events::emit(&target, events::READY, &json!({}), false);
            }
        }
    });
    let initial = match config.interval.as_deref() {
        Some("year") | Some("yearly") => Some(IntervalUnit::Year),
        _ => None,
    };
    view! {
        <PricingTable
            success_url=config.success_url.clone()
            cancel_url=config.cancel_url.clone()
            initial_interval=initial
            on_created=Some(on_created)
            on_error=Some(on_error)
        />
    }
}

/// `<checkout-add-payment-method>` (or `mode="add-payment-method"`): a button
/// that opens the hosted page to save a card.
#[component]
fn AddPaymentMethodBody(
    config: ElementConfig,
    host: StoredValue<EventTarget, LocalStorage>,
    display: Display,
    on_created: Callback<CheckoutSessionCreated>,
    on_error: Callback<BillingError>,
) -> impl IntoView {
    let billing = use_billing();
    let label = config.label.clone().unwrap_or_else(|| "Add payment method".to_owned());
    let error = RwSignal::new(String::new());
    let add = Action::new_local(move |params: &AddPaymentMethodParams| {
        let params = params.clone();
        async move {
            match billing.create_add_payment_method_checkout_session(params).await {
                Ok(created) => on_created.run(created),
                Err(e) => {
                    error.set(e.message());
                    on_error.run(e);
                }
            }
        }
    });
    let pending = add.pending();
    let params = AddPaymentMethodParams {
        success_url: config.success_url.clone(),
        cancel_url: config.cancel_url.clone(),
        target_subscription_id: config.target_subscription_id.clone(),
        ..Default::default()
    };
    if let Some(target) = host.try_get_value() {
        events::emit(&target, events::READY, &json!({}), false);
    }
    if display == Display::Inline {
        add.dispatch_local(params.clone());
    }
    let on_click = move |_| {
        if !pending.get_untracked() {
            error.set(String::new());
            add.dispatch_local(params.clone());
        }
    };
    view! {
        <div class="cw-checkout">
            <button type="button" class="cw-button" part="button" aria-busy=move || pending.get().to_string()
                aria-disabled=move || pending.get().to_string() on:click=on_click>
                {label}
            </button>
            <p class="cw-error" part="error" role="alert">{move || error.get()}</p>
        </div>
    }
}
