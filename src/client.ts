// One isolated SDK instance: identity state, session, variables, the
// ordered queue of calls and the transport. createClient() makes one; the
// named exports share a default one.
import { ApiError } from './errors/api-error';
import { IdentityVerificationError } from './errors/identity-verification-error';
import { InvalidArgumentError } from './errors/invalid-argument-error';
import { NotInitializedError } from './errors/not-initialized-error';
import { SignetError } from './errors/signet-error';
import { Emitter } from './emitter';
import { normaliseOptions, type Settings } from './options';
import { SerialQueue } from './queue';
import { renewalDelay } from './renewal';
import { safeStorage, type SafeStorage } from './storage';
import { Transport, toSignetError } from './transport';
import { uuid } from './uuid';
import { checkExpiration, checkHash, checkIdentify, checkMetadata, type IdentifyCall } from './validate';
import { monitorWarning, rejectedWarning } from './warnings';
import type { IdentityResult, IdentityState, SignetEvent, SignetEvents } from './types/identity';
import type { InitOptions, Metadata, Verification } from './types/options';
import type { IdentifyAnswer } from './types/wire';

type Session = {token: string; expiresAt: string; userId: string};

/** The last identify the API accepted: an identical one is answered from memory. */
type Accepted = {key: string; call: IdentifyCall; result: IdentityResult};

// The caller may never look at a promise: its rejection must not surface
// as an unhandled rejection in the host page.
function handled<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => {});
	return promise;
}

const callKey = (call: IdentifyCall) => JSON.stringify([call.userId, call.metadata, call.hash, call.expiration]);

const hasExpired = (call: IdentifyCall) => call.expiration !== undefined && Date.parse(call.expiration) <= Date.now();

/**
 * An isolated Signet instance. Most pages use the named exports, which share
 * one; `createClient()` makes more (two widget projects on one page).
 */
export class Client {
	readonly #events = new Emitter();
	readonly #queue = new SerialQueue();
	#settings: Settings | undefined;
	#transport: Transport | undefined;
	#local: SafeStorage | undefined;
	#sessions: SafeStorage | undefined;
	#ready: Promise<void> = Promise.resolve();
	#state: Omit<IdentityState, 'anonymousId'> = {status: 'anonymous', userId: null, error: null};
	#anonymousId = '';
	#accepted: Accepted | undefined;
	#variables: Record<string, unknown> = {};
	#renewal: ReturnType<typeof setTimeout> | undefined;

	/**
	 * With options, the client is configured at once (bad options throw
	 * `InvalidArgumentError` here) and identifies `options.user` if given.
	 */
	constructor(options?: InitOptions) {
		if (options !== undefined) {
			this.#ready = this.#identifyInitialUser(this.#configure(options));
		}
	}

	/** Resolves once `init()` (and its `user`, if any) has settled; never rejects. */
	get ready(): Promise<void> {
		return this.#ready;
	}

	/** Configures the client; with `options.user`, identifies that user too. */
	init(options: InitOptions): Promise<void> {
		return handled(
			(async () => {
				this.#ready = this.#identifyInitialUser(this.#configure(options));
				await this.#ready;
			})(),
		);
	}

	/** Tells the API who the user is, with the hash your server signed. */
	identifyUser(userId: string | number, metadata?: Metadata, verification?: Verification): Promise<IdentityResult> {
		return this.#call(() => checkIdentify(userId, metadata, verification), (call) => this.#identify(call));
	}

