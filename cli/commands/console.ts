/**
 * `listener console-url`: a one-time sign-in link (single use, 10 minutes) to the web console of the
 * running local Listener. In AWS people sign in with the stack's Cognito user pool (docs/console.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UnreachableError, UsageError } from '../errors.js';
import { LOCAL_FILE, type LocalTarget } from '../local/target-file.js';

/** Exit code when the Listener cannot be reached. */
const UNREACHABLE = 3;

export function registerConsoleCommand(program: Command): void {
  program
    .command('console-url')
    .description('print a one-time sign-in link to the web console of the running local Listener')
    .option('--dir <path>', 'the local Listener’s state directory', '.listener')
    .option('--as <name>', 'the name your actions are recorded under (default: your login name)')
    .addHelpText(
      'after',
      '\nThe link works once, for 10 minutes. In AWS, sign in with your console account instead (docs/console.md).\n\nExample:\n  listener console-url --as alice\n',
    )
    .action(async (opts: { dir: string; as?: string }) => {
      const name = (opts.as ?? userInfo().username).trim();
      if (!/^[\p{L}\p{N} ._@-]{1,64}$/u.test(name)) {
        throw new UsageError(
          '--as is not a name the audit can record',
          'write 1–64 letters, digits, spaces or . _ @ -',
        );
      }
      const file = join(resolve(opts.dir), LOCAL_FILE);
      if (!existsSync(file)) {
        throw new UnreachableError(
          `no local Listener is running (${file} not found)`,
          'start one with "npm start"',
        );
      }
      const local = JSON.parse(readFileSync(file, 'utf8')) as LocalTarget;
      const healthy = await fetch(`${local.apiUrl}/v1/health`, { signal: AbortSignal.timeout(5_000) })
        .then((res) => res.ok)
        .catch(() => false);
      // Loaded when the command runs, not when the CLI starts (cli/launch/bundle-cache.js).
      const [{ localClient }, { DynamoConsoleKeys }, { signInLink }] = await Promise.all([
        import('../local/dynamo-local.js'),
        import('../../shared/adapters/dynamo/dynamo-console-items.js'),
        import('../../shared/console/auth/links.js'),
      ]);
      const client = localClient(local.dynamodbEndpoint);
      try {
        const key = healthy ? await new DynamoConsoleKeys(client, local.tableName).key(true) : undefined;
        if (!key) {
          console.error(
            `listener: the local Listener at ${local.apiUrl} does not answer — start it with "npm start"`,
          );
          process.exitCode = UNREACHABLE;
          return;
        }
        console.log(signInLink(local.apiUrl, name, key, Date.now()));
      } finally {
        client.destroy();
      }
    });
}
