/**
 * A small history router: the URL is the state (path and query), so deep links survive a reload
 * and the back button works; the server answers every HTML GET with index.html.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type AnchorHTMLAttributes,
  type ReactNode,
} from 'react';

interface Location {
  path: string;
  query: URLSearchParams;
  navigate(to: string, opts?: { replace?: boolean }): void;
}

const Ctx = createContext<Location | null>(null);

export function Router({ children }: { children: ReactNode }) {
  const [href, setHref] = useState(() => location.pathname + location.search);
  useEffect(() => {
    const on = () => setHref(location.pathname + location.search);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  const navigate = useCallback((to: string, opts?: { replace?: boolean }) => {
    if (opts?.replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    setHref(location.pathname + location.search);
  }, []);
  const value = useMemo(() => {
    const u = new URL(href, location.origin);
    return { path: u.pathname, query: u.searchParams, navigate };
  }, [href, navigate]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useLocation(): Location {
  const l = useContext(Ctx);
  if (!l) throw new Error('useLocation outside <Router>');
  return l;
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate, path } = useLocation();
  const current = to.split('?')[0] === path;
  return (
    <a
      href={to}
      aria-current={current ? 'page' : undefined}
      {...rest}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
