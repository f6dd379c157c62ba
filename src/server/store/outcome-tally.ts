import type {Outcome, OutcomeSummary} from './store';

const HOUR_MS = 60 * 60 * 1000;
/** Failures kept per client for the readiness report. */
const RECENT_FAILURES = 50;

type Counts = {total: number; byCode: Record<string, number>; byHint: Record<string, number>};
type ClientTally = {hours: Map<number, Counts>; recent: Array<OutcomeSummary['recentFailures'][number]>};

/**
 * Verification outcomes in memory, for {@link MemoryStore}: counts per
 * client in whole hours, and the 50 newest failures. Memory stays bounded:
 * hours older than `retentionMs` go, and at most `maxClients` clients are
 * kept (the least recently reported go first).
 *
 * @example
 * const tally = new OutcomeTally(7 * 86_400_000, 1_000);
 * tally.record({clientToken: 'ct_demo', userId: '42', code: 'ok', at: new Date()});
 * tally.summary('ct_demo', new Date(0)).total // 1
 */
export class OutcomeTally {
	readonly #clients = new Map<string, ClientTally>();
	readonly #retentionMs: number;
	readonly #maxClients: number;
	/** The client at the end of `#clients`. */
	#newest: string | undefined;

	constructor(retentionMs: number, maxClients: number) {
		this.#retentionMs = retentionMs;
		this.#maxClients = maxClients;
	}

	/** Counts one outcome. */
	record({clientToken, userId, code, hint, at}: Outcome): void {
		let tally = this.#clients.get(clientToken);
		// Moved to the end (most recently reported) unless it is there already,
		// as it is for every call but the first of a run of one client's calls.
		if (tally === undefined || clientToken !== this.#newest) {
			tally ??= {hours: new Map(), recent: []};
			this.#clients.delete(clientToken);
			this.#clients.set(clientToken, tally);
			this.#newest = clientToken;
			if (this.#clients.size > this.#maxClients) {
				this.#clients.delete(this.#clients.keys().next().value!);
			}
		}

		const hour = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
		let counts = tally.hours.get(hour);
		if (counts === undefined) {
			counts = {total: 0, byCode: {}, byHint: {}};
			tally.hours.set(hour, counts);
			this.#forgetBefore(tally, at.getTime() - this.#retentionMs);
		}

		counts.total++;
		add(counts.byCode, code);
		if (hint !== undefined) {
			add(counts.byHint, hint);
		}

		if (code !== 'ok') {
			tally.recent.unshift(hint === undefined ? {userId, code, at: at.toISOString()} : {userId, code, hint, at: at.toISOString()});
			tally.recent.length = Math.min(tally.recent.length, RECENT_FAILURES);
		}
	}

	/** The outcomes of `clientToken` in the hours that end after `since`. */
	summary(clientToken: string, since: Date): OutcomeSummary {
		const summary: OutcomeSummary = {total: 0, byCode: {}, byHint: {}, recentFailures: []};
		const tally = this.#clients.get(clientToken);
		if (tally === undefined) {
			return summary;
		}

		for (const [hour, counts] of tally.hours) {
			if (hour + HOUR_MS > since.getTime()) {
				summary.total += counts.total;
				Object.entries(counts.byCode).forEach(([code, count]) => add(summary.byCode, code, count));
				Object.entries(counts.byHint).forEach(([hint, count]) => add(summary.byHint, hint, count));
			}
		}

		summary.recentFailures = tally.recent.filter((failure) => Date.parse(failure.at) >= since.getTime()).map((failure) => ({...failure}));
		return summary;
	}

	/** Forgets the hours that ended more than `retentionMs` before `now`. */
	sweep(now: Date): void {
		for (const [clientToken, tally] of this.#clients) {
			this.#forgetBefore(tally, now.getTime() - this.#retentionMs);
			if (tally.hours.size === 0) {
				this.#clients.delete(clientToken);
			}
		}
	}

	#forgetBefore(tally: ClientTally, time: number): void {
		for (const hour of tally.hours.keys()) {
			if (hour + HOUR_MS <= time) {
				tally.hours.delete(hour);
			}
		}

		tally.recent = tally.recent.filter((failure) => Date.parse(failure.at) > time);
	}
}

// Defined, not assigned, and read as own properties: a code or hint named
// "__proto__" or "constructor" is just another key.
function add(counts: Record<string, number>, key: string, by = 1): void {
	const value = (Object.hasOwn(counts, key) ? counts[key] : 0) + by;
	Object.defineProperty(counts, key, {value, enumerable: true, writable: true, configurable: true});
}
