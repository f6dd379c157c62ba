import type {Call} from './body';
import {compoundKey} from '../store/compound-key';
import {derive, openText, sealText} from './sealing';
import {bodyText, errorReply, type Reply} from './reply';
import {isPromise} from '../store/maybe-promise';
import type {CallCount} from '../store/claim-and-count';
import type {ClaimAndCountResult, IdentityStore, MaybePromise} from '../store/store';

/** What makes two calls the same call: the route and the ids the SDK keeps across retries. */
export type CallKey = {route: string; clientToken: string; anonymousId: string; messageId: string};

/**
 * What is compared to tell a retry from a reused id. A store others can
 * read keeps (a hash of) the body without `sentAt` and the bearer token, as
 * it always has, so retries across an upgrade still match; in this process
 * it is what the API acts on: the checked call's fields and the bearer token.
 */
export type CallContent = {body: unknown; call: Call; bearerToken?: string};

/** How long a retry waits for a copy of its call that another instance is running, polling the store. */
const WAIT_MS = 5_000;
const POLL_MS = 50;
/** The longest call content an in-process store keeps as it is to compare retries with; a longer one is kept as its SHA-256. */
const MAX_PLAIN_FINGERPRINT = 1024;
/** A claim older than this is taken to belong to a caller that died: the call runs again. */
const STALE_MS = 30_000;

/**
 * The answers already given, so that a retried call gets the same answer
 * and is applied once, on any instance sharing the store. A retry is the
 * same route, client token, anonymous id and message id (the claim's key)
 * and the same content (the fingerprint): the same ids with other content
 * are answered 409 `message_id_reused`, never with the first call's answer.
 *
 * An answer may hold a session token, and the store keeps sessions only as
 * hashes; so the answer is sealed (AES-256-GCM) under a key derived from
 * the call's ids, and the store sees those ids only hashed. Whoever reads
 * the store cannot read an answer without the message id. A store that
 * keeps everything in this process (`inProcess`, as MemoryStore) gets the
 * ids as they are and the answer as text: nobody reads it who could not
 * read the secrets.
 *
 * A copy that arrives while the call runs waits for its answer: in this
 * process through a map of running calls, across instances by polling the
 * store (at most 5 s, then 503 and the SDK retries).
 *
 * @example
 * const replies = new RememberedReplies(store, DEFAULT_REPLY_TTL_MS);
 * const {reply, replayed} = await replies.once(key, {body, bearerToken}, now, () => identify(call));
 */
export class RememberedReplies {
	readonly #store: IdentityStore;
	readonly #ttlMs: number;
	readonly #seal: (reply: Reply, ids: string) => string;
	readonly #open: (sealed: string, ids: string) => Reply | undefined;
	readonly #running = new Map<string, {fingerprint: string; work: Promise<Reply>}>();
	readonly #hashIds: boolean;

