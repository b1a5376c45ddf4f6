// The message catalogs in languages other than English, fetched from
// `locales/` beside the bundle (src/i18n/files.rs writes them) when a page's
// locale needs them. The wasm asks through the loader installed here
// (src/catalog_files.rs); the entry asks first, while the wasm downloads, so
// a catalog costs no round trip of its own. Every failure resolves to null:
// the page then reads English, and the checkout goes on.

// The languages with catalogs besides English (src/i18n/mod.rs, `Lang`).
const LANGUAGES = ['de', 'fr', 'es', 'ja', 'ar'];

// Installs the loader (once per page) and returns it: file name → Promise of
// the parsed file or null. `base` is the entry module's URL.
export function catalogLoader(base) {
  const key = Symbol.for('checkout-widget.catalog');
  if (typeof globalThis[key] !== 'function') {
    const files = new Map();
    globalThis[key] = (file) => {
      if (!files.has(file)) {
        files.set(
          file,
          fetch(new URL(`locales/${file}`, base), {
            credentials: 'omit',
            signal: AbortSignal.timeout?.(8000),
          })
            .then((response) => (response.ok ? response.json() : null))
            .catch(() => null),
        );
      }
      return files.get(file);
    };
  }
  return globalThis[key];
}

// The catalog language of a locale tag (`de-AT` → `de`), or null for English
// and languages without a catalog: the wasm's rule (`Lang::from_tag`).
export function catalogLanguage(tag) {
  const match = /^([a-z]{2})(?:[-_]|$)/i.exec((tag ?? '').trim());
  const lang = match?.[1].toLowerCase();
  return LANGUAGES.includes(lang) ? lang : null;
}

// The browser's language as the wasm picks it (`browser_locale`): the first
// of `navigator.languages` with a catalog, else the first one listed.
export function browserLanguage() {
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const lang = catalogLanguage(tag);
    if (lang) return lang;
  }
  return null;
}
