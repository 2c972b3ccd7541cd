/** Keys, login tokens and the dev key, against real user and audit files in a temp directory. */
import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { Authenticator } from '../../api/auth/authenticate.ts';
import { UserStore } from '../../domain/auth/users.ts';
import { tempDir } from '../helpers/stores.ts';

function setup(tokenTtlMs?: number) {
  const dir = tempDir();
  const audit = new AuditTrail(dir);
  const users = new UserStore(dir, audit);
  return { audit, users, auth: new Authenticator(users, audit, { devKey: 'a-dev-key-of-some-length', tokenTtlMs }) };
}

describe('authenticate', () => {
  it('a login token dies with its user, even when the name is added again', async () => {
    const { users, auth } = setup();
    await users.add({ name: 'ann', role: 'quality', password: 'ann-password-1', by: 'test' });
    const { token } = await auth.login('ann', 'ann-password-1');
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual({ principal: { name: 'ann', role: 'quality' } });
    await users.revoke({ name: 'ann', by: 'test' });
    await users.add({ name: 'ann', role: 'admin', by: 'test' });
    expect(await auth.authenticate(`Bearer ${token}`)).toMatchObject({
      principal: null,
      reason: expect.stringMatching(/revoked/),
    });
  });

  it('a login token expires', async () => {
    const { users, auth } = setup(1);
    await users.add({ name: 'bob', role: 'engineer', password: 'bob-password-1', by: 'test' });
    const { token } = await auth.login('bob', 'bob-password-1');
    await new Promise((r) => setTimeout(r, 10));
    expect(await auth.authenticate(`bearer ${token}`)).toMatchObject({
      principal: null,
      reason: expect.stringMatching(/expired/),
    });
  });

  it('the dev key is an admin named dev; a short dev key is refused at start', async () => {
    const { auth, users, audit } = setup();
    expect(await auth.authenticate('Bearer a-dev-key-of-some-length')).toEqual({ principal: { name: 'dev', role: 'admin' } });
    expect(() => new Authenticator(users, audit, { devKey: 'short' })).toThrow(/at least 16/);
  });

  it('refuses reserved and malformed user names and unknown roles', async () => {
    const { users } = setup();
    await expect(users.add({ name: 'dev', role: 'admin', by: 't' })).rejects.toThrow(/reserved/);
    await expect(users.add({ name: 'a b', role: 'admin', by: 't' })).rejects.toThrow(/letters, digits/);
    await expect(users.add({ name: 'cli:x', role: 'admin', by: 't' })).rejects.toThrow(/letters, digits/);
    await expect(users.add({ name: 'ok', role: 'boss', by: 't' })).rejects.toThrow(/unknown role "boss"/);
  });
});
