import {describe, expect, it} from 'vitest';
import {createIdentityHandler, type IdentityHandlerConfig} from '../../../src/server/index';

const SECRET = 'sk_test_config_Wd8_hash_key_long_enough_Pz';

describe('createIdentityHandler configuration', () => {
	it.each<[string, unknown, RegExp]>([
		['no configuration', undefined, /configuration/],
		['no clients', {clients: {}}, /at least one client/],
		['a client without keys', {clients: {ct: {}}}, /clients\["ct"\] must have at least one key: secrets \(hashes\), tokenSecrets or publicKeys/],
		['empty lists of keys', {clients: {ct: {secrets: [], tokenSecrets: []}}}, /at least one key/],
		['token secrets that are not a list', {clients: {ct: {tokenSecrets: 7}}}, /clients\["ct"\]\.tokenSecrets must list/],
		['an empty token secret', {clients: {ct: {tokenSecrets: ['']}}}, /tokenSecrets\[0\]/],
		['a clientIp that is not a function', {clients: {ct: {secrets: [SECRET]}}, clientIp: 'x-forwarded-for'}, /clientIp must be a function/],
		['an empty secret', {clients: {ct: {secrets: [SECRET, '']}}}, /secrets\[1\]/],
		['a non-boolean enforce', {clients: {ct: {secrets: [SECRET], enforce: 'yes'}}}, /enforce/],
		['an origin with a path', {clients: {ct: {secrets: [SECRET], allowedOrigins: ['https://app.example.com/login']}}}, /origins such as/],
		['an origin that is not a URL', {clients: {ct: {secrets: [SECRET], allowedOrigins: ['app.example.com']}}}, /origins such as/],
		['a rate limit of zero', {clients: {ct: {secrets: [SECRET]}}, rateLimit: {max: 0, windowMs: 1000}}, /rateLimit/],
		['a per-user limit that is not a number', {clients: {ct: {secrets: [SECRET]}}, rateLimit: {perUser: '60'}}, /rateLimit/],
		['a per-IP limit of zero', {clients: {ct: {secrets: [SECRET]}}, rateLimit: {perIp: 0}}, /rateLimit/],
		['an endless window', {clients: {ct: {secrets: [SECRET]}}, rateLimit: {windowMs: Infinity}}, /windowMs/],
		['answers remembered for no time', {clients: {ct: {secrets: [SECRET]}}, replyTtlMs: 0}, /replyTtlMs/],
		['a store missing methods', {clients: {ct: {secrets: [SECRET]}}, store: {getUser() {}}}, /IdentityStore/],
		['a negative session lifetime', {clients: {ct: {secrets: [SECRET]}}, sessionTtlMs: -1}, /sessionTtlMs/],
		['retired secrets that are not a list', {clients: {ct: {secrets: [SECRET], retiredSecrets: 'sk_old'}}}, /retiredSecrets must be a list/],
		['an empty retired secret', {clients: {ct: {secrets: [SECRET], retiredSecrets: ['']}}}, /retiredSecrets\[0\]/],
		['a key both active and retired', {clients: {ct: {secrets: [SECRET], retiredSecrets: [SECRET]}}}, /still in secrets/],
		['a short admin key', {clients: {ct: {secrets: [SECRET], adminKey: 'admin'}}}, /adminKey must be a string of at least 16/],
		['an admin key that is a signing key', {clients: {ct: {secrets: ['sk_test_config_long_W8'], adminKey: 'sk_test_config_long_W8'}}}, /signing keys/],
	])('throws a TypeError at creation for %s', (_, config, message) => {
		expect(() => createIdentityHandler(config as IdentityHandlerConfig)).toThrow(message);
		expect(() => createIdentityHandler(config as IdentityHandlerConfig)).toThrow(TypeError);
	});

	it('never puts a secret in a configuration error', () => {
		try {
			createIdentityHandler({clients: {ct: {secrets: [SECRET, 42 as unknown as string]}}});
			expect.unreachable();
		} catch (error) {
			expect(String(error)).not.toContain(SECRET);
		}
	});

	it('accepts origins written with a trailing slash or in capitals', async () => {
		const handler = createIdentityHandler({clients: {ct: {secrets: [SECRET], allowedOrigins: ['HTTPS://App.Example.com/']}}});
		const answer = await handler(
			new Request('http://api.test/v1/identify', {method: 'OPTIONS', headers: {Origin: 'https://app.example.com'}}),
		);
		expect(answer.status).toBe(204);
		expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
	});

	it('warns at creation of a hash or token key shorter than 32 characters, naming the client and not the key', async () => {
		const warnings: Array<Error & {code?: string}> = [];
		const listen = (warning: Error & {code?: string}) => warnings.push(warning);
		process.on('warning', listen);
		try {
			createIdentityHandler({clients: {ct_long: {secrets: [SECRET], tokenSecrets: [`${SECRET}_token`]}}});
			createIdentityHandler({clients: {ct_short: {secrets: ['sk_short_1'], tokenSecrets: [`${SECRET}_token`]}}});
			createIdentityHandler({clients: {ct_short_token: {tokenSecrets: ['tk_short_1']}}});
			// Warnings are emitted on the next tick.
			await new Promise((resolve) => setImmediate(resolve));
		} finally {
			process.off('warning', listen);
		}

		const said = warnings.filter((warning) => warning.code === 'SIGNET_SHORT_KEY').map((warning) => warning.message);
		expect(said).toEqual([expect.stringMatching(/clients\["ct_short"\] has a key shorter than 32/), expect.stringMatching(/clients\["ct_short_token"\]/)]);
		expect(said.join('\n')).not.toMatch(/sk_short_1|tk_short_1/);
	});
});
