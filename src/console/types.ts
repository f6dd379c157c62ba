// What the admin API answers (SPEC §6), as the console reads it.

export type Role = 'viewer' | 'admin' | 'owner';

export type Me = {credential: {id: string; name: string; role: Role}};

export type Key = {
	id: string;
	type: 'secret' | 'public';
	use: 'hash' | 'token';
	status: 'active' | 'retired';
	fingerprint: string;
	createdAt: string | null;
	retiredAt: string | null;
	lastUsedAt: string | null;
};

export type Client = {
	token: string;
	name: string;
	source: 'config' | 'registry';
	enforce: boolean;
	allowedOrigins: string[];
	createdAt: string | null;
	keys: Key[];
};

export type Readiness = {
	total: number;
	byCode: Record<string, number>;
	byHint: Record<string, number>;
	recentFailures: Array<{userId: string; code: string; hint?: string; at: string}>;
	hours: number;
	safeToEnforce: boolean;
};

export type Outcomes = {hours: Array<{at: string; verified: number; byCode: Record<string, number>}>};

export type AuditEvent = {
	at: string;
	actor: {id: string; role: Role};
	action: string;
	clientToken?: string;
	keyId?: string;
	changes?: Record<string, {from?: unknown; to?: unknown}>;
};
