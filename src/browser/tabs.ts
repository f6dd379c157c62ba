// Tabs of one browser agree on who is signed in (SPEC §4): a tab posts each
// change of identity, and the other tabs of its origin and client token
// apply it. BroadcastChannel carries it where the browser has it; the same
// record in localStorage reaches the others through the `storage` event
// where it does not, and lets a tab that slept (bfcache, frozen) catch up
// when it is shown again.
import type { SafeStorage } from './storage';

/**
 * What crosses tabs: ids and a change counter, never a hash or a token.
 * The counter goes up with the clock too, so a tab opened after the page
 * cleared localStorage still counts past the tabs that were open.
 */
export type TabChange = {n: number; anonymousId: string; userId: string | null};

/** What `linkTabs` answers. */
export type Tabs = {
	/** Tells the other tabs this tab's identity now. */
	post(anonymousId: string, userId: string | null): void;
	/** Takes every change posted so far as seen: this tab is starting a newer one, which older news must not end. */
	mark(): void;
};

/**
 * Listens for the changes other tabs post under `key` and hands each one,
 * once, to `apply`. Outside a browser it listens to nothing.
 *
 * @example
 * const tabs = linkTabs('signet:ct_1:tabs', local, (change) => endIdentity(change));
 * tabs.post(anonymousId, null); // after a logout
 */
export function linkTabs(key: string, local: SafeStorage, apply: (change: TabChange) => void): Tabs {
	// The newest change this tab made or applied: one with a higher counter is news, any other is old.
	let seen = 0;
	let channel: BroadcastChannel | undefined;
	const stored = () => local.json<TabChange>(key);
	const receive = (change: Partial<TabChange>) => {
		if (change.n! > seen) {
			seen = change.n!;
			apply(change as TabChange);
		}
	};

	const mark = () => {
		seen = Math.max(seen, +stored().n! || 0);
	};

	mark();
	if (typeof window !== 'undefined') {
		try {
			channel = new BroadcastChannel(key);
			channel.onmessage = (event) => receive(event.data);
		} catch {}

		for (const event of ['storage', 'pageshow', 'visibilitychange']) {
			addEventListener(event, () => receive(stored()));
		}
	}

	return {
		post(anonymousId, userId) {
			mark();
			const change = {n: (seen = Math.max(seen + 1, Date.now())), anonymousId, userId};
			local.set(key, JSON.stringify(change));
			channel?.postMessage(change);
		},
		mark,
	};
}
