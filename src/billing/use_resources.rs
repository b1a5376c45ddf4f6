//! `use_resources()` and `use_resource(slug)`: the signed-in customer's
//! resource capacity (seats, API keys…) and claims, with claim and release,
//! mirroring Flowglad's React `useResources` / `useResource` (0.18).

use super::load::Loaded;
use super::use_billing::BillingContext;
use crate::client::BillingClient;
use crate::error::BillingError;
use checkout_protocol::resource::{
    claim_quantity, names_problem, CLAIM_ONE_FORM, CLAIM_QUANTITY_MESSAGE, RELEASE_ONE_FORM,
};
use checkout_protocol::{
    ClaimResourceParams, ClaimResourceResponse, ErrorCode, ListResourceClaimsParams,
    ReleaseResourceParams, ReleaseResourceResponse, ResourceClaim, ResourceUsage,
    ResourceUsagesParams,
};
use leptos::prelude::*;

/// Options of [`use_resources_with_options`] and [`use_resource_with_options`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UseResourcesOptions {
    /// Only this subscription's resources (Flowglad's `subscriptionId`); the
    /// customer's current subscription when `None` (the server decides).
    pub subscription_id: Option<String>,
}

/// What a claim asks for: Flowglad's `claim` params without the slug
/// ([`use_resource`] fills it) — exactly one of `quantity`, `external_id`,
/// `external_ids`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimParams {
    /// Anonymous claims, this many.
    pub quantity: Option<u32>,
    /// One named claim (idempotent: claiming the same name twice holds one).
    pub external_id: Option<String>,
    /// Several named claims.
    pub external_ids: Option<Vec<String>>,
}

/// Exactly one of the forms a claim or release may take (`one_form` says
/// so otherwise), each checked by the protocol's rules.
fn check_one_form(
    one_form: &str,
    quantity: Option<u32>,
    external_id: Option<&String>,
    external_ids: Option<&[String]>,
    claim_ids: Option<&[String]>,
) -> Result<(), BillingError> {
    let given = [
        quantity.is_some(),
        external_id.is_some(),
        external_ids.is_some(),
        claim_ids.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(invalid(one_form));
    }
    if let Some(q) = quantity {
        check_quantity(q)?;
    }
    if let Some(id) = external_id {
        check_names("externalId", std::slice::from_ref(id))?;
    }
    for (field, names) in [("externalIds", external_ids), ("claimIds", claim_ids)] {
        if let Some(names) = names {
            check_names(field, names)?;
        }
    }
    Ok(())
}

impl ClaimParams {
    /// One named claim, e.g. a seat for `alice@example.com`.
    pub fn named(external_id: impl Into<String>) -> Self {
        Self {
            external_id: Some(external_id.into()),
            ..Self::default()
        }
    }

    /// `quantity` anonymous claims.
    pub fn anonymous(quantity: u32) -> Self {
        Self {
            quantity: Some(quantity),
            ..Self::default()
        }
    }
}

/// What a release gives back: exactly one of `quantity` (oldest anonymous
/// claims first), `external_id`, `external_ids`, `claim_ids`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReleaseParams {
    /// Anonymous claims, this many.
    pub quantity: Option<u32>,
    /// One named claim.
    pub external_id: Option<String>,
    /// Several named claims.
    pub external_ids: Option<Vec<String>>,
    /// Claims by id.
    pub claim_ids: Option<Vec<String>>,
}

impl ReleaseParams {
    /// The named claim `external_id`.
    pub fn named(external_id: impl Into<String>) -> Self {
        Self {
            external_id: Some(external_id.into()),
            ..Self::default()
        }
    }

    /// The claim with this id.
    pub fn claim(id: impl Into<String>) -> Self {
        Self {
            claim_ids: Some(vec![id.into()]),
            ..Self::default()
        }
    }
}

fn invalid(message: impl Into<String>) -> BillingError {
    BillingError::validation(ErrorCode::InvalidRequest, message)
}

/// The protocol's rule for names (the server checks with the same one).
fn check_names(field: &str, names: &[String]) -> Result<(), BillingError> {
    names_problem(field, names).map_or(Ok(()), |(code, message)| {
        Err(BillingError::validation(code, message))
    })
}

