import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { loadConfig } from '../../core/config.ts';
import { TracegraphError } from '../../core/errors.ts';
import { AuditTrail } from '../../domain/audit/trail.ts';
import { ROLES } from '../../domain/auth/roles.ts';
import { UserStore, type UserInfo } from '../../domain/auth/users.ts';
import { dataOption, jsonOption, printJson } from '../common.ts';

/** Who did it, for the audit trail: the operating-system account running the CLI. */
export function cliActor(): string {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers): the uid still says something
    name = `uid${process.getuid?.() ?? '?'}`;
  }
  return `cli:${name}`;
}

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

export function userCommand(): Command {
  const user = new Command('user').description('manage API users: add (prints a key), list, revoke');

  user
    .command('add')
    .description('add a user with a role and print its API key (shown once; works at once, also while `serve` runs)')
    .requiredOption('--name <name>', 'user name (letters, digits, . _ @ -)')
    .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
    .option('--password <password>', 'a password for signatures and login (visible in the process list: prefer --password-stdin)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .addOption(dataOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Roles: ${ROLES.join(', ')} (README has the matrix of what each may do).
Without a password the user can call the API with its key but cannot sign (release holds,
approve recalls, change specs, sign reports).

Example:
  printf '%s\\n' "$PW" | tracegraph user add --name alice --role quality --password-stdin`,
    )
    .action(
      async (opts: { name: string; role: string; password?: string; passwordStdin?: boolean; data?: string; json?: boolean }) => {
        if (opts.password !== undefined && opts.passwordStdin)
          throw new TracegraphError('BAD_INPUT', 'give --password or --password-stdin, not both');
        const password = opts.passwordStdin ? await firstLineOfStdin() : opts.password;
        const key = await users(opts.data).add({ name: opts.name, role: opts.role, password, by: cliActor() });
        if (opts.json) return printJson({ key });
        process.stderr.write(`tracegraph: user ${opts.name} (${opts.role}) added; its key is shown only now:\n`);
        process.stdout.write(`${key}\n`);
      },
    );

  user
    .command('list')
    .description('list users: name, role, key label, whether they can sign, when added and revoked')
    .addOption(dataOption())
    .addOption(jsonOption())
    .action(async (opts: { data?: string; json?: boolean }) => {
      const list = await users(opts.data).list();
      if (opts.json) return printJson(list);
      if (!list.length) return void process.stdout.write('no users (tracegraph user add --name N --role R)\n');
      process.stdout.write(list.map(row).join('\n') + '\n');
    });

  user
    .command('revoke')
    .description('revoke a user: its key and login tokens stop working at the next request')
    .requiredOption('--name <name>', 'user name')
    .addOption(dataOption())
    .addOption(jsonOption())
    .action(async (opts: { name: string; data?: string; json?: boolean }) => {
      await users(opts.data).revoke({ name: opts.name, by: cliActor() });
      if (opts.json) return printJson({ revoked: opts.name });
      process.stdout.write(`revoked ${opts.name}\n`);
    });

  return user;
}
