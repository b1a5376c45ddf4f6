//! `<FeatureGate>`: shows its children only to a customer whose plan grants
//! a feature, something else to everyone else.

use crate::billing::use_billing;
use leptos::prelude::*;

/// Its children when the customer's current subscription grants the toggle
/// feature `feature` (`check_feature_access`), else `fallback`. The fallback
/// also shows while billing loads and when nobody is signed in, as access is
/// `false` then. It hides; it does not protect: the server must check access
/// for anything that matters.
///
/// ```no_run
/// use checkout_widget::FeatureGate;
/// use leptos::prelude::*;
///
/// #[component]
/// fn BuildOptions() -> impl IntoView {
///     view! {
///         <FeatureGate feature="priority-builds" fallback=|| view! { <a href="/pricing">"Upgrade for priority builds"</a> }>
///             <label><input type="checkbox"/>" Priority build"</label>
///         </FeatureGate>
///     }
/// }
/// ```
#[component]
pub fn FeatureGate(
    /// The toggle feature's slug, e.g. `priority-builds`.
    #[prop(into)]
    feature: String,
    /// What to show without access (nothing by default).
    #[prop(optional, into)]
    fallback: ViewFn,
    /// What to show with access.
    children: ChildrenFn,
) -> impl IntoView {
    let billing = use_billing();
    // A memo, so the children are built once per change of access, not on
    // every reload of the billing state.
    let granted = Memo::new(move |_| billing.check_feature_access(&feature));
    move || {
        if granted.get() {
            children().into_any()
        } else {
            fallback.run().into_any()
        }
    }
}
