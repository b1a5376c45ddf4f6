//! `<PriceCard>`: a product's price with its checkout button, and a quantity
//! field when the product is sold by the unit. Drawn as one string
//! ([`super::plain`]); the pricing table draws its cards with the same
//! [`push_card`] and [`Cards`].

use super::checkout_button::{push_button, ButtonMarkup, Checkout, CheckoutTarget};
use super::plain::{input_value, plain_view, push_attr, push_escaped, set_input_value, Plain};
use super::state::State;
use crate::billing::CheckoutSessionCreated;
use crate::error::BillingError;
use crate::i18n::{fill, panel, Message};
use crate::view_model::{PriceCardModel, QuantityFieldModel};
use checkout_protocol::{Price, Product, Quantity};
use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;
use web_sys::{Element, Event};

/// One price of a product, ready to buy.
#[component]
pub fn PriceCard(
    /// The product.
    product: Product,
    /// The price of it to sell.
    price: Price,
    /// Where to go after paying.
    #[prop(into)]
    success_url: String,
    /// Where to go on cancel.
    #[prop(into)]
    cancel_url: String,
    /// BCP 47 locale for amounts.
    #[prop(into)]
    locale: String,
    /// Units to start with (default 1).
    #[prop(optional_no_strip)]
    quantity: Option<u32>,
    /// Button text instead of the price's call to action.
    #[prop(optional_no_strip)]
    label: Option<String>,
    /// The signed-in customer already has this price: mark it instead of selling it again.
    #[prop(optional)]
    current: bool,
    /// The signed-in customer has another plan: offer "Switch plan" instead
    /// of a second checkout; called with the chosen quantity when clicked.
    #[prop(optional_no_strip)]
    on_switch: Option<Callback<u32>>,
    /// The id of the "Switch plan" button, so focus can return to it.
    #[prop(into, optional)]
    switch_id: Option<String>,
    /// Handles the created session instead of redirecting (see `CheckoutButton`).
    #[prop(optional_no_strip)]
    on_created: Option<Callback<CheckoutSessionCreated>>,
    /// Told about every failure.
    #[prop(optional_no_strip)]
    on_error: Option<Callback<BillingError>>,
) -> impl IntoView {
    super::styles::uses(super::styles::chunk::PRICE_CARD);
    let card = PriceCardModel::new(&product, &price, &locale, quantity.unwrap_or(1), label);
    let cards = Cards::new(success_url, cancel_url, on_created, on_error);
    let draw = {
        let card = card.clone();
        move || {
            let end = if current {
                CardEnd::CurrentPlan
            } else if on_switch.is_some() {
                CardEnd::SwitchPlan {
                    id: switch_id.as_deref(),
                }
            } else {
                CardEnd::Checkout
            };
            let mut out = String::new();
            cards.push(&mut out, &card, end);
            out
        }
    };
    let after = card.clone();
    plain_view(Plain {
        tag: "div",
        class: "cw-plain",
        draw: Box::new(draw),
        on_event: Box::new(move |event, element| {
            if let Some(CardClick::SwitchPlan { quantity, .. }) = cards.on_event(event, element) {
                if let Some(on_switch) = on_switch {
                    on_switch.run(quantity);
                }
            }
        }),
        after_draw: Some(Box::new(move |wrapper| {
            cards.set_values(wrapper, std::slice::from_ref(&after))
        })),
    })
}

/// How a card ends: its checkout, or for a signed-in customer's plans the
/// current one marked or another one offered as a switch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CardEnd<'a> {
    /// The checkout button with its alert.
    Checkout,
    /// "Your current plan", disabled where the others have their button.
    CurrentPlan,
    /// "Switch plan", with the button's id (focus returns to it).
    SwitchPlan {
        /// The button's id, if it has one.
        id: Option<&'a str>,
    },
}

/// What a card's checkout shows (the call itself is `CheckoutButton`'s
/// [`Checkout`], one rule for both).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shown<'a> {
    /// Creating the session or leaving for it: "Redirecting…".
    pub busy: bool,
    /// The last failure's message (empty: none).
    pub error: &'a str,
}

/// A card nobody clicked yet.
const READY: Shown<'static> = Shown {
    busy: false,
    error: "",
};

