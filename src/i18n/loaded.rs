//! The catalogs fetched at run time (the `catalogs-on-demand` builds): a
//! file's messages checked against the catalog this build was compiled with,
//! then kept for the page's life. A page speaks one or two languages, so this
//! is a short list, and each catalog is installed once.

use super::{Catalog, Lang};
use std::cell::Cell;

thread_local! {
    /// `(catalog file name, language, its text a line per message)`. A
    /// `Cell`, taken and put back: no borrow flag to check, nothing that
    /// can panic.
    static LOADED: Cell<Vec<(&'static str, Lang, &'static str)>> = const { Cell::new(Vec::new()) };
}

/// Why a catalog file was refused (the page then reads English).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Its first entry is not this build's fingerprint: another version's file.
    OtherVersion,
    /// It has more or fewer messages than the catalog.
    WrongCount,
    /// A message is not a string, is empty, or holds a line break.
    BadMessage,
}

/// The text of `C` in `lang` — `fingerprint, message…` as the file lists
/// them — as one string with a line per message, or why it is refused.
/// Pure, so the rules are tested natively; [`install`] keeps the result.
pub fn accept<C: Catalog>(
    fingerprint: Option<f64>,
    messages: impl IntoIterator<Item = Option<String>>,
) -> Result<String, Refused> {
    if fingerprint != Some(f64::from(C::FINGERPRINT)) {
        return Err(Refused::OtherVersion);
    }
    let mut text = String::new();
    let mut count = 0;
    for message in messages {
        let message = message.ok_or(Refused::BadMessage)?;
        if message.trim().is_empty() || message.contains('\n') {
            return Err(Refused::BadMessage);
        }
        text.push_str(&message);
        text.push('\n');
        count += 1;
    }
    if count != C::COUNT {
        return Err(Refused::WrongCount);
    }
    Ok(text)
}

/// Keeps `text` (from [`accept`]) as catalog `C` in `lang`. The string lives
/// as long as the page, as the compiled-in catalogs do, so messages stay
/// `&'static str`; a second install of the same catalog is ignored.
pub fn install<C: Catalog>(lang: Lang, text: String) {
    if lang == Lang::En || table(C::FILE, lang).is_some() {
        return;
    }
    let text: &'static str = Box::leak(text.into_boxed_str());
    LOADED.with(|l| {
        let mut loaded = l.take();
        loaded.push((C::FILE, lang, text));
        l.set(loaded);
    });
}

/// Whether catalog `C` still has to be loaded for `lang` (English never does).
pub fn missing<C: Catalog>(lang: Lang) -> bool {
    cfg!(feature = "catalogs-on-demand") && lang != Lang::En && table(C::FILE, lang).is_none()
}

/// The installed text of catalog `file` in `lang`, if any.
pub fn table(file: &str, lang: Lang) -> Option<&'static str> {
    LOADED.with(|l| {
        let loaded = l.take();
        let text = loaded
            .iter()
            .find(|(f, g, _)| *f == file && *g == lang)
            .map(|(_, _, text)| *text);
        l.set(loaded);
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::widget::Msg;

    fn file(fingerprint: f64, count: usize) -> (Option<f64>, Vec<Option<String>>) {
        let messages = (0..count).map(|i| Some(format!("m{i}"))).collect();
        (Some(fingerprint), messages)
    }

    #[test]
    fn a_file_of_this_build_is_accepted_line_per_message() {
        let (fp, messages) = file(f64::from(Msg::FINGERPRINT), Msg::COUNT);
        let text = accept::<Msg>(fp, messages).unwrap();
        assert_eq!(text.lines().count(), Msg::COUNT);
        assert!(text.starts_with("m0\nm1\n"));
    }

    #[test]
    fn another_version_a_wrong_count_or_a_bad_message_is_refused() {
        let (_, messages) = file(0.0, Msg::COUNT);
        assert_eq!(
            accept::<Msg>(Some(f64::from(Msg::FINGERPRINT ^ 1)), messages.clone()),
            Err(Refused::OtherVersion)
        );
        assert_eq!(
            accept::<Msg>(None, messages.clone()),
            Err(Refused::OtherVersion)
        );
        let fp = Some(f64::from(Msg::FINGERPRINT));
        assert_eq!(
            accept::<Msg>(fp, messages[1..].to_vec()),
            Err(Refused::WrongCount)
        );
        let mut more = messages.clone();
        more.push(Some("extra".into()));
        assert_eq!(accept::<Msg>(fp, more), Err(Refused::WrongCount));
        for bad in [None, Some(String::new()), Some("two\nlines".into())] {
            let mut broken = messages.clone();
            broken[3] = bad;
            assert_eq!(accept::<Msg>(fp, broken), Err(Refused::BadMessage));
        }
    }

    /// A message reads its line of the file installed for the language (the
    /// file lists the catalog's messages in order); a language without one
    /// reads English.
    #[test]
    #[cfg(feature = "catalogs-on-demand")]
    fn a_message_reads_its_line_of_an_installed_file() {
        use crate::i18n::Message;
        let file: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../locales/widget.fr.json")).unwrap();
        let messages = file[1..].iter().map(|m| m.as_str().map(str::to_owned));
        let text = accept::<Msg>(file[0].as_f64(), messages).unwrap();
        assert_eq!(Msg::Monthly.text(Lang::Fr), "Monthly");
        install::<Msg>(Lang::Fr, text);
        assert_eq!(Msg::Monthly.text(Lang::Fr), "Mensuel");
        assert_eq!(Msg::TryAgain.text(Lang::Fr), "Réessayer");
        assert_eq!(Msg::Monthly.text(Lang::De), "Monthly");
        assert_eq!(Msg::Monthly.text(Lang::En), "Monthly");
    }

    #[test]
    fn an_installed_catalog_is_found_by_file_and_language() {
        assert_eq!(table("test-only", Lang::Fr), None);
        struct Probe;
        impl Catalog for Probe {
            const FILE: &'static str = "test-only";
            const COUNT: usize = 1;
            const FINGERPRINT: u32 = 7;
        }
        install::<Probe>(Lang::Fr, "Bonjour\n".into());
        install::<Probe>(Lang::Fr, "Ignoré\n".into());
        install::<Probe>(Lang::En, "Hello\n".into());
        assert_eq!(table("test-only", Lang::Fr), Some("Bonjour\n"));
        assert_eq!(table("test-only", Lang::De), None);
        assert_eq!(table("test-only", Lang::En), None);
    }
}
