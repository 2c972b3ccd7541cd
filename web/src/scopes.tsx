/** Who is signed in and what their role may do (`me`, `myScopes`), for every page to ask. */
import { createContext, useContext, type ReactNode } from 'react';

export interface Me {
  name: string;
  role: string;
  scopes: ReadonlySet<string>;
}

const Ctx = createContext<Me | null>(null);
export const MeProvider = ({ me, children }: { me: Me; children: ReactNode }) => (
  <Ctx.Provider value={me}>{children}</Ctx.Provider>
);

export function useMe(): Me {
  const me = useContext(Ctx);
  if (!me) throw new Error('useMe outside <MeProvider>');
  return me;
}

export const useCan = (scope: string): boolean => useMe().scopes.has(scope);
