// LISTEN signet_registry on one connection of the pool, for every watcher
// of the registry in this process: a write anywhere (its NOTIFY, in the
// same transaction) reaches them at once. A dropped connection is replaced
// after a second; what was missed meanwhile is caught by telling everyone
// once it listens again, and by the control plane's poll.
import type {PostgresPool} from './pool';

/** How long to wait before listening again after the connection dropped. */
const RECONNECT_MS = 1000;

type ListeningClient = {
	query(text: string): Promise<unknown>;
	release(error?: Error | boolean): void;
	on(event: 'notification' | 'error' | 'end', listener: (...args: unknown[]) => void): unknown;
};

/**
 * The registry's change notices for a {@link PostgresStore}: one
 * connection while anyone watches, none otherwise.
 *
 * @example
 * const listener = new RegistryListener(pool);
 * const stop = listener.watch(() => control.refresh());
 */
export class RegistryListener {
	readonly #pool: PostgresPool;
	readonly #watchers = new Set<() => void>();
	#client: ListeningClient | undefined;
	#connecting = false;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#closed = false;

	constructor(pool: PostgresPool) {
		this.#pool = pool;
	}

	/** Calls `onChange` after each registry write of any process; answers how to stop. */
	watch(onChange: () => void): () => void {
		this.#watchers.add(onChange);
		this.#listen();
		return () => {
			this.#watchers.delete(onChange);
			if (this.#watchers.size === 0) {
				this.close();
				this.#closed = false;
			}
		};
	}

	/** Releases the listening connection (before the pool ends, which would wait for it). */
	close(): void {
		this.#closed = true;
		clearTimeout(this.#timer);
		const client = this.#client;
		this.#client = undefined;
		client?.release(true);
	}

	#listen(): void {
		if (this.#client !== undefined || this.#connecting || this.#closed || this.#watchers.size === 0) {
			return;
		}

		this.#connecting = true;
		void (async () => {
			let client: ListeningClient | undefined;
			try {
				client = (await this.#pool.connect()) as unknown as ListeningClient;
				client.on('notification', () => this.#tell());
				client.on('error', () => this.#dropped(client!));
				client.on('end', () => this.#dropped(client!));
				await client.query('LISTEN signet_registry');
				if (this.#closed) {
					client.release(true);
					return;
				}

				this.#client = client;
				// Whatever changed while nobody listened.
				this.#tell();
			} catch {
				client?.release(true);
				this.#retry();
			} finally {
				this.#connecting = false;
			}
		})();
	}

	#dropped(client: ListeningClient): void {
		if (this.#client === client) {
			this.#client = undefined;
			client.release(true);
			this.#retry();
		}
	}

	#retry(): void {
		if (!this.#closed) {
			this.#timer = setTimeout(() => this.#listen(), RECONNECT_MS).unref();
		}
	}

	#tell(): void {
		for (const watcher of this.#watchers) {
			try {
				watcher();
			} catch {}
		}
	}
}
