//! `<ResourceSeats>`: a seat-like resource of the customer's plan — how many
//! are used, who holds them (each with Release), and a form to give one.

use super::request::Request;
use crate::billing::{use_locale, use_resource, ClaimParams, ReleaseParams};
use crate::browser;
use crate::i18n::{fill, panel::Msg, Lang, Message};
use crate::intl::format_count;
use leptos::prelude::*;

/// The signed-in customer's claims on the resource `slug` (default
/// `seats`): "Seats used: 2 of 5", the named claims as a list with a Release
/// button each (its accessible name names the seat), and a labelled field
/// with "Add seat" that claims a seat for the name typed. At capacity the
/// button is disabled and says "All seats are taken"; the server's refusals
/// show as an alert. Follows `use_resource`, so it updates after every claim
/// and release of the same provider.
///
/// ```no_run
/// use checkout_widget::ResourceSeats;
/// use leptos::prelude::*;
///
/// #[component]
/// fn Team() -> impl IntoView {
///     view! { <ResourceSeats slug="seats"/> }
/// }
/// ```
#[component]
pub fn ResourceSeats(
    /// The resource's slug (default `seats`).
    #[prop(into, optional)]
    slug: Option<String>,
) -> impl IntoView {
    super::styles::uses(super::styles::chunk::RESOURCE_SEATS);
    let slug = slug.unwrap_or_else(|| "seats".to_owned());
    let locale = use_locale();
    let lang = Lang::of(&locale);
    let seats = use_resource(slug.clone());
    let name = RwSignal::new(String::new());
    let input_id = format!("cw-seat-name-{slug}");
    let claim = Request::new();
    let release = Request::new();
    let full = move || seats.usage.get().is_some_and(|u| u.available <= 0);
    let busy = move || claim.pending() || release.pending();
    // No current subscription is no seats, not a failure to report.
    let no_plan = move || {
        seats
            .error
            .get()
            .is_some_and(|e| e.code() == "subscription_required")
    };
    let has_seats = move || seats.usage.get().is_some();
    // A blank name is the customer's slip, told in their words (the hook's
    // own refusal speaks to developers).
    let blank = RwSignal::new(false);
    // The last action's refusal, else a failed load.
    let error = move || {
        if blank.get() {
            return Msg::SeatNameRequired.text(lang).to_owned();
        }
        let refused = |request: Request| request.outcome().and_then(Result::err);
        let failed = refused(claim)
            .or_else(|| refused(release))
            .or_else(|| seats.error.get().filter(|_| !no_plan()));
        failed.map(|e| e.message_in(lang)).unwrap_or_default()
    };
    let used = {
        let locale = locale.clone();
        move || {
            seats.usage.get().map(|u| {
                let count =
                    |n: i64| format_count(&locale, u32::try_from(n.max(0)).unwrap_or(u32::MAX));
                fill(
                    Msg::SeatsUsed.text(lang),
                    &[&count(u.claimed), &count(u.capacity)],
                )
            })
        }
    };
    let field_id = input_id.clone();
    let list = move || {
        if no_plan() {
            return view! { <p class="cw-muted">{Msg::NoSeatsInPlan.text(lang)}</p> }.into_any();
        }
        if seats.is_loading.get() || seats.is_loading_claims.get() {
            return view! { <p class="cw-muted">{Msg::LoadingSeats.text(lang)}</p> }.into_any();
        }
        if seats.usage.get().is_none() {
            return view! { <p class="cw-muted">{Msg::NoSeatsInPlan.text(lang)}</p> }.into_any();
        }
        let claims = seats.claims.get();
        if claims.is_empty() {
            return view! { <p class="cw-muted">{Msg::NoSeatsTaken.text(lang)}</p> }.into_any();
        }
        let rows = claims
            .into_iter()
            .map(|claim| {
                let who = claim
                    .external_id
                    .clone()
                    .unwrap_or_else(|| Msg::UnnamedSeat.text(lang).to_owned());
                let label = fill(Msg::ReleaseSeatOf.text(lang), &[&who]);
                let field_id = field_id.clone();
                view! {
                    <li class="cw-seat">
                        <span dir="auto">{who}</span>
                        <button type="button" class="cw-button cw-button-secondary" aria-label=label
                            disabled=busy
                            on:click=move |_| {
                                if !busy() {
                                    let params = match &claim.external_id {
                                        Some(id) => ReleaseParams::named(id.clone()),
                                        None => ReleaseParams::claim(claim.id.clone()),
                                    };
                                    release.send(async move { seats.release(params).await.map(|_| ()) });
                                    // The row goes away with its button: focus the field.
                                    browser::restore_focus_to(&field_id);
                                }
                            }>
                            {Msg::Release.text(lang)}
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="cw-list cw-seats-list">{rows}</ul> }.into_any()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let who = name.get_untracked();
        blank.set(who.trim().is_empty());
        if !blank.get_untracked() && !busy() && !full() {
            let who = who.trim().to_owned();
            claim.send(async move {
                let claimed = seats.claim(ClaimParams::named(who)).await;
                if claimed.is_ok() {
                    name.set(String::new());
                }
                claimed.map(|_| ())
            });
        }
    };
    let title_id = format!("{input_id}-title");
    let labelled_by = title_id.clone();
    view! {
        <section class="cw-seats" aria-labelledby=labelled_by>
            <h3 id=title_id class="cw-seats-title">{Msg::SeatsTitle.text(lang)}</h3>
            <p class="cw-seats-used">{used}</p>
            {list}
            // Kept while the count changes, so typing and focus survive a claim.
            <Show when=has_seats>
            <form class="cw-seat-form" on:submit=submit>
                <label for=input_id.clone()>{Msg::SeatFor.text(lang)}</label>
                <input id=input_id.clone() type="text" autocomplete="off" maxlength="255"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit" class="cw-button" aria-busy=move || claim.pending().to_string()
                    disabled=move || full() || busy()>
                    {move || if full() { Msg::AllSeatsTaken.text(lang) } else { Msg::AddSeat.text(lang) }}
                </button>
            </form>
            </Show>
            <p class="cw-error" role="alert">{error}</p>
        </section>
    }
}
