import {type AdminCredential, type AuditEvent, checkRegistryWrite, type Registry, type RegistryClient, type RegistryKey, type RegistryStore, type RegistryWrite, type RegistryWriteResult} from './registry';

/**
 * A {@link MemoryStore}'s control-plane records: clients, keys,
 * credentials, and the audit log (the newest `maxAuditEvents`). Every
 * record is frozen and replaced, never changed in place, so what
 * `readRegistry` hands out cannot be changed behind the store's back.
 *
 * @example
 * const registry = new MemoryRegistry(10_000);
 * registry.writeRegistry({client, expectedRevision: null}, event); // 'ok'
 */
export class MemoryRegistry implements RegistryStore {
	readonly #clients = new Map<string, RegistryClient>();
	/** Keys by client token, then by key id. */
	readonly #keys = new Map<string, Map<string, RegistryKey>>();
	readonly #credentials = new Map<string, AdminCredential>();
	readonly #audit: AuditEvent[] = [];
	readonly #maxAuditEvents: number;
	#version = 0;

	constructor(maxAuditEvents: number) {
		this.#maxAuditEvents = maxAuditEvents;
	}

	readRegistry(): Registry {
		return {
			clients: [...this.#clients.values()],
			keys: [...this.#keys.values()].flatMap((keys) => [...keys.values()]),
			credentials: [...this.#credentials.values()],
			version: this.#version,
		};
	}

	registryVersion(): number {
		return this.#version;
	}

	writeRegistry(write: RegistryWrite, event: AuditEvent): RegistryWriteResult {
		// A malformed write throws whether or not its guard holds.
		checkRegistryWrite(write);
		const {client, expectedRevision = null, keys = [], deleteKeys = [], credential} = write;
		if (client !== undefined && (this.#clients.get(client.token)?.revision ?? null) !== expectedRevision) {
			return 'conflict';
		}

		if (client !== undefined) {
			this.#clients.set(client.token, Object.freeze({...client, allowedOrigins: Object.freeze([...client.allowedOrigins]) as string[], revision: (expectedRevision ?? 0) + 1}));
			const owned = this.#keys.get(client.token) ?? new Map<string, RegistryKey>();
			keys.forEach((key) => owned.set(key.id, Object.freeze({...key})));
			deleteKeys.forEach((id) => owned.delete(id));
			this.#keys.set(client.token, owned);
		}

		if (credential !== undefined) {
			this.#credentials.set(credential.id, Object.freeze({...credential}));
		}

		this.#audit.push(Object.freeze(structuredClone(event)));
		if (this.#audit.length > this.#maxAuditEvents) {
			this.#audit.shift();
		}

		this.#version++;
		return 'ok';
	}

	touchKeys(uses: Array<{clientToken: string; keyId: string; at: string}>): void {
		for (const {clientToken, keyId, at} of uses) {
			const owned = this.#keys.get(clientToken);
			const key = owned?.get(keyId);
			if (key !== undefined && (key.lastUsedAt === null || key.lastUsedAt < at)) {
				owned!.set(keyId, Object.freeze({...key, lastUsedAt: at}));
			}
		}
	}

	auditEvents({clientToken, limit}: {clientToken?: string; limit: number}): AuditEvent[] {
		const events: AuditEvent[] = [];
		for (let index = this.#audit.length - 1; index >= 0 && events.length < limit; index--) {
			const event = this.#audit[index];
			if (clientToken === undefined || event.clientToken === clientToken) {
				events.push(structuredClone(event));
			}
		}

		return events;
	}
}
