//! `use_usage_meters()` and `use_usage_meter(slug)`: the signed-in customer's
//! usage meter balances from `usage-meters/balances`, mirroring Flowglad's
//! React `useUsageMeters` / `useUsageMeter`.

use super::load::Loaded;
use super::use_billing::BillingContext;
use crate::error::BillingError;
use checkout_protocol::{UsageMeterBalance, UsageMeterBalancesParams};
use leptos::prelude::*;

/// Options of [`use_usage_meters_with_options`] and [`use_usage_meter_with_options`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UseUsageMetersOptions {
    /// Only this subscription's balances (Flowglad's `subscriptionId`);
    /// every current subscription's when `None`.
    pub subscription_id: Option<String>,
}

/// What [`use_usage_meters`] returns. Cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct UseUsageMetersReturn {
    /// The balances, one per meter and current subscription; `None` until the
    /// first answer and after a failure.
    pub usage_meters: Signal<Option<Vec<UsageMeterBalance>>>,
    /// `true` until the first answer arrives (a refresh keeps the old balances).
    pub is_loading: Signal<bool>,
    /// Why the last load failed (`billing_provider_missing` outside a provider).
    pub error: Signal<Option<BillingError>>,
    balances: Option<Loaded<Result<Vec<UsageMeterBalance>, BillingError>>>,
}

impl UseUsageMetersReturn {
    /// Loads the balances again. Recording usage through
    /// `use_billing().create_usage_event` already does this.
    pub fn refresh(&self) {
        if let Some(balances) = self.balances {
            balances.refresh.notify();
        }
    }
}

/// The signed-in customer's usage meter balances, reloaded after every
/// `create_usage_event` of the same provider.
///
/// ## Usage
///
/// ```no_run
/// use checkout_widget::use_usage_meters;
/// use leptos::prelude::*;
///
/// #[component]
/// fn Meters() -> impl IntoView {
///     let meters = use_usage_meters();
///     move || match (meters.usage_meters.get(), meters.error.get()) {
///         (_, Some(error)) => error.message(),
///         (None, None) => "Loading…".to_owned(),
///         (Some(all), None) => all.iter().map(|m| format!("{}: {}", m.name, m.available_balance)).collect::<Vec<_>>().join(", "),
///     }
/// }
/// ```
pub fn use_usage_meters() -> UseUsageMetersReturn {
    use_usage_meters_with_options(UseUsageMetersOptions::default())
}

/// [`use_usage_meters`] with options.
pub fn use_usage_meters_with_options(options: UseUsageMetersOptions) -> UseUsageMetersReturn {
    let Some(context) = use_context::<BillingContext>() else {
        return UseUsageMetersReturn {
            usage_meters: Signal::stored(None),
            is_loading: Signal::stored(false),
            error: Signal::stored(Some(BillingError::NoProvider)),
            balances: None,
        };
    };
    let params = UsageMeterBalancesParams {
        subscription_id: options.subscription_id,
    };
    let balances = Loaded::new(move || {
        context.usage_changed.track();
        let client = context.client();
        let params = params.clone();
        async move {
            let client = client.ok_or(BillingError::NoProvider)?;
            Ok(client
                .usage_meter_balances(&params)
                .await?
                .usage_meter_balances)
        }
    });
    let answer = balances.value;
    UseUsageMetersReturn {
        usage_meters: Signal::derive(move || answer.get().and_then(Result::ok)),
        is_loading: Signal::derive(move || answer.with(Option::is_none)),
        error: Signal::derive(move || answer.get().and_then(Result::err)),
        balances: Some(balances),
    }
}

/// What [`use_usage_meter`] returns. Cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct UseUsageMeterReturn {
    /// The meter's balance; `None` while loading, after a failure, or when
    /// the customer has no such meter.
    pub usage_meter: Signal<Option<UsageMeterBalance>>,
    /// `true` until the first answer arrives.
    pub is_loading: Signal<bool>,
    /// Why the last load failed.
    pub error: Signal<Option<BillingError>>,
    meters: UseUsageMetersReturn,
}

impl UseUsageMeterReturn {
    /// Loads the balances again.
    pub fn refresh(&self) {
        self.meters.refresh();
    }
}

/// One usage meter's balance, by slug (the first current subscription that
/// has it, unless the options name one).
///
/// ## Usage
///
/// ```no_run
/// use checkout_widget::use_usage_meter;
/// use leptos::prelude::*;
///
/// #[component]
/// fn BuildMinutes() -> impl IntoView {
///     let minutes = use_usage_meter("build-minutes");
///     move || minutes.usage_meter.get().map(|m| format!("{} minutes left", m.available_balance))
/// }
/// ```
pub fn use_usage_meter(usage_meter_slug: impl Into<String>) -> UseUsageMeterReturn {
    use_usage_meter_with_options(usage_meter_slug, UseUsageMetersOptions::default())
}

/// [`use_usage_meter`] with options.
pub fn use_usage_meter_with_options(
    usage_meter_slug: impl Into<String>,
    options: UseUsageMetersOptions,
) -> UseUsageMeterReturn {
    let slug = usage_meter_slug.into();
    let meters = use_usage_meters_with_options(options);
    UseUsageMeterReturn {
        usage_meter: Signal::derive(move || {
            meters
                .usage_meters
                .get()?
                .into_iter()
                .find(|m| m.slug == slug)
        }),
        is_loading: meters.is_loading,
        error: meters.error,
        meters,
    }
}
