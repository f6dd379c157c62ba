// Web Storage that never throws: blocked storage (privacy modes, sandboxed
// iframes, cookies off) falls back to memory for this page's life.
import type { Settings } from './options';
import { own } from './own';
import type { StorageLike } from './types/options';

/** A key-value store that always answers. */
export type SafeStorage = {
	get(key: string): string | undefined;
	set(key: string, value: string | undefined): void;
	/** The JSON object stored at `key`, or `{}` when there is none or it does not parse. */
	json<T extends object>(key: string): Partial<T>;
};

/**
 * Wraps the page's own storage for `kind` (the `storage` option's `local`
 * or `session`), or the browser's `localStorage` / `sessionStorage` when
 * it names none; `null` keeps everything in memory. Setting `undefined` removes.
 *
 * @example
 * safeStorage(settings.storage, 'local').set('signet:ct_1:anonymousId', id);
 */
export function safeStorage(options: Settings['storage'], kind: 'local' | 'session'): SafeStorage {
	const memory = new Map<string, string | undefined>();
	// Own properties only (see own.ts), read once.
	const storage: StorageLike | null | undefined = own(options, kind);
	const backend = (): StorageLike | null | undefined => (storage === undefined ? (globalThis as Partial<WindowLocalStorage & WindowSessionStorage>)[`${kind}Storage`] : storage);
	return {
		get(key) {
			try {
				return backend()?.getItem(key) ?? memory.get(key);
			} catch {
				return memory.get(key);
			}
		},
		json(key) {
			try {
				return JSON.parse(this.get(key)!) ?? {};
			} catch {
				return {};
			}
		},
		set(key, value) {
			memory.set(key, value);
			try {
				if (value === undefined) {
					backend()?.removeItem(key);
				} else {
					backend()?.setItem(key, value);
				}
			} catch {}
		},
	};
}