/// The protocol's rule for a claim or release quantity.
fn check_quantity(quantity: u32) -> Result<(), BillingError> {
    claim_quantity(f64::from(quantity))
        .map(|_| ())
        .ok_or_else(|| BillingError::validation(ErrorCode::InvalidQuantity, CLAIM_QUANTITY_MESSAGE))
}

fn check_slug(slug: &str) -> Result<String, BillingError> {
    let slug = slug.trim();
    if slug.is_empty() {
        return Err(invalid("Give the resource's slug."));
    }
    Ok(slug.to_owned())
}

impl ClaimParams {
    /// The route's body, checked the way the server checks it.
    fn to_wire(
        &self,
        slug: &str,
        subscription_id: Option<String>,
    ) -> Result<ClaimResourceParams, BillingError> {
        check_one_form(
            CLAIM_ONE_FORM,
            self.quantity,
            self.external_id.as_ref(),
            self.external_ids.as_deref(),
            None,
        )?;
        Ok(ClaimResourceParams {
            resource_slug: check_slug(slug)?,
            subscription_id,
            metadata: None,
            quantity: self.quantity.map(f64::from),
            external_id: self.external_id.clone(),
            external_ids: self.external_ids.clone(),
        })
    }
}

impl ReleaseParams {
    /// The route's body, checked the way the server checks it.
    fn to_wire(
        &self,
        slug: &str,
        subscription_id: Option<String>,
    ) -> Result<ReleaseResourceParams, BillingError> {
        check_one_form(
            RELEASE_ONE_FORM,
            self.quantity,
            self.external_id.as_ref(),
            self.external_ids.as_deref(),
            self.claim_ids.as_deref(),
        )?;
        Ok(ReleaseResourceParams {
            resource_slug: check_slug(slug)?,
            subscription_id,
            quantity: self.quantity.map(f64::from),
            external_id: self.external_id.clone(),
            external_ids: self.external_ids.clone(),
            claim_ids: self.claim_ids.clone(),
        })
    }
}

/// What [`use_resources`] returns. Cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct UseResourcesReturn {
    /// Capacity, claimed and available per resource; `None` until the first
    /// answer and after a failure.
    pub resources: Signal<Option<Vec<ResourceUsage>>>,
    /// `true` until the first answer arrives (a refresh keeps the old data).
    pub is_loading: Signal<bool>,
    /// Why the last load failed (`billing_provider_missing` outside a provider).
    pub error: Signal<Option<BillingError>>,
    usages: Option<Loaded<Result<Vec<ResourceUsage>, BillingError>>>,
    context: Option<BillingContext>,
    subscription_id: StoredValue<Option<String>>,
}

impl UseResourcesReturn {
    /// Loads the resources again (a claim or release already does).
    pub fn refresh(&self) {
        if let Some(usages) = self.usages {
            usages.refresh.notify();
        }
    }

    fn client(&self) -> Result<(BillingClient, BillingContext), BillingError> {
        let context = self.context.ok_or(BillingError::NoProvider)?;
        let client = context.client().ok_or(BillingError::NoProvider)?;
        Ok((client, context))
    }

    /// Claims capacity of the resource `resource_slug` (`resources/claim`),
    /// then reloads every `use_resources()` / `use_resource()` of the
    /// provider, as Flowglad's `claim`. Checked first (exactly one of
    /// quantity, externalId, externalIds; a quantity from 1; names not blank,
    /// at most 255 characters); nothing is sent if wrong. An identical claim
    /// in flight is joined, not sent twice.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let resources = use_resources();
    /// let add = Action::new_local(move |email: &String| {
    ///     let params = ClaimParams::named(email.clone());
    ///     async move { resources.claim("seats", params).await }
    /// });
    /// view! { <button on:click=move |_| { add.dispatch_local("bob@example.com".into()); }>"Add Bob"</button> }
    /// # }
    /// ```
    pub async fn claim(
        &self,
        resource_slug: &str,
        params: ClaimParams,
    ) -> Result<ClaimResourceResponse, BillingError> {
        let (client, context) = self.client()?;
        let wire = params.to_wire(resource_slug, self.subscription_id.get_value())?;
        let claimed = client.claim_resource(&wire).await?;
        context.resources_changed.notify();
        Ok(claimed)
    }

