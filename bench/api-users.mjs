// The visitors of the API load benchmark: 1,000 users, each with its own
// anonymous id and a valid hash, shared by the targets and the load generator.
import {createHmac} from 'node:crypto';

export const CLIENT_TOKEN = 'ct_bench';
export const SECRET = 'sk_bench_4hV8qL2x';
export const PAGE_ORIGIN = 'http://127.0.0.1:8080';
export const USERS = 1000;

/**
 * Identify bodies without their messageId (the load generator adds a fresh
 * one per call), as the SDK sends them: JSON with a hex hash and an
 * expiration; without metadata when `metadata` is false.
 */
export function identifyBodies(now = Date.now(), {clientToken = CLIENT_TOKEN, secret = SECRET} = {}, {metadata = true} = {}) {
	const expiration = new Date(now + 24 * 60 * 60 * 1000).toISOString();
	return Array.from({length: USERS}, (_, index) => {
		const userId = `user-${index}`;
		const hash = createHmac('sha256', secret).update(`${userId}\n${expiration}`, 'utf8').digest('hex');
		const body = {clientToken, anonymousId: `anon-${String(index).padStart(8, '0')}-bench`, userId, metadata: {plan: index % 2 ? 'pro' : 'free'}, hash, expiration};
		// Without: the load generator writes a metadata of its own per call.
		if (!metadata) {
			delete body.metadata;
		}

		return body;
	});
}

/** What each target of bench/api-target.mjs is, for the tables and docs/performance.md. */
export const TARGET_LABELS = {
	reference: 'reference API, MemoryStore',
	registry: 'reference API, MemoryStore, a registry client among 50',
	metrics: 'reference API, MemoryStore, metrics on',
	observed: 'reference API, MemoryStore, metrics + JSON log lines',
	postgres: 'reference API, PostgresStore',
	'postgres-changing': 'reference API, PostgresStore, metadata changed on every call',
	'bare-postgres': 'bare + one PostgreSQL write',
	bare: 'bare node:http + HMAC check',
};
