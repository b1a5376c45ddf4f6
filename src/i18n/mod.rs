//! The languages the widget speaks and its message catalogs: which language a
//! locale tag means, the text of each message in it, and filling a message's
//! `{0}`, `{1}` and plural forms. Numbers, money and dates are not here — the
//! browser's `Intl` formats them, in the `money` and `format` modules, which use
//! these catalogs (so this module names neither: the data flows one way).
//!
//! Free of Leptos and serde, so the script-tag embed shares it. A catalog's
//! words are static strings; an app links only the messages its code names
//! (the `catalog!` macro below).

pub mod files;
pub mod loaded;
#[cfg(any(feature = "leptos", feature = "hosted-checkout"))]
pub mod page;
#[cfg(feature = "leptos")]
pub mod panel;
pub mod widget;

/// A language with a catalog. Any other locale reads English text (its
/// amounts and dates still follow the locale, through `Intl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// German.
    De,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Japanese.
    Ja,
    /// Arabic, written right to left.
    Ar,
}

impl Lang {
    /// Every language, in catalog column order.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::De, Lang::Fr, Lang::Es, Lang::Ja, Lang::Ar];

    /// The language a BCP 47 tag names (`de-AT` → German), if it has a catalog.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        // Every catalog language has a two-letter code: compare bytes, which
        // keeps string splitting out of the script-tag bundle.
        let primary = match tag.trim().as_bytes() {
            [a, b] | [a, b, b'-' | b'_', ..] => [a.to_ascii_lowercase(), b.to_ascii_lowercase()],
            _ => return None,
        };
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().as_bytes() == primary)
    }

    /// The language for `locale`, English when it has no catalog.
    pub fn of(locale: &str) -> Lang {
        Lang::from_tag(locale).unwrap_or_default()
    }

    /// The ISO 639-1 code, e.g. `de`: the `lang` attribute of text in it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ja => "ja",
            Lang::Ar => "ar",
        }
    }

    /// The `dir` attribute for text in this language.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar {
            "rtl"
        } else {
            "ltr"
        }
    }
}

/// The first of the customer's preferred locale tags (most preferred first)
/// whose language has a catalog — `["pt-BR", "de-AT", "en"]` → `de-AT` —
/// else the first tag; `None` when none is given.
pub fn negotiate(preferred: impl IntoIterator<Item = String>) -> Option<String> {
    let mut first = None;
    for tag in preferred {
        if Lang::from_tag(&tag).is_some() {
            return Some(tag);
        }
        if first.is_none() && !tag.trim().is_empty() {
            first = Some(tag);
        }
    }
    first
}

/// A message's text in one language.
pub trait Message: Copy {
    /// The text of this message in `lang` (with any placeholders left in).
    fn text(self, lang: Lang) -> &'static str;
}

/// A message catalog as a whole: what its files are called and how a file
/// proves it was written for this build's messages.
pub trait Catalog {
    /// Its name in file names: `widget` → `locales/widget.fr.json`.
    const FILE: &'static str;
    /// How many messages it has (one line each).
    const COUNT: usize;
    /// [`fingerprint`] of its English text: a file for another list of
    /// messages (an older build's, from a cache) is refused, not misread.
    const FINGERPRINT: u32;
}

/// FNV-1a of `text`: a catalog's identity, computed at compile time.
pub const fn fingerprint(text: &str) -> u32 {
    let bytes = text.as_bytes();
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

/// `{0}`, `{1}`, … in `template` replaced by `args` in order; a slot
/// without an argument stays as it is. (Not `String.replaceAll`: a `$` in a
/// merchant's name or an amount would be read as a pattern there.)
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut parts = pieces(template, b'{');
    let mut out = String::from(parts.next().unwrap_or_default());
    for part in parts {
        let arg = match part.as_bytes() {
            [digit @ b'0'..=b'9', b'}', ..] => args.get(usize::from(digit - b'0')),
            _ => None,
        };
        match (arg, part.get(2..)) {
            (Some(arg), Some(rest)) => {
                out.push_str(arg);
                out.push_str(rest);
            }
            _ => {
                out.push('{');
                out.push_str(part);
            }
        }
    }
    out
}