	constructor(store: IdentityStore, ttlMs: number) {
		this.#store = store;
		this.#ttlMs = ttlMs;
		[this.#seal, this.#open] = store.inProcess === true ? [asText, fromText] : [seal, open];
		// Only a store others can read needs the ids hidden behind a hash.
		this.#hashIds = store.inProcess !== true;
	}

	/**
	 * The remembered answer for this call, or `apply()`'s, which is
	 * remembered unless it is a 429 or a server error (a retry should try
	 * again then). `replayed` says the answer came from memory. With
	 * `count`, a store that has `claimAndCount` counts the claimed call's
	 * rate limits with its claim, and `apply` gets their counts (see
	 * CallCount); otherwise it gets none, and counts them itself.
	 */
	async once(key: CallKey, content: CallContent, now: Date, apply: (counts?: number[]) => MaybePromise<Reply>, count?: CallCount): Promise<{reply: Reply; replayed: boolean}> {
		let ids: string;
		let id: string;
		let fingerprint: string;
		if (this.#hashIds) {
			// The ids are written once per call; every value below is derived from them.
			ids = JSON.stringify([key.route, key.clientToken, key.anonymousId, key.messageId]);
			id = derive('signet reply id', ids);
			fingerprint = derive('signet reply fingerprint', ids, JSON.stringify([content.body, content.bearerToken ?? null]));
		} else {
			// In this process the content itself is compared, hashed only when
			// long, so memory stays bounded: SHA-256 of it, and JSON of the
			// whole body, were a tenth of a call.
			ids = compoundKey(key.route, key.clientToken, key.anonymousId, key.messageId);
			id = ids;
			const text = contentText(content);
			fingerprint = text.length <= MAX_PLAIN_FINGERPRINT ? text : derive('signet reply fingerprint', ids, text);
		}

		const running = this.#running.get(id);
		if (running !== undefined) {
			return running.fingerprint === fingerprint ? {reply: await running.work, replayed: true} : {reply: reused(), replayed: false};
		}

		let replayed = true;
		// Registered before the first await, so a copy arriving meanwhile finds it.
		const work = this.#recallOrApply(id, fingerprint, ids, now, count, (counts) => {
			replayed = false;
			return apply(counts);
		});
		this.#running.set(id, {fingerprint, work});
		try {
			const reply = await work;
			return {reply, replayed: replayed && reply.status !== 409 && reply.status !== 503};
		} finally {
			this.#running.delete(id);
		}
	}

	// A synchronous store's answers are used as they come (see maybe-promise.ts).
	async #recallOrApply(id: string, fingerprint: string, ids: string, now: Date, count: CallCount | undefined, apply: (counts?: number[]) => MaybePromise<Reply>): Promise<Reply> {
		const claim = {key: id, fingerprint, now, expiresAt: new Date(now.getTime() + this.#ttlMs), staleBefore: new Date(now.getTime() - STALE_MS)};
		// One round trip for the claim and the limits, when the store can.
		const together = count !== undefined && this.#store.claimAndCount !== undefined;
		let counts: number[] | undefined;
		for (let waited = 0; ; waited += POLL_MS) {
			const claiming = together ? this.#store.claimAndCount!(claim, count!) : this.#store.claimReply(claim);
			const found = isPromise(claiming) ? await claiming : claiming;
			if (found.state === 'claimed') {
				counts = (found as ClaimAndCountResult).counts;
				break;
			}

			if (found.fingerprint !== fingerprint) {
				return reused();
			}

			if (found.state === 'done') {
				const remembered = this.#open(found.sealed, ids);
				if (remembered !== undefined) {
					return remembered;
				}

				// An answer that does not open (a corrupted store) is treated as never given.
				await this.#store.releaseReply(id);
			} else if (waited >= WAIT_MS) {
				return errorReply(503, 'server_error', 'the first copy of this call is still running: retry in a moment', {headers: {'Retry-After': '1'}});
			} else {
				await new Promise((resolve) => setTimeout(resolve, POLL_MS));
			}
		}

		let reply: Reply;
		try {
			const applying = apply(counts);
			reply = isPromise(applying) ? await applying : applying;
		} catch (error) {
			await this.#store.releaseReply(id);
			throw error;
		}

		const stored = reply.status < 500 && reply.status !== 429 ? this.#store.finishReply(id, this.#seal(reply, ids)) : this.#store.releaseReply(id);
		if (isPromise(stored)) {
			await stored;
		}

		return reply;
	}
}

// The fields of the call the API acts on, and the bearer token, in one
// string: each as its length and its text ('-' when absent, which '' is
// not), the metadata last as JSON. The route and ids are the key already.
function contentText({call, bearerToken}: CallContent): string {
	let text = part(bearerToken);
	if (call.route === 'identify') {
		text += part(call.userId) + part(call.hash) + part(call.expiration) + part(call.token);
	}

	return call.route === 'logout' || call.metadata === undefined ? text : `${text}${JSON.stringify(call.metadata)}`;
}

function part(value: string | undefined): string {
	return value === undefined ? '-' : `${value.length}:${value}`;
}

function reused(): Reply {
	return errorReply(409, 'message_id_reused', 'this messageId was already used by this visitor for a different call: give every new call a new messageId');
}

function sealingKey(ids: string): Buffer {
	return Buffer.from(derive('signet reply key', ids), 'hex');
}

function seal(reply: Reply, ids: string): string {
	const {status, body, headers} = reply;
	return sealText(JSON.stringify({status, body, headers}), sealingKey(ids));
}

// A reply that does not open (a corrupted store) is treated as never given.
function open(sealed: string, ids: string): Reply | undefined {
	const text = openText(sealed, sealingKey(ids));
	return text === undefined ? undefined : (JSON.parse(text) as Reply);
}

// For a store in this process: the answer as text, a copy that later
// changes to the reply's objects (a variables object the app reuses)
// cannot reach. The status, the headers as JSON and the body's JSON, one
// line each (JSON.stringify writes no line break), so the body's text is
// the one the answer is written from, made once.
function asText(reply: Reply): string {
	return `${reply.status}\n${reply.headers === undefined ? 'null' : JSON.stringify(reply.headers)}\n${bodyText(reply)}`;
}

function fromText(text: string): Reply | undefined {
	try {
		const first = text.indexOf('\n');
		const second = text.indexOf('\n', first + 1);
		const body = text.slice(second + 1);
		const headers = JSON.parse(text.slice(first + 1, second)) as Record<string, string> | null;
		const reply: Reply = {status: Number(text.slice(0, first)), body: JSON.parse(body), text: body};
		if (headers !== null) {
			reply.headers = headers;
		}

		return first > 0 && second > first ? reply : undefined;
	} catch {
		return undefined;
	}
}
