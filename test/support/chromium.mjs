// Finds and launches the machine's Chromium for the browser suites and the
// benchmark. No browser is downloaded: Debian's chromium package is used
// (installed by .ci/run), or CHROMIUM_PATH when set.
import {existsSync} from 'node:fs';
import {chromium} from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

// Without these, Chromium tries to reach Google's hosts at start-up, and this
// machine's closed network refuses each attempt.
const ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

/** The Chromium executable to use, or undefined when the machine has none. */
export function chromiumPath() {
	const fromEnvironment = process.env.CHROMIUM_PATH;
	if (fromEnvironment) {
		return existsSync(fromEnvironment) ? fromEnvironment : undefined;
	}

	return CANDIDATES.find((path) => existsSync(path));
}

/**
 * Whether a missing browser must fail the run (CI sets SIGNET_REQUIRE_BROWSER=1)
 * rather than skip the browser suites.
 */
export const browserRequired = process.env.SIGNET_REQUIRE_BROWSER === '1';

/** Launches headless Chromium; playwright gives each launch a fresh temporary profile. */
export async function launchChromium() {
	const executablePath = chromiumPath();
	if (!executablePath) {
		throw new Error('No Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH.');
	}

	return chromium.launch({executablePath, args: ARGS, timeout: 30_000});
}
