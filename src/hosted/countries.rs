//! Countries for the billing address: ISO 3166-1 alpha-2 codes (data), with
//! names in the customer's language from `Intl.DisplayNames`, sorted by
//! `Intl.Collator`.

/// Every assigned ISO 3166-1 alpha-2 code.
const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM \
FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV \
MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD \
SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC \
VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Whether `code` is an assigned country code.
pub fn is_country(code: &str) -> bool {
    code.len() == 2 && CODES.split(' ').any(|c| c == code)
}

/// (code, name) for every country, sorted by name for `locale`.
pub fn countries(locale: &str) -> Vec<(&'static str, String)> {
    let mut list: Vec<(&'static str, String)> = CODES
        .split(' ')
        .map(|code| (code, name(code, locale)))
        .collect();
    sort_by_name(&mut list, locale);
    list
}

/// The country a locale tag names, e.g. `en-US` → `US`, if it names an assigned one.
pub fn country_of_locale(locale: &str) -> Option<&'static str> {
    let region = locale
        .split(['-', '_'])
        .skip(1)
        .find(|part| part.len() == 2)?
        .to_ascii_uppercase();
    CODES.split(' ').find(|c| *c == region)
}

#[cfg(target_arch = "wasm32")]
fn name(code: &'static str, locale: &str) -> String {
    thread_local! {
        static NAMES: std::cell::RefCell<Option<(String, crate::intl::DisplayNames)>> = const { std::cell::RefCell::new(None) };
    }
    NAMES.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().is_none_or(|(l, _)| l != locale) {
            *cell = crate::intl::DisplayNames::regions(locale).map(|n| (locale.to_owned(), n));
        }
        cell.as_ref()
            .and_then(|(_, names)| names.name(code))
            .unwrap_or_else(|| code.to_owned())
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn name(code: &'static str, _locale: &str) -> String {
    code.to_owned()
}

#[cfg(target_arch = "wasm32")]
fn sort_by_name(list: &mut [(&'static str, String)], locale: &str) {
    // One `sort_by` with the choice inside: each call site is its own copy
    // of the standard library's sort, 4 KB of wasm.
    let collator = crate::intl::Collator::for_locale(locale);
    list.sort_by(|a, b| match &collator {
        Some(collator) => collator.compare(&a.1, &b.1).total_cmp(&0.0),
        None => a.1.cmp(&b.1),
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn sort_by_name(list: &mut [(&'static str, String)], _locale: &str) {
    list.sort_by(|a, b| a.1.cmp(&b.1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let codes: Vec<&str> = CODES.split(' ').collect();
        assert_eq!(codes.len(), 249);
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        assert!(codes
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
    }

    #[test]
    fn locale_regions() {
        assert_eq!(country_of_locale("en-US"), Some("US"));
        assert_eq!(country_of_locale("de-de"), Some("DE"));
        assert_eq!(country_of_locale("zh-Hant-TW"), Some("TW"));
        assert_eq!(country_of_locale("ja"), None);
        assert_eq!(country_of_locale("en-XX"), None);
        assert!(is_country("JP") && !is_country("XX") && !is_country("jp"));
    }
}
