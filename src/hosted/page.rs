//! The hosted checkout page for one session (`/checkout/{id}`,
//! `/add-payment-method/{id}`): loads the session and shows the summary and
//! the pay column, a receipt, or why it cannot be paid. Drawn in plain DOM
//! (issue 17): the page's bundle carries no UI framework.

use super::context::PageContext;
use super::dom::{append, attrs, el, el_text, replace, Scope};
use super::payment_form::PayColumn;
use super::summary::{Summary, SummaryHooks};
use super::{appearance, embedding, status};
use crate::browser;
use crate::client::HostedClient;
use crate::error::BillingError;
use crate::i18n::{fill, page::Msg, Lang, Message};
use crate::transport::{FetchTransport, SharedTransport};
use checkout_protocol::{CheckoutSessionStatus, HostedCheckoutSession};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use web_sys::Element;

/// What the page shows. A discount or a quantity changes the session but
/// not the screen, so the form (and what the customer typed) stays put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The session is being read: the skeleton.
    Loading,
    /// No session has this id.
    NotFound,
    /// The session could not be read (network, server).
    LoadFailed,
    /// Open: the summary and the pay column.
    Open,
    /// Paid (or its card saved): the receipt.
    Succeeded,
    /// Expired or failed.
    Expired,
    /// A payment is being processed elsewhere.
    Pending,
}

impl Screen {
    /// The screen for what the session read answered.
    pub fn of(loaded: &Result<HostedCheckoutSession, BillingError>) -> Self {
        match loaded {
            Err(e) if e.code() == "checkout_session_not_found" => Self::NotFound,
            Err(_) => Self::LoadFailed,
            Ok(s) => match s.status {
                CheckoutSessionStatus::Open => Self::Open,
                CheckoutSessionStatus::Succeeded => Self::Succeeded,
                CheckoutSessionStatus::Expired | CheckoutSessionStatus::Failed => Self::Expired,
                CheckoutSessionStatus::Pending => Self::Pending,
            },
        }
    }
}

/// A mounted hosted page; dropping it takes the page out of the document.
pub struct HostedPage(Rc<Page>);

impl Drop for HostedPage {
    fn drop(&mut self) {
        self.0.main.remove();
    }
}

/// The open screen's two columns, kept while the session stays open.
struct OpenColumns {
    summary: Rc<Summary>,
    pay: Rc<PayColumn>,
}

struct Page {
    context: Rc<PageContext>,
    session_id: String,
    main: Element,
    banner: Element,
    /// The logo header and the branding it was drawn for (src, alt).
    logo: RefCell<Option<(Element, String, String)>>,
    screen: Cell<Screen>,
    /// The screen's nodes, after the banner and the logo.
    body: RefCell<Vec<Element>>,
    open: RefCell<Option<OpenColumns>>,
    /// The screen's listeners (retry, print, check again, …).
    scope: RefCell<Scope>,
}

/// Mounts the hosted page for `session_id` at the end of `parent`, speaking
/// `locale`, sending through `transport` (the browser's `fetch` when `None`).
pub fn mount(
    parent: &Element,
    session_id: &str,
    locale: &str,
    transport: Option<SharedTransport>,
) -> HostedPage {
    let transport = transport.unwrap_or_else(|| Rc::new(FetchTransport::default()));
    let lang = Lang::of(locale);
    mark_document_language(lang);
    appearance::apply_theme(appearance::theme_of(
        browser::query_param("theme").as_deref(),
    ));
    let page = Rc::new_cyclic(|this: &Weak<Page>| {
        let this = this.clone();
        let context = Rc::new(PageContext {
            client: HostedClient::new(transport),
            lang,
            locale: locale.to_owned(),
            reload: Rc::new(move || {
                if let Some(page) = this.upgrade() {
                    Page::load(&page);
                }
            }),
        });
        let main = el("main", "co");
        attrs(&main, &[("id", "main")]);
        let banner = el("p", "co-test-banner");
        append(&banner, &[&el_text("strong", "", Msg::TestMode.text(lang))]);
        let _ = banner.append_with_str_1(&format!(" {}", Msg::TestModeHint.text(lang)));
        append(&main, &[&banner]);
        Page {
            context,
            session_id: session_id.to_owned(),
            main,
            banner,
            logo: RefCell::default(),
            screen: Cell::new(Screen::Loading),
            body: RefCell::default(),
            open: RefCell::default(),
            scope: RefCell::default(),
        }
    });
    page.set_body(skeleton(lang));
    append(parent, &[&page.main]);
    Page::load(&page);
    if embedding::is_embedded() {
        embedding::watch_height();
    }
    HostedPage(page)
}

