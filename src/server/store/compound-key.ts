/**
 * One Map key for several strings, each part but the last prefixed with
 * its length, so no two lists of parts give the same key (`a:b` + `c` and
 * `a` + `b:c` differ) whatever characters they hold. A template string:
 * a tenth of what JSON.stringify of the list costs, and a key is made for
 * every store lookup of every call.
 *
 * @example
 * compoundKey('ct_demo', '42') // '7:ct_demo42'
 */
export function compoundKey(first: string, second: string, third?: string, fourth?: string): string {
	if (third === undefined) {
		return `${first.length}:${first}${second}`;
	}

	return fourth === undefined ? `${first.length}:${first}${second.length}:${second}${third}` : `${first.length}:${first}${second.length}:${second}${third.length}:${third}${fourth}`;
}
