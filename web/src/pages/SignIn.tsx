/** Sign in with a user name and password (a one-hour token) or by pasting an API key. */
import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../graphql.ts';
import { LANGUAGES } from '../i18n.ts';
import { setBearer } from '../session.ts';
import { ErrorBox } from '../ui.tsx';

const LOGIN = graphql(`
  mutation Login($name: String!, $password: String!) {
    login(name: $name, password: $password) {
      token
      expiresAt
    }
  }
`);

export function SignIn({ reason }: { reason?: unknown }) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<'password' | 'key'>('password');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [login, { loading, error }] = useMutation(LOGIN);
  return (
    <main id="main" className="signin">
      <h1>{t('signin.title')}</h1>
      <p className="muted">{t('signin.lead')}</p>
      {reason ? <ErrorBox error={reason} /> : null}
      <div role="tablist" aria-label={t('signin.how')} className="tabs">
        <button type="button" role="tab" aria-selected={mode === 'password'} onClick={() => setMode('password')}>
          {t('signin.withPassword')}
        </button>
        <button type="button" role="tab" aria-selected={mode === 'key'} onClick={() => setMode('key')}>
          {t('signin.withKey')}
        </button>
      </div>
      {mode === 'password' ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void login({ variables: { name, password } })
              .then((r) => r.data && setBearer(r.data.login.token))
              .catch(() => undefined);
          }}
        >
          <label>
            {t('signin.name')}
            <input name="username" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label>
            {t('signin.password')}
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          <ErrorBox error={error} />
          <button type="submit" disabled={loading}>
            {t('signin.submit')}
          </button>
        </form>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setBearer(key.trim());
          }}
        >
          <label>
            {t('signin.key')}
            <input
              name="apikey"
              type="password"
              autoComplete="off"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              required
            />
          </label>
          <button type="submit">{t('signin.submit')}</button>
        </form>
      )}
      <label className="lang">
        {t('common.language')}
        <select value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
          {LANGUAGES.map((l) => (
            <option key={l.code} value={l.code}>
              {l.label}
            </option>
          ))}
        </select>
      </label>
    </main>
  );
}