/// One card's state: what was typed in its quantity field, its checkout
/// once it was clicked.
#[derive(Clone)]
struct CardState {
    price_id: String,
    typed: Option<String>,
    checkout: Option<Checkout>,
}

/// Appends the markup of `card` ending with `end`: its quantity field
/// showing the total for `typed`, its checkout showing `checkout`.
pub(crate) fn push_card(
    out: &mut String,
    card: &PriceCardModel,
    end: CardEnd<'_>,
    typed: &str,
    checkout: Shown<'_>,
) {
    let lang = card.lang;
    out.push_str("<article class=\"cw-card\" part=\"card\"");
    push_attr(out, "aria-labelledby", &card.heading_id);
    out.push_str("><h3");
    push_attr(out, "id", &card.heading_id);
    out.push_str(" class=\"cw-card-title\" part=\"title\" dir=\"auto\">");
    push_escaped(out, &card.title);
    out.push_str("</h3>");
    if let Some(description) = &card.description {
        out.push_str("<p class=\"cw-card-description\" part=\"description\" dir=\"auto\">");
        push_escaped(out, description);
        out.push_str("</p>");
    }
    out.push_str(
        "<p class=\"cw-card-price\" part=\"price\"><span class=\"cw-amount\" part=\"amount\">",
    );
    push_escaped(out, &card.amount);
    out.push_str("</span>");
    if let Some(interval) = &card.interval {
        out.push_str("<span class=\"cw-interval\">");
        push_escaped(out, interval);
        out.push_str("</span>");
    }
    out.push_str("</p>");
    if let Some(trial) = &card.trial {
        out.push_str("<p class=\"cw-trial\" part=\"trial\">");
        push_escaped(out, trial);
        out.push_str("</p>");
    }
    if let Some(field) = &card.quantity {
        // The value is the input's property, set after the draw (an
        // attribute would only be its default).
        out.push_str("<div class=\"cw-quantity\" part=\"quantity\"><label");
        push_attr(out, "for", &field.input_id);
        out.push('>');
        push_escaped(out, &field.label);
        out.push_str("</label><input");
        push_attr(out, "id", &field.input_id);
        out.push_str(" type=\"number\" inputmode=\"numeric\"");
        push_attr(out, "min", &field.min);
        push_attr(out, "max", &field.max);
        out.push_str(" step=\"1\"><span class=\"cw-quantity-total\" aria-live=\"polite\">");
        push_escaped(out, &field.total(QuantityFieldModel::parse(typed)));
        out.push_str("</span></div>");
    }
    match end {
        CardEnd::Checkout => {
            out.push_str("<div class=\"cw-checkout\">");
            push_button(
                out,
                &ButtonMarkup {
                    class: "cw-button",
                    label: Some(&card.button.label),
                    aria_label: Some(&card.button.aria_label),
                    busy: checkout.busy,
                    error: checkout.error,
                    lang,
                },
            );
            out.push_str("</div>");
        }
        CardEnd::CurrentPlan => {
            out.push_str("<button type=\"button\" class=\"cw-button cw-current\" disabled>");
            push_escaped(out, panel::Msg::CurrentPlan.text(lang));
            out.push_str("</button>");
        }
        CardEnd::SwitchPlan { id } => {
            out.push_str("<button type=\"button\"");
            if let Some(id) = id {
                push_attr(out, "id", id);
            }
            out.push_str(" class=\"cw-button\"");
            push_attr(
                out,
                "aria-label",
                &fill(panel::Msg::SwitchPlanTo.text(lang), &[&card.title]),
            );
            out.push('>');
            push_escaped(out, panel::Msg::SwitchPlan.text(lang));
            out.push_str("</button>");
        }
    }
    out.push_str("</article>");
}

/// The price a card's control belongs to: its card is labelled by
/// `cw-price-{price id}`.
fn price_of(element: &Element) -> Option<String> {
    let labelled_by = element
        .closest("article")
        .ok()??
        .get_attribute("aria-labelledby")?;
    labelled_by.strip_prefix("cw-price-").map(str::to_owned)
}

