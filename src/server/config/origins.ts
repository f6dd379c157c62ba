// Browsers send the origin as scheme://host[:port], lowercase, without a
// path: normalising here means "https://App.example.com/" matches too.
/**
 * An allowed origin as browsers send it (scheme://host[:port], lowercase),
 * from what a configuration wrote; throws a `TypeError` naming `name` for
 * anything with a path, query, fragment or credentials, or no URL at all.
 *
 * @example
 * originFrom('HTTPS://App.example.com/', 'allowedOrigins') // 'https://app.example.com'
 */
export function originFrom(origin: unknown, name: string): string {
	let url: URL | undefined;
	try {
		url = typeof origin === 'string' ? new URL(origin) : undefined;
	} catch {}

	if (url === undefined || url.origin === 'null' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
		throw new TypeError(`${name} must hold origins such as https://app.example.com (scheme, host and port only), not ${JSON.stringify(origin)}`);
	}

	return url.origin;
}
