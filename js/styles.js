// See src/components/styles.rs.
const pieces = [];
let sheet, text;

export function uses(chunk) {
  for (const piece of chunk.split('\n')) {
    pieces[piece.charCodeAt(0) - 48] = piece.slice(1);
  }
  const css = `@layer checkout-widget{${pieces.join('')}}`;
  if (sheet && css !== text) {
    sheet.replaceSync((text = css));
  }
}

export function adopt(base) {
  try {
    sheet ??= new CSSStyleSheet();
    uses(base);
    const adopted = document.adoptedStyleSheets;
    if (!adopted.includes(sheet)) {
      document.adoptedStyleSheets = [...adopted, sheet];
    }
  } catch {}
}
