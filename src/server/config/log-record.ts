// What the handler's `log` option receives (SPEC §7): one record per
// answer and one per admin change, each also given as a line of JSON.
import type {AdminRole} from '../store/registry';

/** The name a path is counted and logged under: one of a fixed few, never the path itself. */
export type RouteName = 'identify' | 'user' | 'logout' | 'readiness' | 'admin' | 'healthz' | 'readyz' | 'metrics' | 'console' | 'other';

/** How much a line matters: `warn` for refusals that look like an attack (rate limits, repeated admin failures), `error` for failures of the API or its store. */
export type LogLevel = 'info' | 'warn' | 'error';

/**
 * One answer, as the `log` option receives it (and, as JSON, its line).
 * Fields that do not apply are left out.
 */
export type AnswerLog = {
	/** When the answer was sent, ISO 8601. */
	time: string;
	level: LogLevel;
	/** The caller's `X-Request-Id` when it is a short safe token, else one made here; also sent back in the answer's `X-Request-Id` header. */
	requestId: string;
	/** The route's name (never the path): `identify`, `user`, `logout`, `readiness`, `admin`, `healthz`, `readyz`, `metrics`, `console` or `other`. */
	route: RouteName;
	method: string;
	status: number;
	/** The client token, when it names a client this API knows. */
	clientToken?: string;
	/** The verification code of an identify (`ok`, `hash_invalid`, …), else the error code of a refusal, else `ok`. */
	outcome: string;
	/** The signing mistake the API recognised, if any. */
	hint?: string;
	/** The user id an identify named. */
	userId?: string;
	/** The field at fault of a malformed call. */
	field?: string;
	/** A retry answered with the first answer. */
	replayed?: true;
	/** What failed, for a 5xx: the error's name and message with every key and credential blanked out. */
	cause?: string;
	durationMs: number;
};

/** One change made through the admin API (its audit event holds the old and new values). */
export type AdminChangeLog = {
	time: string;
	level: 'info';
	requestId: string;
	event: 'admin_change';
	/** `client.create`, `client.update`, `key.create`, `key.retire`, `key.delete`, `credential.create` or `credential.revoke`. */
	action: string;
	/** Who made it: the credential's id and role. */
	actor: {id: string; role: AdminRole};
	clientToken?: string;
	keyId?: string;
	credentialId?: string;
};

/** What the `log` option receives, beside the line. */
export type LogRecord = AnswerLog | AdminChangeLog;
