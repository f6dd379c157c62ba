// Web Storage that never throws: blocked storage (privacy modes, sandboxed
// iframes, cookies off) falls back to memory for this page's life.
import type { StorageLike } from './types/options';

/** A key-value store that always answers. */
export type SafeStorage = {
	get(key: string): string | undefined;
	set(key: string, value: string | undefined): void;
};

/**
 * Wraps `storage`, or the browser's own `kind` when `storage` is
 * undefined; `null` keeps everything in memory. Setting `undefined` removes.
 *
 * @example
 * safeStorage(undefined, 'localStorage').set('signet:ct_1:anonymousId', id);
 */
export function safeStorage(storage: StorageLike | null | undefined, kind: 'localStorage' | 'sessionStorage'): SafeStorage {
	const memory = new Map<string, string | undefined>();
	const backend = (): StorageLike | null | undefined => (storage === undefined ? (globalThis as Partial<WindowLocalStorage & WindowSessionStorage>)[kind] : storage);
	return {
		get(key) {
			try {
				return backend()?.getItem(key) ?? memory.get(key);
			} catch {
				return memory.get(key);
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
