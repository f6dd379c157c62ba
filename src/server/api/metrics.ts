// Prometheus metrics (SPEC §7), made with prom-client on a registry of
// Signet's own, so an application's default registry is left alone. Every
// label has a bounded set of values: route names, status codes,
// verification codes and hints, store methods, limit and action names, and
// client tokens the API knows (anything else is `unknown`). No user id,
// hash, token or text a caller chose ever becomes a label.
import type {Counter, Registry} from 'prom-client';
import type {Client} from '../config/client';
import type {RouteName} from '../config/log-record';
import type {Reply} from './reply';
import {RouteHistogram, Tally} from './metric-tallies';


/**
 * The route name of a path, matched by its ending as the handler matches it.
 *
 * @example
 * routeOf('/api/v1/identify') // 'identify'
 * routeOf('/v1/admin/clients/ct_x/keys') // 'admin'
 */
export function routeOf(pathname: string): RouteName {
	if (pathname.endsWith('/v1/identify')) {
		return 'identify';
	}

	if (pathname.includes('/v1/admin/')) {
		return 'admin';
	}

	if (pathname.includes('/console/assets/')) {
		return 'console';
	}

	for (const [suffix, name] of ROUTE_SUFFIXES) {
		if (pathname.endsWith(suffix)) {
			return name;
		}
	}

	return 'other';
}

const ROUTE_SUFFIXES: ReadonlyArray<[string, RouteName]> = [
	['/v1/user', 'user'],
	['/v1/logout', 'logout'],
	['/v1/readiness', 'readiness'],
	['/healthz', 'healthz'],
	['/readyz', 'readyz'],
	['/metrics', 'metrics'],
	['/console', 'console'],
];

/**
 * One handler's metrics: the counters and histogram of SPEC §7 and Node's
 * default process metrics, on their own registry.
 *
 * prom-client is imported when metrics are made, not with signet-js/server:
 * it reads `process` as it loads, and in a browser the guard must be the
 * first to say that this module is for servers.
 *
 * @example
 * const metrics = await Metrics.create();
 * metrics.answered('identify', reply, client, 0.004);
 * const text = await metrics.registry.metrics();
 */
export class Metrics {
	readonly registry: Registry;
	readonly #identify = new Tally<'client' | 'verification' | 'hint'>();
	readonly #requests = new Tally<'route' | 'status'>();
	readonly #duration: RouteHistogram;
	readonly #storeErrors: Counter<'operation'>;
	readonly #rateLimited: Counter<'limit'>;
	readonly #adminChanges: Counter<'action'>;

	/** Metrics on a new registry of their own; `clients` answers the clients served now, read at each scrape. */
	static async create(clients: () => Iterable<Client>): Promise<Metrics> {
		return new Metrics(await import('prom-client'), clients);
	}

	private constructor({Registry, Counter, Gauge, collectDefaultMetrics}: typeof import('prom-client'), clients: () => Iterable<Client>) {
		this.registry = new Registry();
		const registers = [this.registry];
		// Counted in tallies as calls are answered, copied in at each scrape (see metric-tallies.ts).
		const identify = this.#identify;
		const requests = this.#requests;
		new Counter({name: 'signet_identify_total', help: 'Identify calls answered, by client, verification code and hint', labelNames: ['client', 'verification', 'hint'], registers, collect() {
			identify.copyTo(this);
		}});
		new Counter({name: 'signet_http_requests_total', help: 'Requests answered, by route and status', labelNames: ['route', 'status'], registers, collect() {
			requests.copyTo(this);
		}});
		// 0.5 ms to 5 s: a MemoryStore identify takes well under a millisecond, a stalled store seconds.
		this.#duration = new RouteHistogram('signet_http_request_duration_seconds', 'Time to answer a request, by route', [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
		this.registry.registerMetric(this.#duration as unknown as Parameters<Registry['registerMetric']>[0]);
		this.#storeErrors = new Counter({name: 'signet_store_errors_total', help: 'Store calls that failed, by store method', labelNames: ['operation'], registers});
		this.#rateLimited = new Counter({name: 'signet_rate_limited_total', help: 'Calls refused by a rate limit, by limit', labelNames: ['limit'], registers});
		this.#adminChanges = new Counter({name: 'signet_admin_changes_total', help: 'Changes made through the admin API, by action', labelNames: ['action'], registers});
		// Which clients enforce, read at each scrape: what an alert on failures needs to tell a broken login from a monitor-mode rollout.
		new Gauge({
			name: 'signet_client_enforcing',
			help: '1 for a client that refuses unverified identifies (enforce), 0 for one that monitors',
			labelNames: ['client'],
			registers,
			collect() {
				this.reset();
				for (const client of clients()) {
					this.set({client: client.token}, client.enforce ? 1 : 0);
				}
			},
		});
		collectDefaultMetrics({register: this.registry});
	}

	/** Counts one answer: its route and status, its time, and what identify, a limit or an admin change made of it. */
	answered(route: RouteName, reply: Reply, client: Client | undefined, seconds: number): void {
		const {status} = reply;
		this.#requests.add(`${route} ${status}`, () => ({route, status: String(status)}));
		this.#duration.observe(route, seconds);
		if (route === 'identify') {
			const outcome = outcomeOf(reply);
			if (outcome !== undefined) {
				// Only the client token is free text, and it comes first: no two series share a key.
				const labels = {client: client?.token ?? 'unknown', verification: outcome.verification, hint: outcome.hint ?? ''};
				this.#identify.add(`${labels.client}\n${labels.verification}\n${labels.hint}`, () => labels);
			}
		}

		if (reply.meta?.limit !== undefined) {
			this.#rateLimited.inc({limit: reply.meta.limit});
		}

		if (reply.meta?.change !== undefined) {
			this.#adminChanges.inc({action: reply.meta.change.action});
		}
	}

	/** Counts a store call that failed. */
	storeFailed(operation: string): void {
		this.#storeErrors.inc({operation});
	}
}

// The verification code and hint of an identify answer: 200 (verified or monitor mode) or 403.
function outcomeOf(reply: Reply): {verification: string; hint?: string} | undefined {
	const body = reply.body as {verification?: string; hint?: string; error?: {code?: string; hint?: string}} | undefined;
	if (reply.status === 200 && body?.verification !== undefined) {
		return {verification: body.verification, hint: body.hint};
	}

	return reply.status === 403 && body?.error?.code !== undefined ? {verification: body.error.code, hint: body.error.hint} : undefined;
}
