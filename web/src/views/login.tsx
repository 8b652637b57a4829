/**
 * The login page: paste a token (`stint tokens create --site NAME`, or the admin token `stint
 * serve` prints). It is checked against the API before it is kept (in sessionStorage, for this
 * tab only). `/login#token=…` logs in in one click (app.tsx takes the fragment).
 */
import { useState } from 'preact/hooks';
import { ApiError, getJson, setApiToken } from '../api.ts';
import { storeToken } from '../auth.ts';
import { navigate } from '../router.ts';

export function Login({ reason }: { reason?: string | undefined }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const secret = token.trim();
    if (secret === '') return;
    setBusy(true);
    setError(undefined);
    setApiToken(secret, () => {});
    try {
      await getJson('/api/v1/sites', {});
      storeToken(secret);
      navigate({ view: 'overview', rest: [], share: undefined });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'client', String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form class="login-box" onSubmit={submit}>
        <h1 class="brand-large">stint</h1>
        <p class="login-lead">Sign in with an API token to see your sites' sessions.</p>
        {reason === undefined ? null : (
          <p class="login-reason" role="status">
            {reason}
          </p>
        )}
        <label class="field">
          <span>Token</span>
          <input
            type="password"
            name="token"
            autoComplete="off"
            spellcheck={false}
            placeholder="st_…"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            required
          />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Open the dashboard'}
        </button>
        {error === undefined ? null : (
          <p class="login-error" role="alert">
            {error.status === 401 ? 'This token was not accepted: ' : ''}
            {error.message}
          </p>
        )}
        <p class="login-help">
          Make a read-only token with <code>stint tokens create --site NAME</code>.{' '}
          <code>stint serve --demo</code> prints a one-click login link. The token is kept in this tab only.
        </p>
      </form>
    </main>
  );
}
