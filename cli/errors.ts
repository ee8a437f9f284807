/**
 * The CLI's errors and exit codes. Every failure is one line on stderr,
 * `listener: <what went wrong> — <what to do>`, and one of the documented exit codes:
 * 0 ok, 1 findings or a failed operation, 2 a usage mistake, 3 the Listener or AWS cannot be reached.
 */
import {
  BridgeNotFoundError,
  LoggerExistsError,
  LoggerNotFoundError,
  StoreUnavailableError,
  ValidationError,
} from '../shared/domain/errors.js';
import { formatLoggerId, type LoggerId } from '../shared/domain/logger.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;
type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI explains: what went wrong, what to do, and the exit code. */
export class CliError extends Error {
  constructor(
    readonly what: string,
    readonly todo: string,
    readonly exitCode: ExitCode,
  ) {
    super(`${what} — ${todo}`);
  }
}

/** A mistake in how the command was called: a bad flag or value, an unknown Logger or stage (exit 2). */
export class UsageError extends CliError {
  override readonly name: string = 'UsageError';
  constructor(what: string, todo: string) {
    super(what, todo, EXIT.usage);
  }
}

/** An operation that was understood but could not be done (exit 1). */
export class FailedError extends CliError {
  override readonly name: string = 'FailedError';
  constructor(what: string, todo: string) {
    super(what, todo, EXIT.failed);
  }
}

/** The Listener or AWS cannot be reached: nothing running, no credentials, no network (exit 3). */
export class UnreachableError extends CliError {
  override readonly name: string = 'UnreachableError';
  constructor(what: string, todo: string) {
    super(what, todo, EXIT.unreachable);
  }
}

/** An unknown Logger is a usage mistake (exit 2): the id was mistyped, or it lives on another target. */
export function notRegistered(id: LoggerId | string): UsageError {
  return new UsageError(
    `Logger ${typeof id === 'string' ? id : formatLoggerId(id)} is not registered`,
    'see the registered ones with: listener logger list',
  );
}

/** Any error as the line to print and the exit code. */
export function explain(error: unknown): { line: string; exitCode: ExitCode } {
  const known = classify(error);
  return { line: `listener: ${known.what} — ${known.todo}`, exitCode: known.exitCode };
}

function classify(error: unknown): CliError {
  if (error instanceof CliError) return error;
  // A write command (ack, pause, remove…) on an unknown Logger answers as the read commands do.
  if (error instanceof LoggerNotFoundError) return notRegistered(error.loggerId);
  if (error instanceof LoggerExistsError) {
    return new FailedError(
      error.message,
      `see it with: listener logger show ${error.loggerId}; a new token: listener logger rotate-token ${error.loggerId}`,
    );
  }
  if (error instanceof BridgeNotFoundError) {
    return new FailedError(error.message, 'see the registered bridges: listener bridge list');
  }
  if (error instanceof ValidationError) {
    return new UsageError(error.message, 'fix the value and run the command again (see --help)');
  }
  const aws = awsProblem(error);
  if (aws) return aws;
  const message = error instanceof Error ? error.message : String(error);
  // An error already written as "what — what to do" keeps its advice.
  const [what, ...todo] = message.split(' — ');
  if (what && todo.length > 0) return new FailedError(what, todo.join(' — '));
  return new FailedError(message, 'run it again; if it keeps failing, report it with the command you ran');
}

/** The error and its causes, outermost first (a store error wraps the SDK's). */
function chain(error: unknown): Error[] {
  const errors: Error[] = [];
  for (let e = error; e instanceof Error && errors.length < 5; e = e.cause) errors.push(e);
  return errors;
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired']);
const REJECTED = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const NETWORK = /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|getaddrinfo/i;

/** SDK failures (credentials, region, network) as what to do about them, instead of the SDK's words. */
function awsProblem(error: unknown): CliError | undefined {
  for (const e of chain(error)) {
    const code = (e as { code?: string }).code ?? '';
    if (e.name === 'CredentialsProviderError' || /could not load credentials/i.test(e.message)) {
      return new UnreachableError(
        'no AWS credentials found',
        'sign in (aws sso login, or aws configure), or set AWS_PROFILE; for the local Listener leave out --stage/--table',
      );
    }
    if (EXPIRED.has(e.name) || /token .*expired|expired token/i.test(e.message)) {
      return new UnreachableError(
        'your AWS credentials have expired',
        'renew them (aws sso login, or new keys) and run the command again',
      );
    }
    if (REJECTED.has(e.name) || /security token included in the request is invalid/i.test(e.message)) {
      return new UnreachableError(
        'AWS rejected your credentials',
        'check AWS_PROFILE / AWS_ACCESS_KEY_ID point at the account the stage is deployed in',
      );
    }
    if (DENIED.has(e.name)) {
      return new UnreachableError(
        'AWS refused access to the Listener',
        'use credentials allowed to read the stage (its CloudFormation stack and DynamoDB table)',
      );
    }
    if (/region is missing/i.test(e.message)) {
      return new UnreachableError(
        'no AWS region is set',
        'pass --region <region> (e.g. --region eu-west-1), or set AWS_REGION',
      );
    }
    if (e.name === 'ResourceNotFoundException') {
      return new UnreachableError(
        'the DynamoDB table was not found',
        'check --table and --region, or use --stage <name> to find it from the stack',
      );
    }
    if (NETWORK.test(code) || NETWORK.test(e.message) || e.name === 'TimeoutError') {
      return new UnreachableError(
        `cannot reach AWS (${code || e.name})`,
        'check the network or proxy, and that --region names a real region',
      );
    }
  }
  if (error instanceof StoreUnavailableError) {
    return new UnreachableError(
      'the Listener’s DynamoDB does not answer',
      'for the local Listener check that npm start is still running; for AWS retry in a minute',
    );
  }
  return undefined;
}
