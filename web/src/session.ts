/**
 * The signed-in session: the bearer (a login token or a pasted API key) lives in sessionStorage,
 * so a reload keeps it and closing the tab forgets it; the language lives in localStorage.
 */
const KEY = 'tracegraph.bearer';

export function bearer(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setBearer(value: string | null): void {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
  window.dispatchEvent(new Event('tracegraph-session'));
}
