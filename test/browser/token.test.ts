// @vitest-environment jsdom
// Identity tokens in the browser SDK: sent instead of a hash, checked for
// shape and user before any request (the SDK reads the payload and verifies
// nothing), renewed through refreshIdentity before their exp, never stored.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {signIdentityToken} from '../../src/server/index';
import {IdentityVerificationError, InvalidArgumentError} from '../../src/browser/index';
import {clientOf, ENFORCE, freshPage, MONITOR, sign, startApi, TOKEN_SECRET, until} from './helpers';

const api = await startApi();
const {faults} = api;

const token = (userId: string, options: {inMs?: number; attributes?: Record<string, unknown>; audience?: string} = {}) =>
	signIdentityToken({userId, attributes: options.attributes}, TOKEN_SECRET, {audience: options.audience ?? ENFORCE, ...(options.inMs === undefined ? {} : {expiration: new Date(Date.now() + options.inMs)})});
const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

beforeEach(() => {
	freshPage(faults);
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.restoreAllMocks();
});

describe('identifying with a token', () => {
	it('sends the token instead of a hash and expiration, and is verified', async () => {
		const client = clientOf(api);
		const signed = await token('t1', {inMs: 3_600_000, attributes: {plan: 'pro'}});

		await expect(client.identifyUser('t1', {theme: 'dark'}, {token: signed})).resolves.toMatchObject({userId: 't1', verified: true});

		expect(faults.requests).toHaveLength(1);
		const {body} = faults.requests[0]!;
		expect(body).toMatchObject({userId: 't1', metadata: {theme: 'dark'}, token: signed});
		expect(body).not.toHaveProperty('hash');
		expect(body).not.toHaveProperty('expiration');
		expect(client.getIdentity().status).toBe('verified');
	});

	it('identifies the init() user with a token, a number id matching its sub', async () => {
		const client = clientOf(api, {user: {id: 42, token: await token('42')}});
		await client.ready;
		expect(client.getIdentity()).toMatchObject({status: 'verified', userId: '42'});
	});

	it('reads a sub written in UTF-8', async () => {
		await expect(clientOf(api).identifyUser('José', {}, {token: await token('José')})).resolves.toMatchObject({verified: true});
	});

	it('refuses with invalid_token and sends nothing: not a JWT, no JSON payload, another sub, or beside a hash', async () => {
		const client = clientOf(api);
		const good = await token('t2');
		const [header, , signature] = good.split('.');
		const cases: unknown[] = [
			'',
			'abc',
			good.split('.').slice(0, 2).join('.'),
			`${good}.x`,
			`${header}.${part('not json').slice(0, -2)}!.${signature}`,
			`${header}.bm90IGpzb24.${signature}`,
			`${header}.${part({sub: 't3'})}.${signature}`,
			`${header}.${part({sub: 't2', exp: 'soon'})}.${signature}`,
			`${header}.${part({sub: 't2', exp: 1e20})}.${signature}`,
			42,
			{},
		];
		for (const bad of cases) {
			const error = await client.identifyUser('t2', {}, {token: bad as string}).catch((caught: unknown) => caught);
			expect(error, String(bad)).toBeInstanceOf(InvalidArgumentError);
			expect(error).toMatchObject({code: 'invalid_token'});
			expect(String((error as Error).message)).not.toContain(String(bad) || '\u0000');
		}

		await expect(client.identifyUser('t2', {}, {token: good, hash: sign('t2').hash})).rejects.toMatchObject({code: 'invalid_token'});
		expect(faults.requests).toHaveLength(0);
	});

	it("rejects with token_invalid, now anonymous, when the API refuses a changed attribute", async () => {
		const client = clientOf(api);
		const [header, , signature] = (await token('t4', {attributes: {plan: 'free'}})).split('.');
		const forged = `${header}.${part({sub: 't4', attributes: {plan: 'enterprise'}})}.${signature}`;

		const error = await client.identifyUser('t4', {}, {token: forged}).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(IdentityVerificationError);
		expect(error).toMatchObject({code: 'token_invalid'});
		expect(client.getIdentity()).toMatchObject({status: 'rejected', userId: null});
	});

	it('warns in debug mode which metadata keys the signed attributes kept', async () => {
		const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
		const client = clientOf(api, {clientToken: MONITOR, debug: true});

		await client.identifyUser('t5', {plan: 'enterprise'}, {token: await token('t5', {attributes: {plan: 'free'}, audience: MONITOR})});

		expect(debug.mock.calls.flat().join('\n')).toMatch(/signed, not changed: plan/);
	});

	it('keeps the token out of storage and the console', async () => {
		const log = vi.spyOn(console, 'debug').mockImplementation(() => {});
		const signed = await token('t6');
		await clientOf(api, {debug: true}).identifyUser('t6', {}, {token: signed});
		const signature = signed.split('.')[2]!;
		const stored = [localStorage, sessionStorage].flatMap((storage) => Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`));
		expect(stored.join('\n')).not.toContain(signature);
		expect(log.mock.calls.flat().join('\n')).not.toContain(signature);
		expect(vi.mocked(console.warn).mock.calls.flat().join('\n')).not.toContain(signature);
	});
});

describe('expiring tokens', () => {
	it('rejects with token_expired and sends nothing when the token has expired and there is no refreshIdentity', async () => {
		await expect(clientOf(api).identifyUser('e1', {}, {token: await token('e1', {inMs: -5000})})).rejects.toMatchObject({code: 'token_expired'});
		expect(faults.requests).toHaveLength(0);
	});

	it('asks refreshIdentity, which may answer a token, for an expired one', async () => {
		const fresh = await token('e2', {inMs: 3_600_000});
		const client = clientOf(api, {refreshIdentity: async () => ({token: fresh})});

		await expect(client.identifyUser('e2', {}, {token: await token('e2', {inMs: -5000})})).resolves.toMatchObject({verified: true});
		expect(faults.requests.map((request) => request.body.token)).toEqual([fresh]);
	});

	it('renews a verified token shortly before its exp and stays verified', async () => {
		const renewed = await token('e3', {inMs: 3_600_000});
		const refreshIdentity = vi.fn(async () => ({token: renewed}));
		const client = clientOf(api, {refreshIdentity});

		await client.identifyUser('e3', {plan: 'pro'}, {token: await token('e3', {inMs: 3000})});
		await until(() => faults.requests.length === 2, 8000, 'the renewal');

		expect(refreshIdentity).toHaveBeenCalledWith({userId: 'e3'});
		expect(faults.requests[1]!.body).toMatchObject({userId: 'e3', metadata: {plan: 'pro'}, token: renewed});
		await until(() => client.getIdentity().status === 'verified', 2000, 'verified');
		expect(JSON.parse(sessionStorage.getItem(`signet:${ENFORCE}:session`)!)).toMatchObject({userId: 'e3'});
	});
});
