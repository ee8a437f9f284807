/**
 * The web console in a real headless Chromium against a real `listener local`: sign in with the one-time
 * link, see a DOWN Logger, acknowledge it, see the audit line; and the refusals — a used link, no session,
 * a form without its CSRF token — with axe-core finding no WCAG A/AA violation, at 390 and 1280 px.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, type Browser, launchChromium } from '../support/browser.js';
import { addLogger, FAST_LOCAL, type LocalListener, runCli, startLocalListener } from '../support/cli.js';

/** Set to a directory (docs/screenshots) to save the pages as the docs show them. */
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS;

let listener: LocalListener;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  listener = await startLocalListener(FAST_LOCAL);
  browser = await launchChromium();
  await addLogger(listener, 'geocust1', 'A', '--timeout', '3s');
  await addLogger(listener, 'geocust1', 'B');
  await addLogger(listener, 'acme', 'A');
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await listener?.stop();
});

async function signInLink(): Promise<string> {
  const result = await runCli(['console-url', '--dir', listener.dir, '--as', 'alice']);
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

async function expectAccessible(): Promise<void> {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axeViolations(page), `at ${width} px`).toEqual([]);
  }
}

async function shoot(name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
}

describe('the web console', () => {
  it('gives an unauthenticated browser nothing but the sign-in page', async () => {
    const raw = await fetch(`${listener.apiUrl}/console/loggers/geocust1/A`, { redirect: 'manual' });
    expect(raw.status).toBe(303);
    expect(raw.headers.get('location')).toBe('/console/sign-in');
    expect(await raw.text()).toBe('');
    // A browser opening the Listener's root lands on the console, not on a JSON 404.
    await page.goto(`${listener.apiUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await page.content()).not.toContain('geocust1');
    await expectAccessible();
  });

  it('signs in with the one-time link and shows the DOWN Logger first', async () => {
    await page.goto(await signInLink());
    expect(new URL(page.url()).pathname).toBe('/console');
    const firstRow = page.locator('#fleet-rows tr').first();
    await expect
      .poll(
        async () => {
          await page.reload();
          return firstRow.getAttribute('data-states');
        },
        { timeout: 20_000 },
      )
      .toContain('DOWN');
    expect(await firstRow.locator('th').textContent()).toBe('geocust1');
    await expectAccessible();
    await shoot('fleet');
  });

  it('refuses the same sign-in link a second time', async () => {
    const link = await signInLink();
    const other = await browser.context.browser()?.newContext();
    const fresh = other ? await other.newPage() : await browser.context.newPage();
    await fresh.goto(link);
    await fresh.goto(link);
    expect(await fresh.locator('h1').textContent()).toBe('This sign-in link does not work');
    expect(await fresh.content()).not.toContain('geocust1');
    await fresh.close();
  });

  it('opens the Logger from the keyboard, acknowledges it, and shows who did', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${listener.apiUrl}/console`);
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const label = await page.evaluate(() =>
        (
          globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }
        ).document.activeElement.getAttribute('aria-label'),
      );
      if (label?.startsWith('geocust1/A')) break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/console/loggers/geocust1/A');
    await page.getByLabel('Ticket').fill('INC-4711');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Acknowledge', exact: true }).click(),
    ]);
    expect(
      `${new URL(page.url()).pathname}${new URL(page.url()).search} ${await page.locator('h1').textContent()}`,
    ).toBe('/console/loggers/geocust1/A?done=ack Logger geocust1/A DOWN');
    await expect
      .poll(() => page.locator('.audit-line').first().textContent())
      .toMatch(/alice acknowledged the alarm: ticket INC-4711 \(console\)/);
    await expectAccessible();
    await shoot('logger');
    const alarms = await runCli(['alarm', 'list', '--dir', listener.dir, '--json']);
    expect(JSON.parse(alarms.stdout)).toEqual([
      expect.objectContaining({ logger: 'geocust1/A', owner: expect.objectContaining({ by: 'alice' }) }),
    ]);
  });

  it('refuses a form posted without its CSRF token', async () => {
    const response = await browser.context.request.post(`${listener.apiUrl}/console/loggers/acme/A/pause`, {
      form: { note: 'no token' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    const state = await runCli(['logger', 'show', 'acme/A', '--dir', listener.dir, '--json']);
    expect(JSON.parse(state.stdout).state).not.toBe('PAUSED');
  });

  it('the alarms page is accessible and refreshes the fleet without reloading', async () => {
    await page.goto(`${listener.apiUrl}/console/alarms`);
    await expectAccessible();
    await page.goto(`${listener.apiUrl}/console?refresh=2`);
    await page.evaluate(() => {
      (globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true;
    });
    await addLogger(listener, 'zeta', 'B');
    await expect
      .poll(() => page.locator('#fleet-rows tr[data-customer=zeta]').count(), { timeout: 15_000 })
      .toBe(1);
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(
      true,
    );
    expect(cspViolations).toEqual([]);
  });
});
