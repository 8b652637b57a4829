/**
 * The dashboard's credential: a token pasted on the login page or given by a one-click link
 * (`/login#token=…`, a fragment so it never reaches a server log), kept in sessionStorage; or a
 * share link (`/share/sh_…`), which is its own credential and is never stored.
 *
 *   takeLoginFragment(location); tokenFor(route) // 'st_…' | 'sh_…' | undefined
 */
const KEY = 'stint.token';

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/**
 * `/login#token=SECRET`: keeps the token and replaces the URL, so the secret is neither in the
 * history nor on screen. True when it took one.
 */
export function takeLoginFragment(): boolean {
  const m = /^#token=([^&]+)/.exec(location.hash);
  if (location.pathname !== '/login' || m === null) return false;
  storeToken(decodeURIComponent(m[1]!));
  history.replaceState(null, '', '/overview');
  return true;
}
