// The configuration once checked, with every default filled in: what the
// handler reads, made once at creation by settingsFrom.
import {MemoryStore} from '../store/memory-store';
import {guardStore} from '../store/store-failure';
import {REGISTRY_METHODS} from '../store/registry';
import type {IdentityStore} from '../store/store';
import {type Client, clientFrom} from './client';
import {DEFAULT_RATE_LIMIT, DEFAULT_REPLY_TTL_MS, DEFAULT_SESSION_TTL_MS} from './defaults';
import {type AdminSettings, adminFrom} from './admin';
import {checkOneUsePerKey, warnOfShortKeys} from './key-use';
import type {IdentityHandlerConfig, RateLimits} from './types';
import type {LogRecord} from './log-record';

/** The configuration once checked, with every default filled in. */
export type Settings = {
	clients: Map<string, Client>;
	/** Every client's origins: for answers that cannot be tied to one client (preflight, unreadable body). */
	origins: Set<string>;
	store: IdentityStore;
	rateLimit: RateLimits;
	now: () => Date;
	log: (line: string, record: LogRecord) => void;
	sessionTtlMs: number;
	replyTtlMs: number;
	/** Reads the caller's IP from a Fetch request that came without one. */
	clientIp?: (request: Request) => string | undefined;
	/** The control plane's keys, when it is on. */
	admin?: AdminSettings;
	/** Who may read /metrics: any admin credential (`admin`), or one bearer token. */
	metrics?: {credential: 'admin'} | {credential: 'bearer'; bearer: string};
};

/** The methods a store must have: checked at start-up, guarded on every call (store-failure.ts). @example STORE_METHODS.includes('mergeUser') */
export const STORE_METHODS = [
	'getUser',
	'mergeUser',
	'getSession',
	'putSession',
	'deleteSession',
	'deleteSessions',
	'claimReply',
	'finishReply',
	'releaseReply',
	'countCalls',
	'recordOutcome',
	'readiness',
	'sweep',
] as const;

/** Store methods the handler uses when a store has them, and does without otherwise. @example OPTIONAL_STORE_METHODS.includes('applyIdentify') */
export const OPTIONAL_STORE_METHODS = ['applyIdentify', 'claimAndCount', 'ping'] as const;

/**
 * Checks a handler configuration once, at creation, so a mistake (a client
 * without keys, a misspelt origin) fails at start-up and not on the first
 * user. Throws a `TypeError` naming the setting; never includes a key.
 *
 * @example
 * settingsFrom({clients: {ct_demo: {secrets: []}}}) // throws: clients["ct_demo"].secrets must list at least one private key
 */
export function settingsFrom(config: IdentityHandlerConfig): Settings {
	if (config === null || typeof config !== 'object') {
		throw new TypeError('createIdentityHandler needs a configuration object with clients');
	}

	const {clients, store = new MemoryStore(), rateLimit = {}, now, log, sessionTtlMs = DEFAULT_SESSION_TTL_MS, replyTtlMs = DEFAULT_REPLY_TTL_MS, clientIp} = config;
	// With the control plane on, clients may all come from its registry.
	if (clients === null || typeof clients !== 'object' || (Object.keys(clients).length === 0 && config.admin === undefined)) {
		throw new TypeError('clients must map at least one client token to its settings');
	}

	const settings: Settings = {
		clients: new Map(),
		origins: new Set(),
		store,
		rateLimit: {...DEFAULT_RATE_LIMIT, ...rateLimit},
		now: now ?? (() => new Date()),
		log: log ?? (() => {}),
		sessionTtlMs,
		replyTtlMs,
		clientIp,
	};
	for (const [token, client] of Object.entries(clients)) {
		const entry = clientFrom(token, client);
		settings.clients.set(token, entry);
		entry.origins.forEach((origin) => settings.origins.add(origin));
	}

	checkOneUsePerKey(settings.clients);
	settings.clients.forEach(warnOfShortKeys);

	if (store === null || typeof store !== 'object' || STORE_METHODS.some((method) => typeof store[method] !== 'function')) {
		throw new TypeError(`store must implement IdentityStore: ${STORE_METHODS.join(', ')}`);
	}

	settings.admin = adminFrom(config.admin, store);
	settings.metrics = metricsFrom(config.metrics, settings.admin !== undefined);

	// A store that fails is told apart from a bug: 503, and the SDK retries.
	const registry = settings.admin === undefined ? [] : [...REGISTRY_METHODS, ...(typeof (store as {watchRegistry?: unknown}).watchRegistry === 'function' ? ['watchRegistry'] : [])];
	settings.store = guardStore(store, [...STORE_METHODS, ...OPTIONAL_STORE_METHODS.filter((method) => typeof (store as IdentityStore)[method] === 'function'), ...registry] as Array<keyof IdentityStore>);

	const limits = settings.rateLimit;
	if (rateLimit === null || typeof rateLimit !== 'object' || ![limits.max, limits.perUser, limits.perIp, limits.windowMs].every((value) => typeof value === 'number' && value > 0)) {
		throw new TypeError('rateLimit must be {max, windowMs, perUser, perIp}, each a number above 0 (Infinity turns a limit off)');
	}

	if (!Number.isFinite(limits.windowMs)) {
		throw new TypeError('rateLimit.windowMs must be a finite number of milliseconds');
	}

	if (now !== undefined && typeof now !== 'function') {
		throw new TypeError('now must be a function answering a Date');
	}

	if (log !== undefined && typeof log !== 'function') {
		throw new TypeError('log must be a function taking a line of JSON (and its record)');
	}

	if (clientIp !== undefined && typeof clientIp !== 'function') {
		throw new TypeError('clientIp must be a function of the request answering its IP address (or undefined)');
	}

	for (const [name, value] of [['sessionTtlMs', sessionTtlMs], ['replyTtlMs', replyTtlMs]] as const) {
		if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
			throw new TypeError(`${name} must be a number of milliseconds above 0`);
		}
	}

	return settings;
}


// The bearer of /metrics: 16 characters at least, as the readiness admin key.
const MIN_METRICS_BEARER_LENGTH = 16;

function metricsFrom(metrics: IdentityHandlerConfig['metrics'], admin: boolean): Settings['metrics'] {
	if (metrics === undefined) {
		return undefined;
	}

	if (metrics === true) {
		if (!admin) {
			throw new TypeError('metrics: true reads admin credentials: turn the control plane on (admin), or give metrics: {bearer}');
		}

		return {credential: 'admin'};
	}

	const bearer = (metrics as {bearer?: unknown} | null)?.bearer;
	if (typeof bearer !== 'string' || bearer.length < MIN_METRICS_BEARER_LENGTH) {
		throw new TypeError(`metrics must be true or {bearer}, a token of at least ${MIN_METRICS_BEARER_LENGTH} characters for the scraper`);
	}

	return {credential: 'bearer', bearer};
}
