/**
 * The shell: sign-in gate, then a header with the pages the role may use, the language switch and
 * sign-out. Every page but sign-in is loaded on demand, so the sign-in page ships only the shell.
 */
import { useQuery } from '@apollo/client/react';
import { lazy, Suspense, useEffect, useMemo, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from './apollo.ts';
import { graphql } from './graphql.ts';
import { LANGUAGES } from './i18n.ts';
import { Link, useLocation } from './router.tsx';
import { MeProvider, useMe, type Me } from './scopes.tsx';
import { bearer, setBearer } from './session.ts';
import { SignIn } from './pages/SignIn.tsx';
import { ErrorBox, Loading } from './ui.tsx';

const Home = lazy(() => import('./pages/Home.tsx'));
const Recall = lazy(() => import('./pages/Recall.tsx'));
const Lookup = lazy(() => import('./pages/Lookup.tsx'));
const Genealogy = lazy(() => import('./pages/Genealogy.tsx'));
const Board = lazy(() => import('./pages/Board.tsx'));
const Analytics = lazy(() => import('./pages/Analytics.tsx'));
const Holds = lazy(() => import('./pages/Holds.tsx'));
const Audit = lazy(() => import('./pages/Audit.tsx'));

interface Page {
  path: string;
  key: string;
  scope: string;
  component: ComponentType;
}

const PAGES: Page[] = [
  { path: '/', key: 'home', scope: 'authenticated', component: Home },
  { path: '/recall', key: 'recall', scope: 'readTrace', component: Recall },
  { path: '/genealogy', key: 'genealogy', scope: 'readTrace', component: Genealogy },
  { path: '/lookup', key: 'lookup', scope: 'readHistory', component: Lookup },
  { path: '/board', key: 'board', scope: 'readMonitor', component: Board },
  { path: '/analytics', key: 'analytics', scope: 'readMonitor', component: Analytics },
  { path: '/holds', key: 'holds', scope: 'readMonitor', component: Holds },
  { path: '/audit', key: 'audit', scope: 'auditRead', component: Audit },
];

const ME = graphql(`
  query Me {
    me {
      name
      role
    }
    myScopes
  }
`);

function useBearer(): string | null {
  const [b, setB] = useState(bearer);
  useEffect(() => {
    const on = () => setB(bearer());
    addEventListener('tracegraph-session', on);
    return () => removeEventListener('tracegraph-session', on);
  }, []);
  return b;
}

export function App() {
  const b = useBearer();
  if (!b) return <SignIn />;
  return <SignedIn key={b} />;
}

function SignedIn() {
  const { data, error, loading } = useQuery(ME, { fetchPolicy: 'network-only' });
  const me = useMemo<Me | null>(
    () => (data ? { name: data.me.name, role: data.me.role, scopes: new Set(data.myScopes) } : null),
    [data],
  );
  if (error) return <SignIn reason={error} />;
  if (loading || !me) return <Loading />;
  return (
    <MeProvider me={me}>
      <Shell />
    </MeProvider>
  );
}

function Shell() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { path } = useLocation();
  const pages = PAGES.filter((p) => me.scopes.has(p.scope));
  const page = PAGES.find((p) => p.path === path);
  const board = path === '/board';
  useEffect(() => {
    document.title = `${page ? t(`nav.${page.key}`) : t('common.notFound')} · tracegraph`;
  }, [page, t, i18n.language]);
  const Component = page && me.scopes.has(page.scope) ? page.component : undefined;
  return (
    <div className={board ? 'app dark' : 'app'}>
      <a className="skip" href="#main">
        {t('common.skip')}
      </a>
      <header className="top">
        <span className="brand">tracegraph</span>
        <nav aria-label={t('nav.label')}>
          {pages.map((p) => (
            <Link key={p.path} to={p.path}>
              {t(`nav.${p.key}`)}
            </Link>
          ))}
        </nav>
        <span className="spacer" />
        <label className="lang">
          <span className="sr-only">{t('common.language')}</span>
          <select value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)} data-testid="language">
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <span className="who" data-testid="who">
          {me.name} · {t(`role.${me.role}`)}
        </span>
        <button
          type="button"
          onClick={() => {
            setBearer(null);
            void client.clearStore();
          }}
        >
          {t('common.signOut')}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          {Component ? <Component /> : <ErrorBox error={new Error(page ? t('common.forbidden') : t('common.notFound'))} />}
        </Suspense>
      </main>
    </div>
  );
}
