// What the admin API answers for a client and its keys (SPEC §6): written
// by the server (server/api/admin/shapes.ts), read by the console.

/** A key as the admin API shows it: what it is and what became of it, never the key. */
export type KeyAnswer = {
	id: string;
	type: 'secret' | 'public';
	use: 'hash' | 'token';
	status: 'active' | 'retired';
	fingerprint: string;
	createdAt: string | null;
	retiredAt: string | null;
	lastUsedAt: string | null;
};

/** A client as the admin API shows it. `source: 'config'` is read-only. */
export type ClientAnswer = {
	token: string;
	name: string;
	source: 'config' | 'registry';
	enforce: boolean;
	allowedOrigins: string[];
	createdAt: string | null;
	keys: KeyAnswer[];
};
