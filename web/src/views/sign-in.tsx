import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { location, navigate } from '../router.js';
import { keep } from '../session.js';
import type { ApiKey } from '../types.js';
import { ErrorNote, useTitle } from '../ui.js';

export function SignIn() {
  useTitle('Sign in');
  const [key, setKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const k = key.trim();
      const me = await api<ApiKey>('/v1/keys/current', { key: k });
      keep({ key: k, name: me.name, role: me.role }, remember);
      const { path, query } = location.value;
      navigate(path === '/sign-in' ? (query.get('next') ?? '/') : path + window.location.search, true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="sign-in">
      <h1>Sign in to the desk</h1>
      <p>Use the API key your administrator gave you. The desk shows what your key's role may do.</p>
      <form onSubmit={submit}>
        <label for="key">API key</label>
        <input
          id="key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="wsk_…"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <label class="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} /> Remember this key on this
          device
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error !== null && <ErrorNote error={error} />}
    </section>
  );
}
