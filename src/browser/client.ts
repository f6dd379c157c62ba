// One isolated SDK instance: identity state, session, variables, the
// ordered queue of calls and the transport. createClient() makes one; the
// named exports share a default one.
import { ApiError } from './errors/api-error';
import { IdentityChangedError } from './errors/identity-changed-error';
import { IdentityVerificationError } from './errors/identity-verification-error';
import { NotInitializedError } from './errors/not-initialized-error';
import { SignetError } from './errors/signet-error';
import { createEmitter } from './emitter';
import { normaliseOptions, type Settings } from './options';
import { serialQueue } from './queue';
import { renewalDelay, renewed } from './renewal';
import { safeStorage, type SafeStorage } from './storage';
import { linkTabs, type TabChange, type Tabs } from './tabs';
import { createTransport, type Transport } from './transport';
import { uuid } from './uuid';
import { handled } from './handled';
import { hasExpired, refuse, wire } from './proof';
import { checkIdentify, checkMetadata, type IdentifyCall } from './validate';
import { verificationWarning } from './warnings';
import type { Client, Widen } from './types/client';
import type { IdentityResult, IdentityState } from './types/identity';
import type { InitOptions, Metadata } from './types/options';
import type { IdentifyAnswer } from './types/wire';

type Session = {token: string; expiresAt: string; userId: string};

type State = Omit<IdentityState, 'anonymousId'>;

// Every IdentifyCall has the same keys in the same order per kind of proof (checkIdentify makes them; copies keep them).
const callKey = (call: IdentifyCall) => JSON.stringify(call);

// What the API accepts as an anonymous id (page code or another tab may have written something else).
const ANONYMOUS_ID = /^[\w-]{1,128}$/;

const anonymous = (error: SignetError | null = null): State => ({status: 'anonymous', userId: null, error});

/**
 * An isolated Signet instance. With options it is configured at once: bad
 * options throw `InvalidArgumentError` here, and `options.user` is
 * identified (see `ready`). Without, `init()` configures it later.
 *
 * @example
 * const widgets = createClient({clientToken: 'ct_a', apiHost: 'https://api.example.com'});
 * await widgets.identifyUser('42', {}, {hash});
 */
