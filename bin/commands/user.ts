import { createInterface } from 'node:readline';
import { cliActor } from '../../core/cli-actor.ts';
import { loadConfig } from '../../core/config.ts';
import { TracegraphError } from '../../core/errors.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { UserStore, type UserInfo } from '../../domain/auth/users.ts';
import { out, printJson } from '../output.ts';

/** The user file and audit trail of the data directory; the graph is not opened (a server may hold it). */
function users(data: string | undefined): UserStore {
  const { dataDir } = loadConfig({ dataDir: data });
  return new UserStore(dataDir, new AuditTrail(dataDir));
}

/** The first line of stdin, without waiting for EOF (a person typing at a terminal ends with Enter). */
async function firstLineOfStdin(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

function row(u: UserInfo): string {
  return `${u.name.padEnd(20)} ${u.role.padEnd(10)} ${u.keyLabel}…  ${u.hasPassword ? 'can sign ' : 'no passwd'}  added ${u.created} by ${u.createdBy}${u.revoked ? `  REVOKED ${u.revoked}` : ''}`;
}

export async function userAdd(opts: {
  name: string;
  role: string;
  password?: string;
  passwordStdin?: boolean;
  data?: string;
  json?: boolean;
}): Promise<void> {
  if (opts.password !== undefined && opts.passwordStdin)
    throw new TracegraphError('BAD_INPUT', 'give --password or --password-stdin, not both');
  const password = opts.passwordStdin ? await firstLineOfStdin() : opts.password;
  const key = await users(opts.data).add({ name: opts.name, role: opts.role, password, by: cliActor() });
  if (opts.json) return printJson({ key });
  process.stderr.write(`tracegraph: user ${opts.name} (${opts.role}) added; its key is shown only now:\n`);
  await out(`${key}\n`);
}

export async function userList(opts: { data?: string; json?: boolean }): Promise<void> {
  const list = await users(opts.data).list();
  if (opts.json) return printJson(list);
  if (!list.length) return out('no users (tracegraph user add --name N --role R)\n');
  await out(list.map(row).join('\n') + '\n');
}

export async function userRevoke(opts: { name: string; data?: string; json?: boolean }): Promise<void> {
  await users(opts.data).revoke({ name: opts.name, by: cliActor() });
  if (opts.json) return printJson({ revoked: opts.name });
  await out(`revoked ${opts.name}\n`);
}
