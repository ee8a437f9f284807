/** The bridge's version (the package's), sent as `agent: "phone-home-bridge/<version>"`. */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const BRIDGE_VERSION = readVersion();
export const BRIDGE_AGENT = `phone-home-bridge/${BRIDGE_VERSION}`;
