//! The widget's words in languages other than English, fetched through
//! `catalog_files` and awaited on the embed's own executor (`promise`).

use super::promise::{settled, spawn};
use crate::catalog_files;
use crate::i18n::{widget::Msg, Lang};

/// Starts (or joins) the fetch of the widget's words in `lang`; `None` when
/// none is needed.
pub fn request(lang: Lang) -> Option<js_sys::Promise> {
    catalog_files::request::<Msg>(lang)
}

/// Waits for `request`'s file and installs it when it fits this build;
/// otherwise the page reads English.
pub async fn install(lang: Lang, request: Option<js_sys::Promise>) {
    if let Some(request) = request {
        if let Ok(entries) = settled(&request).await {
            catalog_files::install_entries::<Msg>(lang, &entries);
        }
    }
}

/// Fetches and installs the words in `lang` in the background, for an
/// overlay the JS API opens before any element has loaded its own.
pub fn prefetch(lang: Lang) {
    let request = request(lang);
    if request.is_some() {
        spawn(Box::pin(install(lang, request)));
    }
}
