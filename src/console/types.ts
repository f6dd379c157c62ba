// What the admin API answers (SPEC §6), as the console reads it.

/** A credential's role (SPEC §6). */
export type Role = 'viewer' | 'admin' | 'owner';

/** `GET /v1/admin/me`: who the credential is. */
export type Me = {credential: {id: string; name: string; role: Role}};

/** A key and a client as the admin API answers them. */
export type {ClientAnswer as Client, KeyAnswer as Key} from '../shared/admin-answers';

/** The readiness report of SPEC §3, for one client. */
export type Readiness = {
	total: number;
	byCode: Record<string, number>;
	byHint: Record<string, number>;
	recentFailures: Array<{userId: string; code: string; hint?: string; at: string}>;
	hours: number;
	safeToEnforce: boolean;
};

/** `GET …/outcomes?hours=24`: one entry per hour, oldest first. */
export type Outcomes = {hours: Array<{at: string; verified: number; byCode: Record<string, number>}>};

/** One change, as the audit log records it. */
export type AuditEvent = {
	at: string;
	actor: {id: string; role: Role};
	action: string;
	clientToken?: string;
	keyId?: string;
	changes?: Record<string, {from?: unknown; to?: unknown}>;
};
