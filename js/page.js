// See src/browser.rs, src/intl.rs.
export function resolveUrl(input, placeholder) {
  try {
    const url = new URL(input, globalThis.location?.href);
    const encoded = encodeURI(placeholder);
    const href = url.href.replaceAll(encoded, placeholder).replaceAll(encoded.replace(/%7./g, (s) => s.toLowerCase()), placeholder);
    return [url.protocol, url.host, href].join('\n');
  } catch {}
}

export function withLocale(href, locale) {
  try {
    const url = new URL(href);
    url.searchParams.set('locale', locale);
    return url.href;
  } catch {
    return href;
  }
}

export function randomToken() {
  const bytes = new Uint8Array(16);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    bytes.forEach((_, i) => (bytes[i] = Math.random() * 256));
  }
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function languages() {
  return [navigator.language, ...navigator.languages].join('\n');
}

export function intl(kind, locale, currency, value) {
  const make = (locales) =>
    kind == 3
      ? new Intl.PluralRules(locales)
      : kind == 2
        ? new Intl.DateTimeFormat(locales, { dateStyle: 'medium' })
        : new Intl.NumberFormat(locales, kind == 0 ? { style: 'currency', currency } : {});
  try {
    let format;
    try {
      format = make(locale ? [locale] : []);
    } catch {
      format = make([]);
    }
    if (kind == 3) return format.select(value);
    if (kind == 2) return format.format(new Date(value));
    return format.format(kind == 0 ? value / 10 ** format.resolvedOptions().maximumFractionDigits : value);
  } catch {}
}
