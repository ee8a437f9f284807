#!/usr/bin/env node
// Preflight for `npm start` (node scripts/preflight.js start) and `npm test` (… test): in well under a
// second, names every missing prerequisite and the command that installs it, instead of a cryptic
// failure a minute later (no socat: modem tests time out after 55 s; no Java: DynamoDB Local never starts).
// Plain JavaScript with no imports outside Node, so it runs before anything else can fail.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const purpose = process.argv[2] === 'test' ? 'test' : 'start';
const mac = process.platform === 'darwin';
const debian = existsSync('/etc/debian_version');

/** The install line for this machine: Homebrew on macOS, apt-get on Debian/Ubuntu, else both. */
function install(apt, brew) {
  if (mac) return brew ? `brew install ${brew}` : '(not needed on macOS)';
  if (debian || !brew) return `sudo apt-get install -y ${apt}`;
  return `sudo apt-get install -y ${apt} (Debian/Ubuntu) or brew install ${brew} (macOS)`;
}

/** The executable `command` on PATH, or undefined. */
function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {}
  }
  return undefined;
}

/**
 * Java's major version (`1.8` → 8, `17.0.15` → 17), or undefined when there is no java. Read from the
 * JDK's `release` file when there is one (a millisecond); else `java -version` (a JVM start).
 */
function javaMajor() {
  const java = onPath('java');
  if (!java) return undefined;
  try {
    const release = readFileSync(join(dirname(dirname(realpathSync(java))), 'release'), 'utf8');
    const version = /^JAVA_VERSION="(?:1\.)?(\d+)/m.exec(release);
    if (version) return Number(version[1]);
  } catch {}
  const run = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 5_000 });
  if (run.error || run.status !== 0) return undefined;
  const match = /version "(?:1\.)?(\d+)/.exec(`${run.stderr}${run.stdout}`);
  return match ? Number(match[1]) : undefined;
}

const missing = [];
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  missing.push(
    `Node.js ${process.versions.node} is too old (need ≥ 20.19) — install a newer one: ${install('nodejs', 'node')} or https://nodejs.org`,
  );
}
const java = javaMajor();
if (java === undefined || java < 17) {
  const what = java === undefined ? 'Java is missing' : `Java ${java} is too old (need ≥ 17)`;
  missing.push(
    `${what} (DynamoDB Local runs on it) — install it: ${install('openjdk-17-jre-headless', 'openjdk@17')}`,
  );
}
if (purpose === 'test') {
  if (!onPath('socat')) {
    missing.push(
      `socat is missing (npm test simulates modems with it) — install it: ${install('socat', 'socat')}`,
    );
  }
  if (process.platform === 'linux' && !existsSync('/usr/bin/prometheus-alertmanager')) {
    missing.push(
      `Alertmanager is missing at /usr/bin/prometheus-alertmanager (the Alertmanager channel is tested against it) — install it: ${install('prometheus-alertmanager')}`,
    );
  }
  if (process.platform === 'linux' && !existsSync('/usr/bin/chromium')) {
    missing.push(
      `Chromium is missing at /usr/bin/chromium (the console tests drive it) — install it: ${install('chromium')}`,
    );
  }
  for (const tool of ['curl', 'jq']) {
    if (!onPath(tool)) {
      missing.push(
        `${tool} is missing (the README tour test runs it) — install it: ${install(tool, tool === 'curl' ? '' : tool)}`,
      );
    }
  }
}

for (const line of missing) console.error(`listener: ${line}`);
process.exitCode = missing.length > 0 ? 1 : 0;
