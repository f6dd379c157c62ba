// What the console suites share: the API as its own process (control plane
// on), the owner's calls to it, and signing in through the page.
import {type ChildProcess, spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import type {Page} from 'playwright-core';
import {afterAll, beforeAll} from 'vitest';

const SCRIPT = fileURLToPath(new URL('console-api.mjs', import.meta.url));

export type ConsoleApi = {
	url: string;
	ownerKey: string;
	/** An admin call from the test, as `key` (the owner's by default): status and parsed body. */
	admin(method: string, path: string, body?: unknown, key?: string): Promise<{status: number; body: any}>;
	/** POST /v1/identify as a page would send it, from `origin`. */
	identify(fields: {clientToken: string; userId: string; hash: string}, origin: string): Promise<{status: number; body: any}>;
};

/** Starts the API process for this file (beforeAll) and stops it (afterAll). */
export function useConsoleApi(): ConsoleApi {
	const api = {ownerKey: `sok_${randomBytes(32).toString('base64url')}`} as ConsoleApi;
	let child: ChildProcess | undefined;
	beforeAll(async () => {
		child = spawn(process.execPath, [SCRIPT], {
			env: {...process.env, SIGNET_OWNER_KEY: api.ownerKey, SIGNET_MASTER_KEY: randomBytes(32).toString('base64')},
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		const line = await new Promise<string>((resolve, reject) => {
			child!.once('exit', (code) => reject(new Error(`the API process exited (${code}) before listening`)));
			createInterface({input: child!.stdout!}).once('line', resolve);
		});
		api.url = (JSON.parse(line) as {url: string}).url;
	});
	afterAll(() => {
		child?.kill('SIGTERM');
	});
	api.admin = async (method, path, body, key = api.ownerKey) => {
		const response = await fetch(`${api.url}/v1/admin/${path}`, {
			method,
			headers: {Authorization: `Bearer ${key}`, 'Content-Type': 'application/json'},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return {status: response.status, body: response.status === 204 ? undefined : await response.json()};
	};
	api.identify = async ({clientToken, userId, hash}, origin) => {
		const body = {clientToken, userId, hash, anonymousId: crypto.randomUUID(), messageId: crypto.randomUUID(), sentAt: new Date().toISOString()};
		const response = await fetch(`${api.url}/v1/identify`, {method: 'POST', headers: {'Content-Type': 'text/plain;charset=UTF-8', Origin: origin}, body: JSON.stringify(body)});
		return {status: response.status, body: await response.json()};
	};
	return api;
}

/** Signs in on the console page with `key`, and waits until the clients show. */
export async function signIn(page: Page, key: string): Promise<void> {
	await page.getByLabel('Admin credential').fill(key);
	await page.getByRole('button', {name: 'Sign in'}).click();
	await page.getByRole('heading', {name: 'Clients'}).waitFor();
}

/** The console errors a page logged (CSP violations included). */
export function consoleErrors(messages: Array<{type: string; text: string}>): string[] {
	return messages.filter(({type}) => type === 'error').map(({text}) => text);
}
