// Shared by the browser tests: Debian's chromium driven by playwright-core
// (no browser is ever downloaded), an artifacts folder, and a small step
// runner that prints each step, saves a screenshot of every open page when
// one fails, and exits non-zero.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Debian's chromium (`scripts/install-system-deps.sh`). */
export const CHROMIUM = process.env.OPENKYC_CHROMIUM || '/usr/bin/chromium';

/** Where screenshots and results go (`target/browser-artifacts/` unless told). */
export const ARTIFACTS = resolve(process.env.OPENKYC_ARTIFACTS || 'target/browser-artifacts');

/** How long one action or wait may take before the step fails. */
const ACTION_TIMEOUT_MS = 15_000;
/** The whole script's limit, so a hung browser cannot hang CI. */
const SCRIPT_TIMEOUT_MS = Number(process.env.OPENKYC_BROWSER_TIMEOUT_MS || 240_000);

/** An environment variable the Rust harness must set. */
export function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set (the Rust harness sets it)`);
  }
  return value;
}

/**
 * Starts headless chromium. Playwright gives every launch a fresh, empty
 * profile (its own temporary user-data-dir, removed on close; it refuses a
 * `--user-data-dir` flag). The flags keep chromium from reaching out to the
 * network (CI machines have none; without them it retries blocked
 * connections at every start); `--no-sandbox` only as root, where chromium
 * refuses to start sandboxed.
 */
export async function launch() {
  const args = [
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    args.push('--no-sandbox');
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** A new context with the step timeouts. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, ...options });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return context;
}

/** Fails the current step with `message` unless `condition` holds. */
export function check(condition, message) {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

/** Fails unless `actual === expected`. */
export function equal(actual, expected, message) {
  check(actual === expected, `${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Fails unless the text contains `part`. */
export function contains(text, part, message) {
  check(typeof text === 'string' && text.includes(part), `${message}: ${JSON.stringify(part)} not in ${JSON.stringify(text)}`);
}

/** Saves a full-page screenshot under the artifacts folder; returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Writes a JSON file under the artifacts folder (results for the harness). */
export function writeResult(name, value) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, name), `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs `body(browser, step)` where `step(title, fn)` prints and runs one
 * step. The first failure prints the error, screenshots every open page as
 * `<name>-failure-<context>-<page>.png`, closes the browser and exits 1.
 */
export async function run(name, body) {
  const watchdog = setTimeout(() => {
    console.error(`FAIL ${name}: still running after ${SCRIPT_TIMEOUT_MS} ms`);
    process.exit(1);
  }, SCRIPT_TIMEOUT_MS);
  let browser;
  let number = 0;
  const step = async (title, fn) => {
    number += 1;
    console.log(`[${name}] step ${number}: ${title}`);
    const started = Date.now();
    const value = await fn();
    console.log(`[${name}]   ok (${Date.now() - started} ms)`);
    return value;
  };
  try {
    browser = await launch();
    await body(browser, step);
    console.log(`[${name}] PASS: ${number} steps`);
    await browser.close();
    clearTimeout(watchdog);
  } catch (error) {
    console.error(`[${name}] FAIL in step ${number}: ${error && error.stack ? error.stack : error}`);
    if (browser) {
      await screenshotAll(browser, name);
      await browser.close().catch(() => {});
    }
    process.exit(1);
  }
}

async function screenshotAll(browser, name) {
  const contexts = browser.contexts();
  for (const [c, context] of contexts.entries()) {
    for (const [p, page] of context.pages().entries()) {
      try {
        const path = await screenshot(page, `${name}-failure-${c}-${p}.png`);
        console.error(`[${name}]   screenshot of ${page.url()}: ${path}`);
      } catch (error) {
        console.error(`[${name}]   no screenshot of context ${c} page ${p}: ${error}`);
      }
    }
  }
}