impl Page {
    /// Reads the session and shows what it says.
    fn load(this: &Rc<Self>) {
        let weak = Rc::downgrade(this);
        let (client, id) = (this.context.client.clone(), this.session_id.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let loaded = client.session(&id).await;
            if let Some(page) = weak.upgrade() {
                Page::show(&page, loaded);
            }
        });
    }

    /// Shows a read (or changed) session: a new screen is drawn afresh; the
    /// open screen's columns follow the session in place.
    fn show(this: &Rc<Self>, loaded: Result<HostedCheckoutSession, BillingError>) {
        let screen = Screen::of(&loaded);
        let lang = this.context.lang;
        this.show_logo(loaded.as_ref().ok());
        if let Ok(s) = &loaded {
            browser::set_title(&fill(Msg::PageTitle.text(lang), &[&s.merchant_name]));
            appearance::apply_branding(s.branding.as_ref());
        }
        if screen == this.screen.get() {
            // The same screen: only the open one follows the session.
            // The columns are cloned out first: nothing may hold the page's
            // cell while they run.
            let open = this
                .open
                .borrow()
                .as_ref()
                .map(|open| (open.summary.clone(), open.pay.clone()));
            if let (Ok(s), Some((summary, pay))) = (&loaded, open) {
                summary.session_changed(s);
                pay.session_changed(s);
            }
            return;
        }
        this.screen.set(screen);
        // The old screen's views and listeners go with it.
        this.open.take();
        let scope = Scope::default();
        let locale = &this.context.locale;
        match (screen, &loaded) {
            (Screen::Open, Ok(s)) => {
                let grid = el("div", "co-grid");
                this.set_body(vec![grid.clone()]);
                let open = Self::open_columns(this, s);
                append(&grid, &[&open.summary.root(), &open.pay.root()]);
                *this.open.borrow_mut() = Some(open);
            }
            (Screen::Succeeded, Ok(s)) => this.set_body(vec![status::receipt(s, locale, &scope)]),
            (Screen::Expired, Ok(s)) => this.set_body(vec![status::expired(s, lang, &scope)]),
            (Screen::Pending, _) => {
                this.set_body(vec![status::processing(lang, &scope, this, Page::load)])
            }
            (Screen::NotFound, _) => this.set_body(vec![status::not_found(lang)]),
            (Screen::LoadFailed, Err(error)) => this.set_body(vec![status::load_failed(
                error,
                lang,
                &scope,
                this,
                Page::load,
            )]),
            _ => this.set_body(skeleton(lang)),
        }
        *this.scope.borrow_mut() = scope;
    }

    /// The summary and pay column of an open session, wired to each other
    /// through the page: a changed session reaches both, and the pay
    /// button waits while a quantity change is in flight.
    fn open_columns(this: &Rc<Self>, session: &HostedCheckoutSession) -> OpenColumns {
        let weak = Rc::downgrade(this);
        let updating = weak.clone();
        let hooks = SummaryHooks {
            on_updated: Rc::new(move |s| {
                if let Some(page) = weak.upgrade() {
                    Page::show(&page, Ok(s));
                }
            }),
            on_quantity_updating: Rc::new(move |busy| {
                let Some(page) = updating.upgrade() else {
                    return;
                };
                let pay = page.open.borrow().as_ref().map(|open| open.pay.clone());
                if let Some(pay) = pay {
                    pay.set_quantity_updating(busy);
                }
            }),
        };
        let pay = PayColumn::new(&this.context, session);
        OpenColumns {
            summary: Summary::new(&this.context, session, hooks),
            pay,
        }
    }

    /// Replaces the screen's nodes (after the banner and the logo).
    fn set_body(&self, nodes: Vec<Element>) {
        for old in self.body.take() {
            old.remove();
        }
        append(&self.main, &nodes.iter().collect::<Vec<_>>());
        *self.body.borrow_mut() = nodes;
    }

    /// The merchant's logo, named by the merchant's name (its alt text),
    /// between the test banner and the screen; none without a session.
    fn show_logo(&self, session: Option<&HostedCheckoutSession>) {
        let wanted = session.and_then(|s| {
            appearance::logo_url(s.branding.as_ref()).map(|src| (src, s.merchant_name.clone()))
        });
        let mut logo = self.logo.borrow_mut();
        let drawn = logo
            .as_ref()
            .map(|(_, src, alt)| (src.clone(), alt.clone()));
        if drawn == wanted {
            return;
        }
        let new = wanted.map(|(src, alt)| {
            let header = el("header", "co-header");
            let img = el("img", "co-logo");
            attrs(
                &img,
                &[
                    ("src", src.as_str()),
                    ("alt", alt.as_str()),
                    ("height", "40"),
                ],
            );
            append(&header, &[&img]);
            (header, src, alt)
        });
        match (logo.take(), &new) {
            (Some((old, ..)), Some((header, ..))) => replace(&old, header),
            (Some((old, ..)), None) => old.remove(),
            (None, Some((header, ..))) => {
                let _ = self
                    .main
                    .insert_before(header, self.banner.next_sibling().as_ref());
            }
            (None, None) => {}
        }
        *logo = new;
    }
}

