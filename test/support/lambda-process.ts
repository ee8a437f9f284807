/**
 * Runs one unpacked Lambda bundle the way the Lambda runtime does, in a separate Node 24 process: the
 * handler is imported once (cold start) from the task directory, then invoked once per event. The process
 * gets exactly the environment it is given (the template's variables plus what Lambda itself sets), and
 * its stdout (the function's logs) is kept. The task directory has no node_modules anywhere above it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAMBDA_NODE } from './lambda-bundles.js';

/** The in-process side: a tiny Lambda runtime loop over IPC. */
const RUNNER = `
const started = performance.now();
const { handler } = await import(process.argv[2]);
const importMs = performance.now() - started;
process.on('message', async ({ id, event }) => {
  const context = {
    awsRequestId: id,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:' + process.env.AWS_REGION + ':123456789012:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: '/aws/lambda/' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 10000,
  };
  try {
    process.send({ id, result: await handler(event, context) });
  } catch (error) {
    process.send({ id, error: { name: error?.name, message: error?.message } });
  }
});
process.send({ ready: true, importMs });
`;

export interface LambdaProcess {
  /** Invokes the handler once; rejects with the handler's error. */
  invoke(event: unknown): Promise<unknown>;
  /** Milliseconds the handler module took to import (the bundle's share of a cold start). */
  readonly importMs: number;
  /** Everything the function wrote to stdout and stderr so far (its CloudWatch logs). */
  logs(): string;
  stop(): Promise<void>;
}

/** Starts `taskDir/index.mjs` under Node 24 with exactly `env`. */
export async function startLambda(
  taskDir: string,
  env: Readonly<Record<string, string>>,
): Promise<LambdaProcess> {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'phl-runtime-'));
  const runner = join(runtimeDir, 'runner.mjs');
  writeFileSync(runner, RUNNER);
  const child: ChildProcess = spawn(LAMBDA_NODE, [runner, join(taskDir, 'index.mjs')], {
    cwd: taskDir,
    env: { ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const importMs = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`Lambda process exited (${code}) at start:\n${output}`)));
    child.on(
      'message',
      (message: {
        ready?: boolean;
        importMs?: number;
        id?: string;
        result?: unknown;
        error?: { name: string; message: string };
      }) => {
        if (message.ready) return resolve(message.importMs ?? 0);
        const waiter = message.id === undefined ? undefined : pending.get(message.id);
        if (!waiter || message.id === undefined) return;
        pending.delete(message.id);
        if (message.error)
          waiter.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
        else waiter.resolve(message.result);
      },
    );
  });
  child.removeAllListeners('exit');
  child.once('exit', (code) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`Lambda process exited (${code}):\n${output}`));
  });

  let next = 0;
  return {
    importMs,
    invoke(event) {
      const id = `invocation-${++next}`;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, event });
      });
    },
    logs: () => output,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
