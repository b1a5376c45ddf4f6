// See src/transport.rs, src/browser.rs.
export function send(method, url, body, headers, credentials, timeoutMs) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const call = async () => {
    const sent = new Headers();
    for (let i = 0; i < headers.length; i += 2) sent.set(headers[i], headers[i + 1]);
    const response = await fetch(url, { method, body, headers: sent, credentials, signal: abort.signal });
    return [response.status, await response.text()];
  };
  return call()
    .catch(() => {
      throw abort.signal.aborted ? 'timeout' : 'network';
    })
    .finally(() => clearTimeout(timer));
}

export function restoreFocus(id) {
  let tries = 0;
  const attempt = () => {
    const active = document.activeElement;
    if (!active || active === document.body) {
      const target = document.getElementById(id);
      if (target instanceof HTMLElement) {
        target.focus();
        if (document.activeElement === target) return;
      }
    }
    if (++tries < 40) setTimeout(attempt, 50);
  };
  setTimeout(attempt, 0);
}
