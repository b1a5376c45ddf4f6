// See src/components/styles.rs.
const pieces = [];
let sheet;

const write = () => sheet.replaceSync(`@layer checkout-widget{${pieces.join('')}}`);

export function piece(index, css) {
  pieces[index] = css;
  if (sheet) {
    write();
  }
}

export function adopt() {
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      write();
    }
    const adopted = document.adoptedStyleSheets;
    if (!adopted.includes(sheet)) {
      document.adoptedStyleSheets = [...adopted, sheet];
    }
  } catch {}
}
