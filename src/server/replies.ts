import {createCipheriv, createDecipheriv, createHash, randomBytes} from 'node:crypto';
import type {Reply} from './reply';
import type {IdentityStore} from './store';

/** What makes two calls the same call: the route and the ids the SDK keeps across retries. */
export type CallKey = {route: string; clientToken: string; anonymousId: string; messageId: string};

/**
 * The answers already given, so that a retried call (same route, client
 * token, anonymous id and message id) gets the same answer and is not
 * applied twice. An answer may hold a session token, and the store keeps
 * sessions only as hashes; so the answer is sealed (AES-256-GCM) under a key
 * derived from the call's ids, and the store sees those ids only hashed.
 * Whoever reads the store cannot read an answer without the message id.
 *
 * Calls that are still running are remembered too: a retry that arrives
 * before the first answer waits for it instead of applying the call again.
 *
 * @example
 * const replies = new RememberedReplies(store);
 * const reply = await replies.once(key, now, () => identify(call));
 */
export class RememberedReplies {
	readonly #store: IdentityStore;
	readonly #running = new Map<string, Promise<{reply: Reply; replayed: boolean}>>();

	constructor(store: IdentityStore) {
		this.#store = store;
	}

	/**
	 * The remembered answer for `key`, or `apply()`'s, which is remembered
	 * unless it is a 429 or a server error (a retry should try again then).
	 * `replayed` says the answer came from memory.
	 */
	async once(key: CallKey, now: Date, apply: () => Promise<Reply>): Promise<{reply: Reply; replayed: boolean}> {
		const id = derive('signet reply id', key).toString('hex');
		const running = this.#running.get(id);
		if (running !== undefined) {
			return {reply: (await running).reply, replayed: true};
		}

		// Registered before the first await, so a retry arriving meanwhile finds it.
		const work = this.#recallOrApply(id, key, now, apply);
		this.#running.set(id, work);
		try {
			return await work;
		} finally {
			this.#running.delete(id);
		}
	}

	async #recallOrApply(id: string, key: CallKey, now: Date, apply: () => Promise<Reply>): Promise<{reply: Reply; replayed: boolean}> {
		const stored = await this.#store.getReply(id);
		const remembered = stored === undefined ? undefined : open(stored.sealed, key);
		if (remembered !== undefined) {
			return {reply: remembered, replayed: true};
		}

		const reply = await apply();
		if (reply.status < 500 && reply.status !== 429) {
			await this.#store.putReply({key: id, sealed: seal(reply, key), createdAt: now.toISOString()});
		}

		return {reply, replayed: false};
	}
}

// Two labels give two unrelated values from the same ids: one names the
// answer in the store, the other encrypts it.
function derive(label: string, key: CallKey): Buffer {
	const ids = JSON.stringify([key.route, key.clientToken, key.anonymousId, key.messageId]);
	return createHash('sha256').update(`${label}\u0000${ids}`).digest();
}

function seal(reply: Reply, key: CallKey): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', derive('signet reply key', key), iv);
	const data = Buffer.concat([cipher.update(JSON.stringify(reply), 'utf8'), cipher.final()]);
	return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
}

// A reply that does not open (a corrupted store) is treated as never given.
function open(sealed: string, key: CallKey): Reply | undefined {
	try {
		const bytes = Buffer.from(sealed, 'base64url');
		const decipher = createDecipheriv('aes-256-gcm', derive('signet reply key', key), bytes.subarray(0, 12));
		decipher.setAuthTag(bytes.subarray(12, 28));
		const text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
		return JSON.parse(text) as Reply;
	} catch {
		return undefined;
	}
}
