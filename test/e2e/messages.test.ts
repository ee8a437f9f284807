/**
 * The CLI's messages and exit codes, as a user meets them: one line on stderr,
 * `listener: <what went wrong> — <what to do>`, and 0 ok / 1 failed / 2 usage / 3 unreachable.
 * AWS is played by small local stubs speaking DynamoDB's and CloudFormation's wire protocols.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../cli/bin.js');
const dir = mkdtempSync(join(tmpdir(), 'messages-'));
let stub: Server;
let stubUrl = '';
afterAll(() => {
  stub?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** DynamoDB: GetItem finds nothing; a table named "expired" answers as AWS does to an expired session. */
beforeAll(async () => {
  stub = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.startsWith('DynamoDB_20120810.')) {
        res.setHeader('content-type', 'application/x-amz-json-1.0');
        if (body.includes('"expired"')) {
          res.statusCode = 400;
          res.end(
            JSON.stringify({
              __type: 'com.amazon.coral.service#ExpiredTokenException',
              message: 'The security token included in the request is expired',
            }),
          );
        } else res.end('{}');
        return;
      }
      // CloudFormation (query protocol): no such stack.
      res.statusCode = 400;
      res.setHeader('content-type', 'text/xml');
      res.end(
        '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id PhoneHomeListener-dev does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
      );
    });
  });
  await new Promise<void>((done) => stub.listen(0, '127.0.0.1', done));
  const address = stub.address();
  stubUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

/** At most this many CLI processes at once: the cases run concurrently on a 2-core machine. */
let slots = 3;
const waiting: (() => void)[] = [];
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  while (slots === 0) await new Promise<void>((go) => waiting.push(go));
  slots--;
  try {
    return await work();
  } finally {
    slots++;
    waiting.shift()?.();
  }
}

/** No AWS credentials or region from this machine leak in; `extra` adds what a case needs. */
function cli(args: string[], extra: Record<string, string> = {}) {
  return inSlot(() => runCli(args, extra));
}

function runCli(args: string[], extra: Record<string, string>) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, cwd: dir, timeout: 60_000 },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

const fakeAws = () => ({
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_ENDPOINT_URL_DYNAMODB: stubUrl,
  AWS_ENDPOINT_URL_CLOUDFORMATION: stubUrl,
});

/** The one style: a single line `listener: … — …`. */
/** The documented stages (prod, prod-pair), as an operator's stages file. */
const EXAMPLES = ['--stages', resolve(import.meta.dirname, '../../stages.example.json')];

function expectOneLine(stderr: string, text: string) {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^listener: .+ — .+\n$/);
  expect(stderr).toContain(text);
}