/// Grey blocks where the summary and form will appear, as large as they are,
/// so nothing jumps; screen readers hear that the checkout is loading.
fn skeleton(lang: Lang) -> Vec<Element> {
    let said = el_text("p", "cw-visually-hidden", Msg::LoadingCheckout.text(lang));
    attrs(&said, &[("role", "status")]);
    let grid = el("div", "co-grid");
    attrs(&grid, &[("aria-hidden", "true")]);
    let column = |class: &str, blocks: &[&str]| {
        let column = el("div", class);
        for block in blocks {
            append(&column, &[&el("span", block)]);
        }
        column
    };
    append(
        &grid,
        &[
            &column(
                "co-summary co-skeleton",
                &[
                    "co-skel co-skel-short",
                    "co-skel co-skel-title",
                    "co-skel co-skel-hero",
                    "co-skel",
                    "co-skel",
                ],
            ),
            &column(
                "co-pay co-skeleton",
                &[
                    "co-skel co-skel-title",
                    "co-skel co-skel-input",
                    "co-skel co-skel-input",
                    "co-skel co-skel-input",
                    "co-skel co-skel-button",
                ],
            ),
        ],
    );
    vec![said, grid]
}

/// Marks the page with the customer's language and writing direction, so
/// screen readers pronounce it right and Arabic lays out right to left (the
/// stylesheet uses logical properties, so it mirrors).
pub fn mark_document_language(lang: Lang) {
    if let Some(html) = super::dom::document().and_then(|d| d.document_element()) {
        let _ = html.set_attribute("lang", lang.code());
        let _ = html.set_attribute("dir", lang.dir());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> BillingError {
        BillingError::Api {
            status: 404,
            code: code.to_owned(),
            message: "m".to_owned(),
        }
    }

    fn session(status: &str) -> HostedCheckoutSession {
        serde_json::from_str(&format!(
            r#"{{"id":"cs_1","type":"product","status":"{status}","merchantName":"M","currency":"USD",
                "lineItems":[],"subtotal":0,"discount":0,"totalDueToday":0,"expires":1}}"#
        ))
        .unwrap()
    }

    #[test]
    fn each_answer_has_its_screen() {
        let cases = [
            (Err(api("checkout_session_not_found")), Screen::NotFound),
            (Err(BillingError::Network), Screen::LoadFailed),
            (Err(api("internal_error")), Screen::LoadFailed),
            (Ok(session("open")), Screen::Open),
            (Ok(session("succeeded")), Screen::Succeeded),
            (Ok(session("expired")), Screen::Expired),
            (Ok(session("failed")), Screen::Expired),
            (Ok(session("pending")), Screen::Pending),
        ];
        for (loaded, screen) in cases {
            assert_eq!(Screen::of(&loaded), screen, "{loaded:?}");
        }
    }
}
