/** Types of cli/launch/bundle-cache.js (plain JavaScript: it runs before anything compiles TypeScript). */
export interface BundleOptions {
  /** The checkout whose CLI is bundled; its `node_modules` holds the cache. */
  readonly root: string;
  /** esbuild's API (default: `import('esbuild')`); tests pass a failing one. */
  readonly loadEsbuild?: () => Promise<Pick<typeof import('esbuild'), 'build'> & { stop?: () => unknown }>;
  /** The entry, relative to root (default `cli/main.ts`). */
  readonly entry?: string;
}

/** The `file:` URL of a fresh bundle of the entry, built if needed; throws if it cannot be built. */
export function bundledCli(options: BundleOptions): Promise<string>;

/** Where the checkout's bundles are kept: `<root>/node_modules/.cache/phone-home-listener/<checkout hash>`. */
export function cacheDir(root: string): string;

/** The URL of the cached bundle if every file it was built from is unchanged, else undefined. */
export function freshBuild(cache: string, root: string): string | undefined;

/** Runs the CLI: the bundle, or the entry through tsx when no bundle can be had (or `LISTENER_CLI_TSX=1`). */
export function runCli(
  options: BundleOptions & { readonly env?: NodeJS.ProcessEnv; readonly entry?: string },
): Promise<void>;