describe.concurrent('usage mistakes: exit 2, saying what was probably meant', () => {
  it('`--listener` picks a Listener of a pair stage only: a or b, with --stage; the old --side is refused', async () => {
    const cases: [string[], string][] = [
      [
        ['--stage', 'prod', ...EXAMPLES, '--listener', 'b'],
        'stage prod is not a Listener pair — leave out --listener',
      ],
      [
        ['--stage', 'prod-pair', ...EXAMPLES, '--listener', 'B'],
        '--listener B is not a Listener of a pair (a or b) — pass --listener a or --listener b',
      ],
      [
        ['--listener', 'b'],
        '--listener picks a Listener of a pair stage — pass it with --stage <pair stage>',
      ],
      [
        ['--stage', 'prod-pair', ...EXAMPLES, '--side', 'b'],
        "--side is now --listener (a Logger's side is in its id) — write --listener b",
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(['logger', 'list', ...args]);
      expect(code, args.join(' ')).toBe(2);
      expectOneLine(stderr, message);
    }
  });

  it('`events --since 2 hours` (unquoted) suggests --since 2h', async () => {
    const { code, stderr } = await cli(['events', '--since', '2', 'hours']);
    expect(code).toBe(2);
    expectOneLine(stderr, 'write the duration in one word: --since 2h');
  });

  it('`--since 2` (no unit) asks for the unit', async () => {
    const { code, stderr } = await cli(['events', '--since', '2']);
    expect(code).toBe(2);
    expectOneLine(
      stderr,
      '--since "2" has no unit — write the number and its unit in one word, e.g. --since 2m',
    );
  });

  it('`--timeout 0m` is a duration, too short: it names the minimum', async () => {
    const { code, stderr } = await cli(['logger', 'add', 'geocust1', 'A', '--timeout', '0m']);
    expect(code).toBe(2);
    expectOneLine(stderr, '--timeout "0m" is too short — the shortest is 1s');
  });

  it('`--watch -5s` is reported as a negative interval, not an unknown option', async () => {
    const { code, stderr } = await cli(['status', '--watch', '-5s']);
    expect(code).toBe(2);
    expectOneLine(stderr, '--watch "-5s" is negative — write a positive duration');
  });

  it('an interval not under the timeout is a usage mistake naming a fix', async () => {
    const { code, stderr } = await cli([
      'logger',
      'add',
      'geocust1',
      'A',
      '--timeout',
      '60m',
      '--interval',
      '60m',
    ]);
    expect(code).toBe(2);
    expectOneLine(stderr, '--interval 60m is not shorter than --timeout 60m');
    // Under 2h the rule is only "shorter than the timeout", and the suggestion keeps it (12/13, whole seconds).
    expect(stderr).toContain(
      'keep the interval under the timeout (a timeout under 2h needs no 60m margin), e.g. --timeout 60m --interval 55m23s',
    );
    const long = await cli(['logger', 'add', 'geocust1', 'A', '--timeout', '3h', '--interval', '3h']);
    expectOneLine(
      long.stderr,
      'keep the interval at least 60m under the timeout, e.g. --timeout 3h --interval 2h',
    );
  });

  it('durations: 1h30m and 90min are read, `2 hours` is refused with the accepted forms', async () => {
    const { code, stderr } = await cli(['logger', 'add', 'geocust1', 'A', '--timeout', '2 hours']);
    expect(code).toBe(2);
    expectOneLine(stderr, '--timeout "2 hours" is not a duration — write a whole number and a unit');
    expect(stderr).toContain('e.g. 45s, 90min, 780m, 1h30m, 13h, 2d');
    // Read, then refused only for their interval: the durations themselves were accepted.
    for (const timeout of ['1h30m', '90min']) {
      const read = await cli(['logger', 'add', 'geocust1', 'A', '--timeout', timeout, '--interval', '2h']);
      expectOneLine(read.stderr, `--interval 2h is not shorter than --timeout ${timeout}`);
    }
  });

  it('an upper-case customer is named in lower case', async () => {
    const { code, stderr } = await cli(['logger', 'show', 'GEOCUST1/A']);
    expect(code).toBe(2);
    expectOneLine(
      stderr,
      '"GEOCUST1/A" is not a Logger id: customer names are lower-case — write geocust1/A',
    );
  });

  it("commander's suggestion joins the one line; --version and -V print the version", async () => {
    const typo = await cli(['logger', 'lst']);
    expect(typo.code).toBe(2);
    expectOneLine(typo.stderr, "unknown command 'lst' — did you mean list? see: listener logger --help");
    for (const flag of ['--version', '-V']) {
      const version = await cli([flag]);
      expect(version.code).toBe(0);
      expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    }
  });

  it('`--stage qa` names the unknown stage and lists the stages', async () => {
    const { code, stderr } = await cli(['logger', 'list', '--stage', 'qa']);
    expect(code).toBe(2);
    expectOneLine(
      stderr,
      'there is no stage "qa" in the built-in stages (no stages.json) — use one of dev, or add it to stages.json',
    );
  });

  it('an unknown Logger says where to see the registered ones', async () => {
    const { code, stderr } = await cli(
      ['logger', 'show', 'nobody/A', '--table', 'phl', '--region', 'eu-west-1'],
      fakeAws(),
    );
    expect(code).toBe(2);
    expectOneLine(
      stderr,
      'Logger nobody/A is not registered — see the registered ones with: listener logger list',
    );
  });

  it('an unknown flag points at the command’s --help', async () => {
    const { code, stderr } = await cli(['logger', 'list', '--frobnicate']);
    expect(code).toBe(2);
    expectOneLine(stderr, "unknown option '--frobnicate' — see: listener logger list --help");
  });
});

describe.concurrent('cannot reach the Listener or AWS: exit 3, saying what to do', () => {
  it('no local Listener running', async () => {
    const { code, stderr } = await cli(['logger', 'list']);
    expect(code).toBe(3);
    expectOneLine(stderr, 'no local Listener is running');
    expect(stderr).toContain('start one with "npm start"');
  });

  it('a local.json left by a Listener that was killed', async () => {
    const stale = mkdtempSync(join(dir, 'stale-'));
    const dead = 2 ** 22 + 12_345; // above the kernel's default pid_max: no such process
    writeFileSync(join(stale, 'local.json'), JSON.stringify({ pid: dead, apiUrl: 'http://127.0.0.1:1' }));
    const { code, stderr } = await cli(['logger', 'list', '--dir', stale]);
    expect(code).toBe(3);
    expectOneLine(
      stderr,
      `local.json is left from pid ${dead}, which has stopped) — start one with "npm start"`,
    );
  });

  it('no AWS credentials', async () => {
    const { code, stderr } = await cli(['logger', 'list', '--table', 'phl', '--region', 'eu-west-1']);
    expect(code).toBe(3);
    expectOneLine(
      stderr,
      'no AWS credentials found — sign in (aws sso login, or aws configure), or set AWS_PROFILE',
    );
  });

  it('expired AWS credentials', async () => {
    const { code, stderr } = await cli(
      ['logger', 'list', '--table', 'expired', '--region', 'eu-west-1'],
      fakeAws(),
    );
    expect(code).toBe(3);
    expectOneLine(stderr, 'your AWS credentials have expired — renew them');
  });

  it('no AWS region', async () => {
    const { code, stderr } = await cli(['logger', 'list', '--table', 'phl'], fakeAws());
    expect(code).toBe(3);
    expectOneLine(stderr, 'no AWS region is set — pass --region <region>');
  });

  it("a pair stage's side b: its own stack in its own region", async () => {
    const { code, stderr } = await cli(
      ['logger', 'list', '--stage', 'prod-pair', ...EXAMPLES, '--listener', 'b'],
      fakeAws(),
    );
    expect(code).toBe(3);
    expectOneLine(
      stderr,
      'stack PhoneHomeListener-prod-pair-b not found in us-east-2 — deploy it with npx cdk deploy -c stage=prod-pair --all',
    );
  });

  it('a stage whose stack is not deployed (or not in that region)', async () => {
    const { code, stderr } = await cli(
      ['logger', 'list', '--stage', 'dev', '--region', 'eu-west-1'],
      fakeAws(),
    );
    expect(code).toBe(3);
    expectOneLine(
      stderr,
      'stack PhoneHomeListener-dev not found in eu-west-1 — deploy it with npx cdk deploy -c stage=dev, or check --region',
    );
  });
});
