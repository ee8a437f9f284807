import { defineConfig } from 'vitest/config';

/**
 * Handlers log and emit metrics through Powertools; tests keep both quiet, and the AWS SDK's notice that
 * its 2027 releases need Node 22 (for whoever upgrades dependencies, not a test result).
 */
const quiet = {
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export default defineConfig({
  test: {
    env: quiet,
    // Two files at a time (vitest's default is one on 2 cores): the e2e files spend most of their time
    // waiting on a Listener's clock, so the CPU-bound unit, integration, infra and artifact files run
    // beside them instead of after them.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        // Synthesizing two stages in beforeAll takes seconds, more on a busy machine.
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'artifact',
          include: ['test/artifact/**/*.test.ts'],
          testTimeout: 60_000,
          // Synthesizing with bundling (esbuild, five functions) and starting DynamoDB Local on a busy machine.
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'docs',
          include: ['test/docs/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // The tour and the contract tests each run a whole local Listener: one at a time.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Not one file at a time: a file that ran alone went to a last, serial phase after every other
          // project (vitest groups fileParallelism: false projects apart), where the e2e files' waiting on
          // their Listeners' clocks overlapped nothing. Each file starts its own Listener on free ports
          // and its own directory, so two at a time is safe; the docs files stay one at a time.
        },
      },
    ],
  },
});