/// The form of a plural message for a CLDR plural category (`one`, `two`,
/// `few`, `many`, `other`, as `Intl.PluralRules` names them). A plural
/// message is written `one=…|other=…`; the `other` form stands in for a
/// category it lacks, and a message without forms is its own only form.
pub fn plural_form(template: &'static str, category: &str) -> &'static str {
    let mut other = template;
    for form in pieces(template, b'|') {
        let mut halves = pieces(form, b'=');
        if let (Some(key), Some(text), None) = (halves.next(), halves.next(), halves.next()) {
            if key == category {
                return text;
            }
            if key == "other" {
                other = text;
            }
        }
    }
    other
}

/// `text` cut at every `separator` (an ASCII byte). Hand-written rather than
/// `str::split`: the script-tag bundle is smaller without the pattern
/// machinery and the panics that come with index slicing.
pub(crate) fn pieces(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == separator) {
            Some(at) => {
                rest = current.get(at + 1..);
                current.get(..at)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// A plural message for `count` in `locale`, with the count (formatted by
/// `Intl.NumberFormat`, so Arabic gets its own digits) in `{0}`.
pub fn plural<M: Message>(message: M, count: u32, locale: &str) -> String {
    let lang = Lang::of(locale);
    let form = plural_form(
        message.text(lang),
        &crate::intl::plural_category(locale, count),
    );
    fill(form, &[&crate::intl::format_count(locale, count)])
}

/// Line `index` of `text` (lines end at `\n`), empty past the last one:
/// a message's words in one language. Not generic and never inlined, so
/// every message's lookup is this one scan.
#[cfg(not(feature = "catalogs-on-demand"))]
#[inline(never)]
pub fn line(text: &'static str, index: usize) -> &'static str {
    pieces(text, b'\n').nth(index).unwrap_or_default()
}

/// Declares a message type and its catalog in one place, so a message
/// cannot lack a translation: each message lists its text in every
/// language, in [`Lang::ALL`] order, and the English text becomes its doc
/// comment. Two layouts, the same calls (`Msg::X.text(lang)`):
///
/// - `struct`, for the catalogs a Leptos app links (`panel`, `widget`): a
///   message is a constant holding its own words, its six languages a line
///   each, so an app links only the words its code names — also where it
///   picks a message at run time (kept in a signal, say), which a `match`
///   on an index would turn into a table of every message.
/// - `enum`, a byte per message and each language's messages one string, a
///   line per message: the hosted page's words (`page`), which that page
///   shows nearly all of and compares as values; and every catalog in the
///   `catalogs-on-demand` builds (the embed, the hosted page), where only
///   English is compiled in and a message is a line of it or of the
///   language's file installed by [`loaded::install`] (the files are
///   [`files`]' output from this same source) — a message that carried its
///   words there would cost each call site more than the English it spares.
macro_rules! catalog {
    ($(#[$meta:meta])* $vis:vis struct $name:ident in $file:literal { $($messages:tt)* }) => {
        #[cfg(not(feature = "catalogs-on-demand"))]
        $crate::i18n::catalog!(@words $(#[$meta])* $vis $name in $file { $($messages)* });
        #[cfg(feature = "catalogs-on-demand")]
        $crate::i18n::catalog!($(#[$meta])* $vis enum $name in $file { $($messages)* });
    };
    (@words $(#[$meta:meta])* $vis:vis $name:ident in $file:literal {
        $($variant:ident => [$en:literal, $de:literal, $fr:literal, $es:literal, $ja:literal, $ar:literal],)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis struct $name {
            /// Its words, a line per language in `Lang::ALL` order.
            words: &'static str,
        }

        #[allow(non_upper_case_globals)]
        impl $name {
            $(
                #[doc = $en]
                $vis const $variant: $name = $name {
                    words: concat!($en, "\n", $de, "\n", $fr, "\n", $es, "\n", $ja, "\n", $ar),
                };
            )*

            /// Every message in file order, for tests that check the catalog.
            #[cfg(test)]
            pub(crate) const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// Whether every message has exactly a line per language (a
            /// line break inside a text would shift the languages after it).
            #[cfg(test)]
            pub(crate) fn lines_match() -> bool {
                Self::ALL.iter().all(|m| $crate::i18n::pieces(m.words, b'\n').count() == 6)
            }
        }

        $crate::i18n::catalog!(@catalog $name $file [$($en)*] [$($variant)*]);

        impl $crate::i18n::Message for $name {
            // Inlined: a call site passes the message's own words.
            #[inline(always)]
            fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                $crate::i18n::line(self.words, lang as usize)
            }
        }
    };
    ($(#[$meta:meta])* $vis:vis enum $name:ident in $file:literal {
        $($variant:ident => [$en:literal, $de:literal, $fr:literal, $es:literal, $ja:literal, $ar:literal],)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $(#[doc = $en] $variant,)*
        }

        impl $name {
            /// Every language's text, a line per message.
            #[cfg(not(feature = "catalogs-on-demand"))]
            const TEXT: [&'static str; 6] = [
                Self::ENGLISH,
                concat!($($de, "\n",)*),
                concat!($($fr, "\n",)*),
                concat!($($es, "\n",)*),
                concat!($($ja, "\n",)*),
                concat!($($ar, "\n",)*),
            ];

            /// Every message, for tests that check the catalog.
            #[cfg(test)]
            pub(crate) const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// Whether every language has exactly one line per message (a
            /// line break inside a text would shift every later message).
            #[cfg(test)]
            pub(crate) fn lines_match() -> bool {
                #[cfg(not(feature = "catalogs-on-demand"))]
                let texts = Self::TEXT;
                #[cfg(feature = "catalogs-on-demand")]
                let texts = [Self::ENGLISH];
                texts.iter().all(|text| $crate::i18n::pieces(text, b'\n').count() == Self::ALL.len() + 1)
            }
        }

        $crate::i18n::catalog!(@catalog $name $file [$($en)*] [$($variant)*]);

        impl $crate::i18n::Message for $name {
            fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                #[cfg(not(feature = "catalogs-on-demand"))]
                let table = Self::TEXT[lang as usize];
                #[cfg(feature = "catalogs-on-demand")]
                let table = $crate::i18n::loaded::table(<Self as $crate::i18n::Catalog>::FILE, lang)
                    .unwrap_or(Self::ENGLISH);
                $crate::i18n::pieces(table, b'\n').nth(self as usize).unwrap_or_default()
            }
        }
    };
    (@catalog $name:ident $file:literal [$($en:literal)*] [$($variant:ident)*]) => {
        impl $name {
            /// The English text, a line per message: what a file's
            /// fingerprint is of.
            const ENGLISH: &'static str = concat!($($en, "\n",)*);
        }

        impl $crate::i18n::Catalog for $name {
            const FILE: &'static str = $file;
            const COUNT: usize = [$(stringify!($variant),)*].len();
            const FINGERPRINT: u32 = $crate::i18n::fingerprint(Self::ENGLISH);
        }
    };
}
pub(crate) use catalog;

/// Checks a catalog: every translation uses the same placeholders as the
/// English text, and plural forms only name CLDR categories.
#[cfg(test)]
pub(crate) fn check_catalog<M: Message + std::fmt::Debug>(all: &[M]) {
    const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
    let slots = |text: &str| ["{0}", "{1}", "{2}"].map(|s| text.contains(s));
    for &message in all {
        let english = message.text(Lang::En);
        for lang in Lang::ALL {
            let text = message.text(lang);
            assert!(!text.trim().is_empty(), "{message:?} has no {lang:?} text");
            for form in text.split('|') {
                if let Some((key, _)) = form.split_once('=') {
                    assert!(
                        CATEGORIES.contains(&key),
                        "{message:?} in {lang:?}: unknown plural form {key}"
                    );
                }
            }
            // Arabic's "two" form may spell the number out, so only the whole
            // message must mention each placeholder somewhere.
            let (want, have) = (slots(english), slots(text));
            for i in 0..3 {
                assert_eq!(
                    want[i], have[i],
                    "{message:?} in {lang:?}: placeholder {{{i}}} differs from English"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_languages() {
        assert_eq!(Lang::from_tag("de-AT"), Some(Lang::De));
        assert_eq!(Lang::from_tag("JA_jp"), Some(Lang::Ja));
        assert_eq!(Lang::from_tag("ar"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag("pt-BR"), None);
        assert_eq!(Lang::from_tag("deu"), None);
        assert_eq!(Lang::from_tag(" fr "), Some(Lang::Fr));
        assert_eq!(Lang::of("pt-BR"), Lang::En);
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Fr.dir(), "ltr");
    }

    #[test]
    fn negotiation_takes_the_first_supported_language() {
        let tags = |list: &[&str]| list.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            negotiate(tags(&["pt-BR", "de-AT", "en"])).as_deref(),
            Some("de-AT")
        );
        assert_eq!(negotiate(tags(&["pt-BR"])).as_deref(), Some("pt-BR"));
        assert_eq!(negotiate(tags(&[" ", "es-MX"])).as_deref(), Some("es-MX"));
        assert_eq!(negotiate(tags(&[])), None);
    }

    #[test]
    fn plural_forms_fall_back_to_other() {
        let months = "one=every {0} month|other=every {0} months";
        assert_eq!(plural_form(months, "one"), "every {0} month");
        assert_eq!(plural_form(months, "few"), "every {0} months");
        assert_eq!(plural_form("{0}か月ごと", "other"), "{0}か月ごと");
        assert_eq!(fill("Qty {0} × {1}", &["2", "$5.00"]), "Qty 2 × $5.00");
        assert_eq!(fill("{0}", &[]), "{0}");
        assert_eq!(
            fill("Pay {0} to {1}", &["$$12", "A&B {1}"]),
            "Pay $$12 to A&B {1}"
        );
        assert_eq!(fill("{x} {0}{", &["a"]), "{x} a{");
        assert_eq!(
            pieces("a|b||", b'|').collect::<Vec<_>>(),
            ["a", "b", "", ""]
        );
        assert_eq!(plural_form("a=b=c|other=d", "a"), "d");
    }
}
