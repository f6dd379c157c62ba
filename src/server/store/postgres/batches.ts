/**
 * How one kind of statement is shared by concurrent calls.
 *
 * @example
 * const claims = new Batches<Claim, ClaimResult>({run: (claims) => claimAll(claims), key: (claim) => claim.key, concurrency: 2, maxItems: 64});
 */
export type BatchOptions<Item, Answer> = {
	/** Runs one statement for these items: one answer per item, in their order. */
	run(items: Item[]): Promise<Answer[]>;
	/** The row an item writes that no other item of the same statement may write (an upsert cannot change one row twice). @default none */
	key?(item: Item): string;
	/** Statements of this kind in flight at once; calls that find them all busy wait and go together in the next. */
	concurrency: number;
	/** The most items in one statement. */
	maxItems: number;
};

type Waiting<Item, Answer> = {item: Item; resolve(answer: Answer): void; reject(error: unknown): void};

/**
 * Runs a store method's calls together, one statement for many, the way
 * PostgreSQL commits many transactions with one disk flush: a call goes
 * out at once while fewer than `concurrency` statements of its kind are in
 * flight, and otherwise waits and goes with every call that waited. A
 * quiet API so runs each call alone, at once; a busy one pays one round
 * trip, one plan and one commit for many. Each call still gets its own
 * answer, and its own error: when a statement of several fails in the
 * database (which then applied none of it), each of its calls runs again
 * alone, so one bad call cannot fail the calls that shared its statement.
 *
 * @example
 * const answer = await claims.add({key, fingerprint, now, expiresAt, staleBefore});
 */
export class Batches<Item, Answer> {
	readonly #run: (items: Item[]) => Promise<Answer[]>;
	readonly #key: ((item: Item) => string) | undefined;
	readonly #concurrency: number;
	readonly #maxItems: number;
	#waiting: Array<Waiting<Item, Answer>> = [];
	#inFlight = 0;

	constructor({run, key, concurrency, maxItems}: BatchOptions<Item, Answer>) {
		this.#run = run;
		this.#key = key;
		this.#concurrency = concurrency;
		this.#maxItems = maxItems;
	}

	/** This item's answer, from a statement it may share. */
	add(item: Item): Promise<Answer> {
		return new Promise<Answer>((resolve, reject) => {
			this.#waiting.push({item, resolve, reject});
			this.#next();
		});
	}

	#next(): void {
		while (this.#inFlight < this.#concurrency && this.#waiting.length > 0) {
			this.#inFlight++;
			void this.#send(this.#take()).finally(() => {
				this.#inFlight--;
				this.#next();
			});
		}
	}

	// The oldest waiting items, up to maxItems, at most one per key: an item
	// whose row is already in this statement waits for the next one.
	#take(): Array<Waiting<Item, Answer>> {
		const waiting = this.#waiting;
		if (this.#key === undefined || waiting.length === 1) {
			return waiting.splice(0, this.#maxItems);
		}

		const keys = new Set<string>();
		const batch: Array<Waiting<Item, Answer>> = [];
		const rest: Array<Waiting<Item, Answer>> = [];
		for (const entry of waiting) {
			const key = this.#key(entry.item);
			if (batch.length < this.#maxItems && !keys.has(key)) {
				keys.add(key);
				batch.push(entry);
			} else {
				rest.push(entry);
			}
		}

		this.#waiting = rest;
		return batch;
	}

	async #send(batch: Array<Waiting<Item, Answer>>): Promise<void> {
		let answers: Answer[];
		try {
			answers = await this.#run(batch.map((entry) => entry.item));
		} catch (error) {
			if (batch.length > 1 && rolledBack(error) && !timedOut(error)) {
				await Promise.all(batch.map((entry) => this.#run([entry.item]).then(([answer]) => entry.resolve(answer), entry.reject)));
			} else {
				for (const entry of batch) {
					entry.reject(error);
				}
			}

			return;
		}

		for (let index = 0; index < batch.length; index++) {
			batch[index].resolve(answers[index]);
		}
	}
}

/**
 * Whether PostgreSQL itself answered this error, with a SQLSTATE code: it
 * then rolled the statement back (each runs in a transaction of its own),
 * so running its calls again applies none twice. A connection lost
 * mid-statement has no such code: whether it committed is unknown, and
 * its calls fail as they are.
 *
 * @example
 * rolledBack(Object.assign(new Error('deadlock detected'), {code: '40P01', severity: 'ERROR'})) // true
 */
export function rolledBack(error: unknown): boolean {
	const {code, severity} = (error ?? {}) as {code?: unknown; severity?: unknown};
	return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/**
 * Whether PostgreSQL cancelled the statement for a timeout (a lock waited
 * for past `lock_timeout`, or `statement_timeout`): its calls fail as they
 * are, at once, rather than wait that long again one by one.
 *
 * @example
 * timedOut(Object.assign(new Error('canceling statement due to lock timeout'), {code: '55P03'})) // true
 */
export function timedOut(error: unknown): boolean {
	const code = (error as {code?: unknown} | null)?.code;
	return code === '55P03' || code === '57014';
}