    /// Releases claims of the resource `resource_slug` (`resources/release`),
    /// then reloads, as Flowglad's `release`. Checked first like
    /// [`Self::claim`].
    pub async fn release(
        &self,
        resource_slug: &str,
        params: ReleaseParams,
    ) -> Result<ReleaseResourceResponse, BillingError> {
        let (client, context) = self.client()?;
        let wire = params.to_wire(resource_slug, self.subscription_id.get_value())?;
        let released = client.release_resource(&wire).await?;
        context.resources_changed.notify();
        Ok(released)
    }
}

/// The signed-in customer's resources: capacity, claimed and available per
/// resource (`resources/usages`), reloaded after every claim and release
/// of the same provider.
///
/// ## Usage
///
/// ```no_run
/// use checkout_widget::use_resources;
/// use leptos::prelude::*;
///
/// #[component]
/// fn Capacity() -> impl IntoView {
///     let resources = use_resources();
///     move || match (resources.resources.get(), resources.error.get()) {
///         (_, Some(error)) => error.message(),
///         (None, None) => "Loading…".to_owned(),
///         (Some(all), None) => all.iter().map(|r| format!("{}: {} of {}", r.resource_slug, r.claimed, r.capacity)).collect::<Vec<_>>().join(", "),
///     }
/// }
/// ```
pub fn use_resources() -> UseResourcesReturn {
    use_resources_with_options(UseResourcesOptions::default())
}

/// [`use_resources`] with options.
pub fn use_resources_with_options(options: UseResourcesOptions) -> UseResourcesReturn {
    let subscription_id = StoredValue::new(options.subscription_id);
    let Some(context) = use_context::<BillingContext>() else {
        return UseResourcesReturn {
            resources: Signal::stored(None),
            is_loading: Signal::stored(false),
            error: Signal::stored(Some(BillingError::NoProvider)),
            usages: None,
            context: None,
            subscription_id,
        };
    };
    let usages = Loaded::new(move || {
        context.resources_changed.track();
        let client = context.client();
        let params = ResourceUsagesParams {
            subscription_id: subscription_id.get_value(),
        };
        async move {
            let client = client.ok_or(BillingError::NoProvider)?;
            Ok(client.resource_usages(&params).await?.resources)
        }
    });
    let answer = usages.value;
    UseResourcesReturn {
        resources: Signal::derive(move || answer.get().and_then(Result::ok)),
        is_loading: Signal::derive(move || answer.with(Option::is_none)),
        error: Signal::derive(move || answer.get().and_then(Result::err)),
        usages: Some(usages),
        context: Some(context),
        subscription_id,
    }
}

/// What [`use_resource`] returns. Cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct UseResourceReturn {
    /// The resource's capacity, claimed and available; `None` while loading,
    /// after a failure, or when the customer's plan has no such resource.
    pub usage: Signal<Option<ResourceUsage>>,
    /// Its active claims (empty until loaded, as Flowglad's `claims ?? []`).
    pub claims: Signal<Vec<ResourceClaim>>,
    /// `true` until the resources first arrive.
    pub is_loading: Signal<bool>,
    /// `true` until the claims first arrive.
    pub is_loading_claims: Signal<bool>,
    /// Why loading the resources, else the claims, failed.
    pub error: Signal<Option<BillingError>>,
    slug: StoredValue<String>,
    claims_resource: Option<Loaded<Result<Vec<ResourceClaim>, BillingError>>>,
    resources: UseResourcesReturn,
}

impl UseResourceReturn {
    /// Claims some of this resource (see [`UseResourcesReturn::claim`]).
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let seats = use_resource("seats");
    /// let add = Action::new_local(move |_: &()| async move { seats.claim(ClaimParams::named("bob@example.com")).await });
    /// view! { <button on:click=move |_| { add.dispatch_local(()); }>"Add Bob"</button> }
    /// # }
    /// ```
    pub async fn claim(&self, params: ClaimParams) -> Result<ClaimResourceResponse, BillingError> {
        self.resources.claim(&self.slug.get_value(), params).await
    }

    /// Releases some of this resource (see [`UseResourcesReturn::release`]).
    pub async fn release(
        &self,
        params: ReleaseParams,
    ) -> Result<ReleaseResourceResponse, BillingError> {
        self.resources.release(&self.slug.get_value(), params).await
    }

    /// Loads the resources and the claims again.
    pub fn refresh(&self) {
        self.resources.refresh();
        if let Some(claims) = self.claims_resource {
            claims.refresh.notify();
        }
    }
}

