import pg from 'pg';

/** One statement's answer, as `pg` gives it. @example const {rows, rowCount}: PostgresResult = await pool.query({text: 'SELECT 1'}); */
export type PostgresResult = {rows: any[]; rowCount: number | null};

/** A statement, named so that each connection prepares it once. @example const query: PostgresQuery = {name: 'signet_get_user', text: GET_USER, values: [clientToken, userId]}; */
export type PostgresQuery = {name?: string; text: string; values?: unknown[]};

/**
 * What {@link PostgresStore} needs of a connection pool: the part of
 * `pg.Pool` it uses, written out so that these types do not depend on
 * `@types/pg`. A `pg.Pool` fits; so does anything that behaves like one.
 *
 * @example
 * import pg from 'pg';
 * const pool: PostgresPool = new pg.Pool({connectionString: process.env.DATABASE_URL});
 */
export type PostgresPool = {
	/** Runs one statement on a connection of the pool (the store's prepared statements). */
	query(query: PostgresQuery): Promise<PostgresResult>;
	/** Lends one connection, for a transaction (migrations). */
	connect(): Promise<{
		/** Runs one statement on this connection. */
		query(text: string, values?: unknown[]): Promise<PostgresResult>;
		/** Gives the connection back; with an error, the pool closes it instead. */
		release(error?: Error | boolean): void;
	}>;
	/** Closes every connection. */
	end(): Promise<void>;
};

/**
 * Where a {@link PostgresStore} finds its database: a connection string
 * (the store creates a pool and ends it on `close()`), or a pool of yours
 * (which you end).
 *
 * @example
 * new PostgresStore({connectionString: 'postgres://signet@db.internal/signet'});
 * new PostgresStore({pool}); // a pg.Pool you configured
 */
export type PostgresConnection = {connectionString: string; pool?: never} | {pool: PostgresPool; connectionString?: never};

/**
 * The pool a {@link PostgresConnection} names, and whether the store owns
 * it (created it, so ends it on `close()`); throws a TypeError for
 * anything else.
 *
 * @example
 * const {pool, owned} = openPool({connectionString: process.env.DATABASE_URL}, {maxConnections: 10, statementTimeoutMs: 1500, lockTimeoutMs: 1000});
 */
export function openPool(
	connection: PostgresConnection,
	{maxConnections, statementTimeoutMs, lockTimeoutMs}: {maxConnections: number; statementTimeoutMs: number; lockTimeoutMs: number},
): {pool: PostgresPool; owned: boolean} {
	if (connection?.pool !== undefined) {
		return {pool: connection.pool, owned: false};
	}

	if (typeof connection?.connectionString === 'string') {
		// A connection attempt gives up rather than hold a request forever
		// (the handler then answers 503 and the SDK retries), and TCP
		// keep-alive notices a connection whose peer vanished. A statement
		// stuck behind a lock is cancelled the same way (0 is pg's "unset").
		const pool = new pg.Pool({
			connectionString: connection.connectionString,
			max: maxConnections,
			connectionTimeoutMillis: 5000,
			keepAlive: true,
			statement_timeout: statementTimeoutMs || undefined,
			lock_timeout: lockTimeoutMs || undefined,
		});
		// An idle connection dies when the database restarts; the pool drops
		// it and connects anew. Without a listener that event would end the process.
		pool.on('error', () => {});
		return {pool, owned: true};
	}

	throw new TypeError('PostgresStore needs {connectionString} or {pool}');
}

/**
 * Runs a named statement: each connection parses and plans it once.
 *
 * @example
 * const {rows} = await runNamed(pool, 'signet_get_user', GET_USER, [clientToken, userId]);
 */
export function runNamed(pool: PostgresPool, name: string, text: string, values: unknown[]): Promise<PostgresResult> {
	return pool.query({name, text, values});
}