export function createClient(options?: InitOptions): Client {
	const events = createEmitter();
	const enqueue = serialQueue();
	let settings: Settings | undefined;
	// Why calls cannot run here (server-side rendering), when createClient() was told so.
	let unsupported: SignetError | undefined;
	let transport: Transport;
	let local: SafeStorage;
	let sessions: SafeStorage;
	let ready = Promise.resolve();
	let state = anonymous();
	let anonymousId = '';
	// The last identify the API accepted: an identical one is answered from memory.
	let accepted: {key: string; call: IdentifyCall; result: IdentityResult} | undefined;
	let variables: Record<string, unknown> = {};
	let renewal: ReturnType<typeof setTimeout> | undefined;
	// Moves when another tab ends this tab's identity: a call queued (or answered) for the user before is not applied.
	let epoch = 0;
	let tabs: Tabs;

	const key = (name: string) => `signet:${settings!.clientToken}:${name}`;

	const debug = (message: string) => {
		if (settings?.debug) {
			console.debug(`Signet: ${message}`);
		}
	};

	const identity = (): IdentityState => ({...state, anonymousId});
	// What getIdentity() or getVariable() answers has changed (useIdentity re-renders on it).
	const changed = () => events.emit('change', identity());

	// The anonymous id must be one the API accepts, or a new one is made.
	const useAnonymousId = (id = '') => {
		anonymousId = ANONYMOUS_ID.test(id) ? id : uuid();
		local.set(key('anonymousId'), anonymousId);
		changed();
	};

	const guard = (at: number) => {
		if (at !== epoch) {
			throw new IdentityChangedError();
		}
	};

	// Another tab logged out or signed in someone else: this tab forgets its user too.
	function fromOtherTab({anonymousId: id, userId}: TabChange): void {
		const before = anonymousId;
		// The tab that made the change has stored its id already.
		if (ANONYMOUS_ID.test(id)) {
			anonymousId = id;
		}

		if (state.userId !== null && userId !== state.userId) {
			epoch++;
			forgetUser();
			changed();
			events.emit('logout', {reason: 'other_tab'});
		} else if (anonymousId !== before) {
			changed();
		}
	}

	function configure(options: InitOptions): Settings {
		const checked = normaliseOptions(options);
		if (typeof window === 'undefined' && !checked.fetch) {
			throw new SignetError('unsupported_environment', 'Signet needs a browser, not server-side rendering');
		}

		if (!settings) {
			settings = checked;
			transport = createTransport(checked);
			local = safeStorage(checked.storage, 'local');
			sessions = safeStorage(checked.storage, 'session');
			useAnonymousId(local.get(key('anonymousId')));
			tabs = linkTabs(key('tabs'), local, fromOtherTab);
		} else if (settings.clientToken !== checked.clientToken || settings.apiHost !== checked.apiHost) {
			refuse('invalid_options', 'already initialised: use createClient()');
		}

		return checked;
	}

	// A failed identify is reported by the state and the events, not by init().
	async function identifyInitialUser({user}: Settings): Promise<void> {
		if (user) {
			await enqueue(() => identify(user)).catch(() => {});
		}
	}

	/** Checks the arguments at once (a bad call rejects and sends nothing), then runs the call in its turn. */
	function call<A, R>(check: () => A, run: (checked: A, at: number) => Promise<R>): Promise<R> {
		return handled(
			(async () => {
				if (!settings) {
					throw unsupported ?? new NotInitializedError();
				}

				let checked: A;
				try {
					checked = check();
				} catch (error) {
					events.emit('error', error as SignetError);
					throw error;
				}

				const at = epoch;
				return enqueue(() => run(checked, at));
			})(),
		);
	}

	function send(path: string, fields: object, token?: string): Promise<unknown> {
		debug(`POST ${path}`);
		return transport.post(path, {clientToken: settings!.clientToken, anonymousId, ...fields, messageId: uuid(), sentAt: new Date().toISOString()}, {token, beacon: path === 'v1/logout'});
	}

	// Every way out of an identity goes through here, so none keeps a piece of the user.
	function forgetUser(next = anonymous()): void {
		clearTimeout(renewal);
		accepted = undefined;
		variables = {};
		// Only this user's: another client of the page may share the storage.
		if (sessions.json<Session>(key('session')).userId === state.userId) {
			sessions.set(key('session'), undefined);
		}

		state = next;
	}

	async function identify(requested: IdentifyCall, at = epoch): Promise<IdentityResult> {
		guard(at);
		if (accepted?.key === callKey(requested) && !hasExpired(requested)) {
			// A deep copy each time: changing a result must not change what getVariable() answers.
			return structuredClone(accepted.result);
		}

		if (requested.userId !== state.userId) {
			// Another user: nothing of the previous one may carry over.
			forgetUser();
		}

		if (state.status === 'anonymous' || state.status === 'rejected') {
			state = {status: 'pending', userId: requested.userId, error: null};
			tabs.mark();
			changed();
		}

		try {
			const fresh = hasExpired(requested) ? await renewed(settings!.refreshIdentity, requested) : requested;
			return accept(fresh, await send('v1/identify', wire(fresh)), at);
		} catch (error) {
			throw fail(error as SignetError, at);
		}
	}


	function accept(identified: IdentifyCall, answer: unknown, at: number): IdentityResult {
		guard(at);
		const {verified, verification, variables: values, session, hint, message, ignored} = (answer ?? {}) as Partial<IdentifyAnswer>;
		const {userId} = identified;
		const result: IdentityResult = {userId, anonymousId, verified: verified!, variables: verified ? {...values} : {}};
		// The copies for the listeners and the caller, made before anything
		// changes: variables nested too deep for structuredClone make an answer
		// that cannot be used, refused before the state could say verified.
		let copies: IdentityResult[] | undefined;
		try {
			copies = [structuredClone(result), structuredClone(result)];
		} catch {}

		if (typeof verified !== 'boolean' || !copies) {
			throw new ApiError(200, 'invalid_response', 'unexpected answer');
		}

		// A renewal or an update is no news for the other tabs; another user is.
		const changedUser = accepted?.call.userId !== userId;
		forgetUser({status: verified ? 'verified' : 'unverified', userId, error: null});
		variables = result.variables;
		accepted = {key: callKey(identified), call: identified, result};
		changed();
		if (changedUser) {
			tabs.post(anonymousId, userId);
		}
		if (!verified && verification !== 'ok') {
			console.warn(verificationWarning(false, verification!, hint, message));
		}

		if (session) {
			sessions.set(key('session'), JSON.stringify({...session, userId}));
		}

		if (verified) {
			scheduleRenewal(identified);
		}

		// `ignored`: metadata keys an identity token signed, which unsigned metadata cannot change.
		debug(`${userId}: ${verification}${ignored ? `; signed, not changed: ${ignored}` : ''}`);
		events.emit('identified', copies[0]!);
		return copies[1]!;
	}

	// Only SignetErrors come here: the transport is the one boundary that translates (transport.ts).
	// A failure that came back after another tab ended the identity changes nothing here.
	function fail(failure: SignetError, at: number): SignetError {
		guard(at);
		if (failure instanceof IdentityVerificationError) {
			// The fallback: carry on as the anonymous visitor, with nothing of the refused user.
			forgetUser({status: 'rejected', userId: null, error: failure});
			console.warn(verificationWarning(true, failure.code, failure.hint, failure.message));
			events.emit('rejected', failure);
		} else {
			// Unknown, not refused: what was there before stays.
			state = state.status === 'pending' ? anonymous(failure) : {...state, error: failure};
			events.emit('error', failure);
		}

		changed();
		return failure;
	}

	function scheduleRenewal(current: IdentifyCall): void {
		const {expiration} = current;
		if (settings!.refreshIdentity && expiration) {
			renewal = setTimeout(() => {
				events.emit('expiring', {userId: current.userId, expiration});
				enqueue(async () => {
					// Only what is still the current identity is renewed.
					if (accepted?.call === current) {
						await identify(await renewed(settings!.refreshIdentity, current));
					}
				}).catch((error: SignetError) => {
					if (error.code === 'refresh_failed') {
						events.emit('error', error);
					}
				});
			}, renewalDelay(Date.parse(expiration), Date.now()));
		}
	}

	function currentSession(): Session | undefined {
		const session = sessions.json<Session>(key('session'));
		return session.userId === state.userId && Date.parse(session.expiresAt!) > Date.now() ? (session as Session) : undefined;
	}

	async function update(changes: Metadata, at: number): Promise<IdentityResult> {
		guard(at);
		if (!accepted) {
			throw new NotInitializedError('not_identified', 'call identifyUser() first');
		}

		const changed = {...accepted.call, metadata: {...accepted.call.metadata, ...changes}};
		const session = currentSession();
		if (session) {
			try {
				return accept(changed, await send('v1/user', {metadata: changes}, session.token), at);
			} catch (error) {
				// A lapsed session falls through: the hash still in memory proves the identity again.
				if (!(error instanceof ApiError && error.apiCode === 'session_invalid')) {
					throw fail(error as SignetError, at);
				}
			}
		}

		return identify(changed, at);
	}

	async function logout(): Promise<void> {
		const session = currentSession();
		forgetUser();
		changed();
		if (session) {
			// Best effort: the user is logged out here whatever the API says.
			await send('v1/logout', {}, session.token).catch(() => {});
		}

		useAnonymousId();
		tabs.post(anonymousId, null);
	}

	if (options !== undefined) {
		try {
			ready = identifyInitialUser(configure(options));
		} catch (error) {
			// Under server-side rendering, the calls answer this error instead of crashing the render.
			if ((error as SignetError).code !== 'unsupported_environment') {
				throw error;
			}

			unsupported = error as SignetError;
		}
	}

	return {
		init: (options) =>
			handled(
				(async () => {
					ready = identifyInitialUser(configure(options));
					await ready;
				})(),
			),
		identifyUser: (userId, metadata, verification) => call(() => checkIdentify(userId, metadata, verification), identify),
		updateUser: (metadata) => call(() => checkMetadata(metadata), update),
		logout: () => call(() => {}, logout),
		getIdentity: identity,
		getAnonymousId: () => anonymousId,
		// Only a verified identity has variables (accept() keeps none otherwise, forgetUser() drops them).
		getVariable: <T>(name: string, fallback: T) => (Object.hasOwn(variables, name) ? variables[name] : fallback) as Widen<T>,
		on: events.on,
		get ready() {
			return ready;
		},
	};
}
