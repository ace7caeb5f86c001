import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Command } from 'commander';
import { addUser, issueApiToken } from '../../api/index.ts';
import { MissiveError } from '../../core/errors.ts';
import { appendAudit, ROLES, type Role } from '../../store/index.ts';
import { withRuntime } from '../with-runtime.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('Users of the API and the call-center UI');
  users
    .command('add')
    .description('Add a user; without --password-stdin a random password is generated and printed once')
    .argument('<name>', 'user name (letters, digits, . _ @ -)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, opts: { role: string; passwordStdin?: boolean }) => {
      if (!(ROLES as readonly string[]).includes(opts.role)) {
        throw new MissiveError(
          'MSV_CONFIG_INVALID',
          `--role: ${opts.role} is not one of ${ROLES.join(', ')}`,
          {
            field: '--role',
          },
        );
      }
      const generated = opts.passwordStdin ? undefined : randomBytes(18).toString('base64url');
      const password = generated ?? (await readStdin());
      await withRuntime(async (rt) => {
        const user = await addUser(rt.store.db, { name, role: opts.role as Role, password });
        await appendAudit(rt.store.db, {
          actor: `cli:${os.userInfo().username}`,
          action: 'user.add',
          targetType: 'user',
          targetId: user.name,
          details: { role: user.role },
        });
        process.stdout.write(`user ${user.name} added with role ${user.role}\n`);
        if (generated) process.stdout.write(`password (shown once): ${generated}\n`);
      });
    });
  users
    .command('token')
    .description(
      'Issue an API token for a user (Authorization: Bearer …); printed once, only its hash is kept',
    )
    .argument('<name>', 'user name')
    .option('--label <text>', 'what the token is for', 'api')
    .action(async (name: string, opts: { label: string }) => {
      await withRuntime(async (rt) => {
        const token = await issueApiToken(rt.store.db, name, opts.label);
        await appendAudit(rt.store.db, {
          actor: `cli:${os.userInfo().username}`,
          action: 'token.issue',
          targetType: 'user',
          targetId: name,
          details: { label: opts.label },
        });
        process.stdout.write(`${token}\n`);
      });
    });
}
