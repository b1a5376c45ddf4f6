// The fetch transport's one import; src/transport.rs says what it answers.
export function send(method, url, body, headers, credentials, timeoutMs) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const call = async () => {
    const sent = new Headers();
    for (let i = 0; i < headers.length; i += 2) sent.set(headers[i], headers[i + 1]);
    const response = await fetch(url, { method, body, headers: sent, credentials, signal: abort.signal });
    return { status: response.status, text: await response.text() };
  };
  return call()
    .catch(() => {
      throw abort.signal.aborted ? 'timeout' : 'network';
    })
    .finally(() => clearTimeout(timer));
}