/// A card's click its component handles itself.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CardClick {
    /// "Switch plan" on the card of `price_id`, with the chosen quantity (0
    /// for a quantity that is not one: the hook refuses it with its message).
    SwitchPlan {
        /// The card's price.
        price_id: String,
        /// Units chosen.
        quantity: u32,
    },
}

/// The cards of a `<PriceCard>` or a `<PricingTable>`: each one's typed
/// quantity and checkout, one at a time per card, so a double click never
/// creates two sessions.
#[derive(Clone, Copy)]
pub(crate) struct Cards {
    states: State<Vec<CardState>>,
    setup: State<Setup>,
}

/// What every checkout of the cards is created with.
struct Setup {
    success_url: String,
    cancel_url: String,
    on_created: Option<Callback<CheckoutSessionCreated>>,
    on_error: Option<Callback<BillingError>>,
    /// The component's owner: a card's [`Checkout`] is made under it when
    /// first clicked, so its callbacks find the app's contexts. Weak: keeps
    /// nothing alive.
    owner: Option<WeakOwner>,
}

impl Cards {
    /// Cards whose checkouts go to `success_url` / `cancel_url`, handled by
    /// `on_created` (else redirected) and reported to `on_error`.
    pub(crate) fn new(
        success_url: String,
        cancel_url: String,
        on_created: Option<Callback<CheckoutSessionCreated>>,
        on_error: Option<Callback<BillingError>>,
    ) -> Self {
        Self {
            states: State::new(Vec::new()),
            setup: State::new(Setup {
                success_url,
                cancel_url,
                on_created,
                on_error,
                owner: Owner::current().map(|o| o.downgrade()),
            }),
        }
    }

    /// Appends `card` ending with `end`, in its current state (tracked).
    pub(crate) fn push(self, out: &mut String, card: &PriceCardModel, end: CardEnd<'_>) {
        self.states.with(|states| {
            let state = states.iter().find(|s| s.price_id == card.price_id);
            let typed = state
                .and_then(|s| s.typed.as_deref())
                .or(card.quantity.as_ref().map(|q| q.initial.as_str()))
                .unwrap_or("1");
            match state.and_then(|s| s.checkout) {
                Some(checkout) => {
                    let error = checkout.error();
                    let shown = Shown {
                        busy: checkout.busy(),
                        error: &error,
                    };
                    push_card(out, card, end, typed, shown);
                }
                None => push_card(out, card, end, typed, READY),
            }
        });
    }

    /// Puts each drawn quantity field's text in its input (a property, not markup).
    pub(crate) fn set_values(self, wrapper: &Element, cards: &[PriceCardModel]) {
        for card in cards {
            let Some(field) = &card.quantity else {
                continue;
            };
            let typed = self
                .typed(&card.price_id)
                .unwrap_or_else(|| field.initial.clone());
            set_input_value(wrapper, &field.input_id, &typed);
        }
    }

