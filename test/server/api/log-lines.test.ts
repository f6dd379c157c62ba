import {describe, expect, it} from 'vitest';
import {identifyBody, serve} from '../support/helpers';

const api = await serve();

// Issue 8: user ids with U+2028, U+0085 or bidi controls went raw into log
// lines, where some viewers break the line or reorder it.
describe('log lines', () => {
	it('escapes line separators, C1 controls and bidi controls in user ids, so no id can forge or disguise a line', async () => {
		const forged = ['alice\u2028GET /v1/identify 200 verification=ok', 'bob\u0085forged', 'eve\u2029x', 'mallory\u202Ekooltuo', 'trent\u2066\u200Fz', 'zoë'];
		for (const userId of forged) {
			expect((await api.post('/v1/identify', identifyBody({userId}))).status).toBe(200);
		}

		const lines = api.logs.slice(-forged.length);
		for (const line of lines) {
			expect(line).toMatch(/^[\x20-\x7e]*$/);
		}

		expect(lines[0]).toContain('user="alice\\u2028GET /v1/identify 200 verification=ok"');
		expect(lines[1]).toContain('\\u0085');
		expect(lines[3]).toContain('\\u202e');
		expect(lines[5]).toContain('user="zo\\u00eb"');
	});
});
