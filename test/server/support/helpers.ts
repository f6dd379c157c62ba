import {randomUUID} from 'node:crypto';
import {afterAll} from 'vitest';
import {STORE_METHODS} from '../../../src/server/config/settings';
import {createIdentityHandler, type IdentityHandlerConfig, type IdentityStore, type LogRecord, MemoryStore, startServer} from '../../../src/server/index';

export const SECRET = 'sk_test_handler_9aQ3vR_hash_key_0d7Yk2';
export const OLD_SECRET = 'sk_test_retired_Lp27_hash_key_Wq58xN';
/** An HS256 token key: a key has one use, so never one of the hash keys above. */
export const TOKEN_SECRET = 'tk_test_handler_3hX8pQ_token_key_Rm41';
export const ORIGIN = 'https://app.example.com';

/** An answer as the tests read it. */
export type Answer = {status: number; headers: Headers; body: any; text: string};

/** A running reference API with its store and the log lines it wrote. */
export type TestApi = {
	url: string;
	store: MemoryStore;
	/** The log lines, as written: one line of JSON each. */
	logs: string[];
	/** The log lines parsed: each must be JSON. */
	records(): LogRecord[];
	/** Every body and header text answered so far, to search for leaks. */
	answers: string[];
	post(path: string, body: unknown, init?: {headers?: Record<string, string>; raw?: boolean}): Promise<Answer>;
	request(path: string, init: RequestInit): Promise<Answer>;
};

/** A clock the tests move by hand. */
export function clock(start = '2026-11-21T12:00:00.000Z'): {now: () => Date; set(iso: string): void; advance(ms: number): void} {
	let time = Date.parse(start);
	return {
		now: () => new Date(time),
		set(iso) {
			time = Date.parse(iso);
		},
		advance(ms) {
			time += ms;
		},
	};
}

/**
 * Starts the reference API on loopback for one test file and closes it
 * after the file. The default client `ct_test` monitors, `ct_enforce`
 * enforces; both allow ORIGIN.
 */
export async function serve(config: Partial<IdentityHandlerConfig> = {}): Promise<TestApi> {
	const store = (config.store as MemoryStore | undefined) ?? new MemoryStore();
	const logs: string[] = [];
	const answers: string[] = [];
	const handler = createIdentityHandler({
		clients: {
			ct_test: {secrets: [OLD_SECRET, SECRET], allowedOrigins: [ORIGIN], variables: (userId) => ({plan: 'pro', greeting: `hi ${userId}`})},
			ct_enforce: {secrets: [SECRET], enforce: true, allowedOrigins: [ORIGIN]},
		},
		log: (line) => logs.push(line),
		...config,
		store,
	});
	const server = await startServer(handler);
	afterAll(() => server.close());

	const request = async (path: string, init: RequestInit): Promise<Answer> => {
		const response = await fetch(server.url + path, init);
		const text = await response.text();
		answers.push(text, JSON.stringify([...response.headers]));
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}

		return {status: response.status, headers: response.headers, body, text};
	};

	return {
		url: server.url,
		store,
		logs,
		records: () => logs.map((line) => JSON.parse(line) as LogRecord),
		answers,
		request,
		post: (path, body, init = {}) =>
			request(path, {
				method: 'POST',
				headers: {'Content-Type': 'text/plain;charset=UTF-8', ...init.headers},
				body: init.raw ? (body as string) : JSON.stringify(body),
			}),
	};
}

/** A well-formed identify body; override any field. */
export function identifyBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		clientToken: 'ct_test',
		anonymousId: randomUUID(),
		userId: '42',
		metadata: {plan: 'pro'},
		messageId: randomUUID(),
		sentAt: new Date().toISOString(),
		...fields,
	};
}

/**
 * `store` seen through an object with its methods only: it does not declare
 * `inProcess`, as PostgresStore or a third-party store would not, so the
 * handler treats it as a store others can read.
 */
export function sharedView(store: MemoryStore): IdentityStore {
	return Object.fromEntries(STORE_METHODS.map((method) => [method, store[method].bind(store)])) as unknown as IdentityStore;
}