    /// Handles a card's event: typing a quantity, clicking checkout. A
    /// "Switch plan" click is the component's own to handle.
    pub(crate) fn on_event(self, event: &Event, element: &Element) -> Option<CardClick> {
        let price_id = price_of(element)?;
        match event.type_().as_str() {
            "input" if element.id().starts_with("cw-qty-") => {
                let text = input_value(element)?;
                self.update(&price_id, &mut |s| s.typed = Some(text.clone()));
                None
            }
            "click" => {
                let parent = element.parent_element()?;
                if parent.class_name() == "cw-checkout" {
                    self.checkout(price_id);
                    None
                } else if parent.tag_name() == "ARTICLE" && element.class_name() == "cw-button" {
                    // "Switch plan" (the current plan's button is disabled
                    // and has a class of its own).
                    Some(CardClick::SwitchPlan {
                        quantity: self.quantity(&price_id),
                        price_id,
                    })
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// What was typed for `price_id`, if anything (untracked).
    fn typed(self, price_id: &str) -> Option<String> {
        self.states
            .with_untracked(|states| {
                states
                    .iter()
                    .find(|s| s.price_id == price_id)
                    .and_then(|s| s.typed.clone())
            })
            .flatten()
    }

    /// The quantity chosen for `price_id`: 0 when the text is not one.
    fn quantity(self, price_id: &str) -> u32 {
        self.typed(price_id)
            .map_or(Some(Quantity::ONE), |text| QuantityFieldModel::parse(&text))
            .map_or(0, Quantity::get)
    }

    /// Changes the state of `price_id`'s card; a no-op once the component
    /// is gone. Not generic: its callers share one copy.
    fn update(self, price_id: &str, change: &mut dyn FnMut(&mut CardState)) {
        self.states.update(&mut |states| {
            let at = match states.iter().position(|s| s.price_id == price_id) {
                Some(at) => at,
                None => {
                    states.push(CardState {
                        price_id: price_id.to_owned(),
                        typed: None,
                        checkout: None,
                    });
                    states.len() - 1
                }
            };
            change(&mut states[at]);
        });
    }

    /// Starts the checkout of `price_id`'s card for the quantity typed; its
    /// [`Checkout`] refuses while one is in flight or the page is leaving.
    fn checkout(self, price_id: String) {
        let existing = self
            .states
            .with_untracked(|states| {
                states
                    .iter()
                    .find(|s| s.price_id == price_id)
                    .and_then(|s| s.checkout)
            })
            .flatten();
        let checkout = match existing {
            Some(checkout) => checkout,
            None => {
                let Some((target, owner)) = self.setup.with_untracked(|s| {
                    let target = CheckoutTarget {
                        price_id: Some(price_id.clone()),
                        price_slug: None,
                        success_url: s.success_url.clone(),
                        cancel_url: s.cancel_url.clone(),
                        on_created: s.on_created,
                        on_error: s.on_error,
                    };
                    (target, s.owner.as_ref().and_then(WeakOwner::upgrade))
                }) else {
                    return;
                };
                let checkout = match owner {
                    Some(owner) => owner.with(|| Checkout::new(target)),
                    None => Checkout::new(target),
                };
                self.update(&price_id, &mut |s| s.checkout = Some(checkout));
                checkout
            }
        };
        checkout.start(self.quantity(&price_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(product: serde_json::Value, locale: &str) -> PriceCardModel {
        let product: Product = serde_json::from_value(product).unwrap();
        let price = product.prices[0].clone();
        PriceCardModel::new(&product, &price, locale, 1, None)
    }

    fn pro() -> PriceCardModel {
        card(
            serde_json::json!({"id": "prod_pro", "slug": "pro", "name": "Pro", "prices": [
                {"id": "price_pro", "type": "subscription", "unitPrice": 1200, "currency": "USD",
                 "intervalUnit": "month", "intervalCount": 1, "trialPeriodDays": 14}]}),
            "en-US",
        )
    }

    fn drawn(card: &PriceCardModel, end: CardEnd<'_>, typed: &str, checkout: Shown<'_>) -> String {
        let mut out = String::new();
        push_card(&mut out, card, end, typed, checkout);
        out
    }

    #[test]
    fn a_card_is_labelled_by_its_title_and_ends_with_its_checkout() {
        let html = drawn(&pro(), CardEnd::Checkout, "1", READY);
        assert!(html.starts_with(
            r#"<article class="cw-card" part="card" aria-labelledby="cw-price-price_pro"><h3 id="cw-price-price_pro" class="cw-card-title" part="title" dir="auto">Pro · Monthly</h3>"#
        ), "{html}");
        assert!(
            html.contains(r#"<span class="cw-interval"> per month</span>"#),
            "{html}"
        );
        assert!(html.contains(r#"<p class="cw-trial" part="trial">14-day free trial</p>"#));
        assert!(html.contains(
            r#"<div class="cw-checkout"><button type="button" part="button" class="cw-button" aria-disabled="false" aria-busy="false" aria-label="Start 14-day free trial: Pro · Monthly">Start 14-day free trial</button><p class="cw-error" part="error" role="alert"></p></div></article>"#
        ), "{html}");
        assert!(!html.contains("cw-quantity"), "Pro is not sold by the unit");
    }

    #[test]
    fn a_busy_checkout_says_so_and_a_failed_one_shows_why() {
        let busy = drawn(
            &pro(),
            CardEnd::Checkout,
            "1",
            Shown {
                busy: true,
                error: "",
            },
        );
        assert!(busy.contains(r#"aria-disabled="true" aria-busy="true" aria-label="Redirecting…">Redirecting…</button>"#), "{busy}");
        assert_eq!(
            busy,
            drawn(
                &pro(),
                CardEnd::Checkout,
                "1",
                Shown {
                    busy: true,
                    error: ""
                }
            )
        );
        let failed = drawn(
            &pro(),
            CardEnd::Checkout,
            "1",
            Shown {
                busy: false,
                error: "<b>No</b>",
            },
        );
        assert!(
            failed.contains(r#"role="alert">&lt;b&gt;No&lt;/b&gt;</p>"#),
            "{failed}"
        );
        assert!(failed.contains(r#"aria-busy="false""#), "clickable again");
    }

    #[test]
    fn the_current_plan_is_marked_and_another_plan_offers_a_switch() {
        let current = drawn(&pro(), CardEnd::CurrentPlan, "1", READY);
        assert!(current.ends_with(r#"<button type="button" class="cw-button cw-current" disabled>Your current plan</button></article>"#), "{current}");
        assert!(!current.contains("cw-checkout"));
        let switch = drawn(
            &pro(),
            CardEnd::SwitchPlan {
                id: Some("cw-switch-price_pro"),
            },
            "1",
            READY,
        );
        assert!(switch.ends_with(r#"<button type="button" id="cw-switch-price_pro" class="cw-button" aria-label="Switch plan to Pro · Monthly">Switch plan</button></article>"#), "{switch}");
    }

    #[test]
    fn a_switch_without_an_id_has_no_empty_id() {
        let html = drawn(&pro(), CardEnd::SwitchPlan { id: None }, "1", READY);
        assert!(html.ends_with(r#"<button type="button" class="cw-button" aria-label="Switch plan to Pro · Monthly">Switch plan</button></article>"#), "{html}");
    }

    #[test]
    fn a_product_sold_by_the_unit_has_a_field_and_its_running_total() {
        let credits = card(
            serde_json::json!({"id": "prod_c", "slug": "c", "name": "Credits", "description": "Prepaid.",
                "singularQuantityLabel": "credit pack", "pluralQuantityLabel": "credit packs",
                "prices": [{"id": "price_c", "type": "single_payment", "unitPrice": 1200, "currency": "JPY"}]}),
            "en",
        );
        let html = drawn(&credits, CardEnd::Checkout, "3", READY);
        assert!(html.contains(
            r#"<p class="cw-card-description" part="description" dir="auto">Prepaid.</p>"#
        ));
        assert!(html.contains(
            r#"<div class="cw-quantity" part="quantity"><label for="cw-qty-price_c">Quantity (credit packs)</label><input id="cw-qty-price_c" type="number" inputmode="numeric" min="1" max="1000000" step="1"><span class="cw-quantity-total" aria-live="polite">Total 3600 JPY</span></div>"#
        ), "{html}");
        assert!(
            !html.contains("value="),
            "the typed text is the input's property, not markup"
        );
        let blank = drawn(&credits, CardEnd::Checkout, "0", READY);
        assert!(
            blank.contains(r#"aria-live="polite"></span>"#),
            "no total for no quantity: {blank}"
        );
    }

    #[test]
    fn a_hostile_catalog_stays_text() {
        let hostile = card(
            serde_json::json!({"id": "prod_x", "slug": "x", "name": "<img src=x onerror=alert(1)>",
                "description": "\"><script>steal()</script>",
                "prices": [{"id": "p\"><svg onload=x>", "type": "single_payment", "unitPrice": 100, "currency": "USD"}]}),
            "en-US",
        );
        let html = drawn(
            &hostile,
            CardEnd::SwitchPlan {
                id: Some("cw-switch-\"><i>"),
            },
            "1",
            READY,
        );
        for raw in ["<img", "<script", "<svg", "<i>", "\"><svg", "\"><i"] {
            assert!(!html.contains(raw), "{raw} unescaped in {html}");
        }
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(
            html.contains(r#"id="cw-price-p&quot;&gt;&lt;svg onload=x&gt;""#),
            "{html}"
        );
    }
}