	/** Changes the identified user's metadata; needs no new hash. */
	updateUser(metadata: Metadata): Promise<IdentityResult> {
		return this.#call(
			() => checkMetadata(metadata, true),
			(changes) => this.#update(changes!),
		);
	}

	/** Forgets the user, revokes the session and starts a new anonymous id. */
	logout(): Promise<void> {
		return this.#call(
			() => {},
			() => this.#logout(),
		);
	}

	/** Who the SDK is talking for, right now. */
	getIdentity(): IdentityState {
		return {...this.#state, anonymousId: this.#anonymousId};
	}

	/** This browser's anonymous id ('' before `init()`). */
	getAnonymousId(): string {
		return this.#anonymousId;
	}

	/** A personalised variable; the fallback unless the identity is verified and has it. */
	getVariable<T>(name: string, fallback: T): unknown {
		return this.#state.status === 'verified' && Object.hasOwn(this.#variables, name) ? this.#variables[name] : fallback;
	}

	/** Listens to `identified`, `rejected`, `error` or `expiring`; returns the unsubscribe function. */
	on<E extends SignetEvent>(event: E, handler: (payload: SignetEvents[E]) => void): () => void {
		return this.#events.on(event, handler);
	}

	#configure(options: InitOptions): Settings {
		const settings = normaliseOptions(options);
		if (typeof window === 'undefined' && !settings.fetch) {
			throw new SignetError('unsupported_environment', 'Signet runs in the browser: call init() on the client, not during server-side rendering.');
		}

		const current = this.#settings;
		if (current && (current.clientToken !== settings.clientToken || current.apiHost !== settings.apiHost)) {
			throw new InvalidArgumentError('invalid_options', 'Already initialised with another client: use createClient().');
		}

		if (!current) {
			const transport = new Transport(settings);
			this.#settings = settings;
			this.#transport = transport;
			this.#local = safeStorage(settings.storage.local, 'localStorage');
			this.#sessions = safeStorage(settings.storage.session, 'sessionStorage');
			// || and not ??: an empty stored id (storage edited by hand or by
			// another script) would make the API refuse every call.
			this.#anonymousId = this.#local.get(this.#key('anonymousId')) || this.#newAnonymousId();
			// While the page goes away, requests must outlive it.
			globalThis.addEventListener?.('pagehide', () => transport.hidden(true));
			globalThis.addEventListener?.('pageshow', () => transport.hidden(false));
		}

		return settings;
	}

	// A failed identify is reported by the state and the events, not by init().
	async #identifyInitialUser({user}: Settings): Promise<void> {
		if (user) {
			await this.#queue.add(() => this.#identify(user)).catch(() => {});
		}
	}

	/**
	 * Checks the arguments at once (a bad call rejects and sends nothing),
	 * then runs the call in its turn.
	 */
	#call<A, R>(check: () => A, run: (checked: A) => Promise<R>): Promise<R> {
		return handled(
			(async () => {
				if (!this.#settings) {
					throw new NotInitializedError();
				}

				let checked: A;
				try {
					checked = check();
				} catch (error) {
					this.#events.emit('error', error as SignetError);
					throw error;
				}

				return this.#queue.add(() => run(checked));
			})(),
		);
	}

	#key(name: string): string {
		return `signet:${this.#settings!.clientToken}:${name}`;
	}

	#newAnonymousId(): string {
		const id = uuid();
		this.#local!.set(this.#key('anonymousId'), id);
		return id;
	}

	#send(path: string, fields: object, token?: string): Promise<unknown> {
		const body = {clientToken: this.#settings!.clientToken, anonymousId: this.#anonymousId, ...fields, messageId: uuid(), sentAt: new Date().toISOString()};
		this.#debug(`POST ${path}`);
		return this.#transport!.post(path, body, {token, beacon: path === 'v1/logout'});
	}

	async #identify(requested: IdentifyCall): Promise<IdentityResult> {
		const accepted = this.#accepted;
		if (accepted?.key === callKey(requested) && !hasExpired(requested)) {
			// A deep copy each time (variables included): changing a result must not
			// change what getVariable() or a later deduped identify answers.
			return structuredClone(accepted.result);
		}

		const {status, userId} = this.#state;
		if (requested.userId !== userId) {
			// Another user: nothing of the previous one may carry over.
			this.#forgetUser();
		}

		if (requested.userId !== userId || status === 'anonymous' || status === 'rejected') {
			this.#state = {status: 'pending', userId: requested.userId, error: null};
		}

		let call = requested;
		try {
			if (hasExpired(call)) {
				call = await this.#refreshed(call);
			}

			const {userId: id, metadata, hash, expiration} = call;
			return this.#accept(call, await this.#send('v1/identify', {userId: id, metadata, hash, expiration}));
		} catch (error) {
			throw await this.#fail(error);
		}
	}

	// An expired hash is never sent: the customer's backend signs a new one.
	async #refreshed(call: IdentifyCall): Promise<IdentifyCall> {
		const refresh = this.#settings!.refreshIdentity;
		if (!refresh) {
			throw new IdentityVerificationError('hash_expired', 'The hash has expired and there is no refreshIdentity.');
		}

		let fresh: Verification;
		try {
			fresh = await refresh({userId: call.userId});
		} catch (error) {
			throw new SignetError('refresh_failed', 'refreshIdentity failed.', {cause: error});
		}

		const renewed = {...call, hash: checkHash(fresh?.hash), expiration: checkExpiration(fresh?.expiration)};
		if (hasExpired(renewed)) {
			throw new IdentityVerificationError('hash_expired', 'refreshIdentity gave an expired hash.');
		}

		return renewed;
	}

	#accept(call: IdentifyCall, answer: unknown): IdentityResult {
		const {verified, verification, variables, session} = (answer ?? {}) as Partial<IdentifyAnswer>;
		if (typeof verified !== 'boolean') {
			throw new ApiError(200, 'invalid_response', 'Unexpected answer.');
		}

		const result: IdentityResult = {userId: call.userId, anonymousId: this.#anonymousId, verified, variables: verified ? {...variables} : {}};
		this.#forgetUser();
		this.#variables = result.variables;
		this.#accepted = {key: callKey(call), call, result};
		this.#state = {status: verified ? 'verified' : 'unverified', userId: call.userId, error: null};
		if (verified) {
			if (session) {
				this.#sessions!.set(this.#key('session'), JSON.stringify({...session, userId: call.userId}));
			}

			this.#scheduleRenewal(call);
		} else if (verification && verification !== 'ok') {
			console.warn(monitorWarning(verification));
		}

		this.#debug(`${call.userId}: ${verified ? 'verified' : verification}`);
		this.#events.emit('identified', structuredClone(result));
		return structuredClone(result);
	}

	async #fail(error: unknown): Promise<SignetError> {
		const failure = await toSignetError(error, this.#settings!.apiHost);
		if (failure instanceof IdentityVerificationError) {
			// The fallback: carry on as the anonymous visitor, with nothing of the refused user.
			this.#forgetUser();
			this.#state = {status: 'rejected', userId: null, error: failure};
			console.warn(rejectedWarning(failure.code));
			this.#events.emit('rejected', failure);
		} else {
			// Unknown, not refused: what was there before stays.
			this.#state = this.#state.status === 'pending' ? {status: 'anonymous', userId: null, error: failure} : {...this.#state, error: failure};
			this.#events.emit('error', failure);
		}

		return failure;
	}

	#forgetUser(): void {
		clearTimeout(this.#renewal);
		this.#accepted = undefined;
		this.#variables = {};
		this.#sessions!.set(this.#key('session'), undefined);
	}

	#scheduleRenewal(call: IdentifyCall): void {
		const {expiration} = call;
		if (!this.#settings!.refreshIdentity || expiration === undefined) {
			return;
		}

		this.#renewal = setTimeout(() => {
			this.#events.emit('expiring', {userId: call.userId, expiration});
			this.#queue
				.add(async () => {
					// Only what is still the current identity is renewed.
					if (this.#accepted?.call === call) {
						await this.#identify(await this.#refreshed(call));
					}
				})
				.catch((error: SignetError) => {
					if (error.code === 'refresh_failed') {
						this.#events.emit('error', error);
					}
				});
		}, renewalDelay(Date.parse(expiration), Date.now()));
	}

	async #update(changes: Metadata): Promise<IdentityResult> {
		const accepted = this.#accepted;
		if (!accepted) {
			throw new NotInitializedError('not_identified', 'Call identifyUser() first.');
		}

		const call = {...accepted.call, metadata: {...accepted.call.metadata, ...changes}};
		const session = this.#session();
		if (session) {
			try {
				return this.#accept(call, await this.#send('v1/user', {metadata: changes}, session.token));
			} catch (error) {
				const failure = await toSignetError(error, this.#settings!.apiHost);
				// A lapsed session falls through: the hash still in memory proves the identity again.
				if (!(failure instanceof ApiError && failure.apiCode === 'session_invalid')) {
					// Like a failed identify: the 'error' event, and the state keeps the error.
					throw await this.#fail(failure);
				}
			}
		}

		return this.#identify(call);
	}

	#session(): Session | undefined {
		try {
			const session = JSON.parse(this.#sessions!.get(this.#key('session')) ?? '{}') as Session;
			if (session.userId === this.#state.userId && Date.parse(session.expiresAt) > Date.now()) {
				return session;
			}
		} catch {}

		return undefined;
	}

	async #logout(): Promise<void> {
		const session = this.#session();
		this.#forgetUser();
		this.#state = {status: 'anonymous', userId: null, error: null};
		if (session) {
			// Best effort: the user is logged out here whatever the API says.
			await this.#send('v1/logout', {}, session.token).catch(() => {});
		}

		this.#anonymousId = this.#newAnonymousId();
	}

	#debug(message: string): void {
		if (this.#settings?.debug) {
			console.debug(`Signet: ${message}`);
		}
	}
}
