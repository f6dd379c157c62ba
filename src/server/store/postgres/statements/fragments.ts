// The SQL every statement file here builds on. Each store method is ONE
// statement (one round trip, and atomic on its own under READ COMMITTED).
// The statements of the calls every identify makes take many calls at
// once, so that concurrent calls share one statement (see ../batches.ts):
// each reads them as the relation `input`, and writes their rows in key
// order, so two statements writing the same rows lock them in the same
// order and cannot deadlock.

/**
 * The relation `input`: one row per call, from the JSON array $1 (one
 * object per call, a key per column, as JSON.stringify writes it: one
 * native call in the API, where per-column arrays were serialised element
 * by element), with the columns named and typed, its position as `n`, and
 * only as long as `when` holds (evaluated once per row). A time comes as
 * milliseconds since the epoch (type `ms`), a number: JSON of a Date would
 * format it through toISOString, ~8,600 instructions in the API a time.
 * `when` holds always unless given.
 *
 * @example
 * `WITH ${input([['key', 'text'], ['now', 'ms']])} SELECT key, now FROM input ORDER BY n`
 */
export function input(columns: Array<[string, string]>, when = 'true'): string {
	const declared = columns.map(([name, type]) => `${name} ${type === 'ms' ? 'bigint' : type}`).join(', ');
	const selected = columns.map(([name, type]) => (type === 'ms' ? `'epoch'::timestamptz + ${name} * interval '1 millisecond' AS ${name}` : name)).join(', ');
	return `input AS (
	SELECT ${selected}, n FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (${declared}))
		WITH ORDINALITY AS i(${columns.map(([name]) => name).join(', ')}, n)
	WHERE ${when}
)`;
}

/**
 * A timestamptz column as the ISO text toISOString writes (UTC, three
 * decimals, Z), so that the API parses no date and formats none.
 *
 * @example
 * `SELECT ${isoText('created_at')} FROM signet_users` // created_at as '2026-11-22T01:00:00.123Z'
 */
export const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