/// One resource by slug: its usage (from [`use_resources`]) and its active
/// claims (`resources/claims` with `resourceSlug`), with claim and release
/// that fill in the slug, as Flowglad's `useResource`.
///
/// ## Usage
///
/// ```no_run
/// use checkout_widget::use_resource;
/// use leptos::prelude::*;
///
/// #[component]
/// fn Seats() -> impl IntoView {
///     let seats = use_resource("seats");
///     move || seats.usage.get().map(|u| format!("{} of {} seats used", u.claimed, u.capacity))
/// }
/// ```
pub fn use_resource(resource_slug: impl Into<String>) -> UseResourceReturn {
    use_resource_with_options(resource_slug, UseResourcesOptions::default())
}

/// [`use_resource`] with options.
pub fn use_resource_with_options(
    resource_slug: impl Into<String>,
    options: UseResourcesOptions,
) -> UseResourceReturn {
    let slug = StoredValue::new(resource_slug.into());
    let subscription_id = options.subscription_id.clone();
    let resources = use_resources_with_options(options);
    let claims_resource = resources.context.map(|context| {
        Loaded::new(move || {
            context.resources_changed.track();
            let client = context.client();
            let params = ListResourceClaimsParams {
                subscription_id: subscription_id.clone(),
                resource_slug: Some(slug.get_value()),
            };
            async move {
                let client = client.ok_or(BillingError::NoProvider)?;
                Ok(client.resource_claims(&params).await?.claims)
            }
        })
    });
    UseResourceReturn {
        usage: Signal::derive(move || {
            let wanted = slug.get_value();
            resources
                .resources
                .get()?
                .into_iter()
                .find(|r| r.resource_slug == wanted)
        }),
        claims: Signal::derive(move || {
            claims_resource
                .and_then(|c| c.value.get())
                .and_then(Result::ok)
                .unwrap_or_default()
        }),
        is_loading: resources.is_loading,
        is_loading_claims: Signal::derive(move || {
            claims_resource.is_some_and(|c| c.value.with(Option::is_none))
        }),
        error: Signal::derive(move || {
            resources.error.get().or_else(|| {
                claims_resource
                    .and_then(|c| c.value.get())
                    .and_then(Result::err)
            })
        }),
        slug,
        claims_resource,
        resources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_is_exactly_one_form_with_a_valid_quantity_and_names() {
        let wire = ClaimParams::named("bob@example.com")
            .to_wire("seats", None)
            .unwrap();
        assert_eq!(wire.external_id.as_deref(), Some("bob@example.com"));
        assert_eq!(wire.resource_slug, "seats");
        let refused = |p: ClaimParams| p.to_wire("seats", None).unwrap_err().message();
        assert_eq!(refused(ClaimParams::default()), CLAIM_ONE_FORM);
        assert_eq!(
            refused(ClaimParams {
                quantity: Some(1),
                external_id: Some("a".into()),
                ..Default::default()
            }),
            CLAIM_ONE_FORM
        );
        assert_eq!(refused(ClaimParams::anonymous(0)), CLAIM_QUANTITY_MESSAGE);
        assert_eq!(
            refused(ClaimParams::anonymous(1001)),
            CLAIM_QUANTITY_MESSAGE
        );
        assert!(refused(ClaimParams::named("  ")).contains("blank"));
        assert!(refused(ClaimParams::named("x".repeat(256))).contains("255"));
        assert!(ClaimParams::named("x".repeat(255))
            .to_wire("seats", None)
            .is_ok());
        assert!(ClaimParams::named("a").to_wire(" ", None).is_err());
    }

    #[test]
    fn a_release_is_exactly_one_form() {
        let wire = ReleaseParams::claim("claim_1")
            .to_wire("seats", Some("sub_1".into()))
            .unwrap();
        assert_eq!(wire.claim_ids, Some(vec!["claim_1".to_owned()]));
        assert_eq!(wire.subscription_id.as_deref(), Some("sub_1"));
        let both = ReleaseParams {
            claim_ids: Some(vec!["c".into()]),
            external_id: Some("a".into()),
            ..Default::default()
        };
        assert_eq!(
            both.to_wire("seats", None).unwrap_err().message(),
            RELEASE_ONE_FORM
        );
        let empty = ReleaseParams {
            claim_ids: Some(vec![]),
            ..Default::default()
        };
        assert!(empty.to_wire("seats", None).is_err());
    }
}
