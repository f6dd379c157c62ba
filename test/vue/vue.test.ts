// @vitest-environment jsdom
// signet-js/vue with @vue/test-utils, against the reference API on loopback
// (through the fault server, which counts requests).
import {flushPromises, mount} from '@vue/test-utils';
import {defineComponent, h} from 'vue';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {Signet, useIdentity, useSignet, useVariable} from '../../src/vue/index';
import {clientOf, ENFORCE, freshPage, sign, startApi, until, WRONG_HASH} from '../browser/helpers';

const api = await startApi();

beforeEach(() => {
	freshPage(api.faults);
	vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
	vi.restoreAllMocks();
});

const options = () => ({clientToken: ENFORCE, apiHost: api.url, timeoutMs: 5000, retries: 1});

// Shows the identity and a variable; its button identifies `userId` with `hash`.
const Status = defineComponent({
	props: {userId: {type: String, default: 'v1'}, hash: {type: String, default: ''}},
	setup(props) {
		const signet = useSignet();
		const {state, userId, verified} = useIdentity();
		const greeting = useVariable('greeting', 'Welcome!');
		const identify = () => signet.identifyUser(props.userId, {plan: 'pro'}, {hash: props.hash}).catch(() => {});
		return () => h('div', [h('p', `${state.value} ${userId.value ?? '-'} ${verified.value} ${greeting.value}`), h('button', {onClick: identify}, 'identify')]);
	},
});

const shown = (wrapper: ReturnType<typeof mount>) => wrapper.find('p').text();

describe('the Vue plugin and composables', () => {
	it('shows the anonymous state and the fallback, then the verified user and the variable after identify', async () => {
		const wrapper = mount(Status, {props: {userId: 'v1', hash: sign('v1').hash}, global: {plugins: [[Signet, options()]]}});
		expect(shown(wrapper)).toBe('anonymous - false Welcome!');

		await wrapper.find('button').trigger('click');
		await until(() => shown(wrapper) === 'verified v1 true hi v1', 5000, 'the verified user');
		expect(api.faults.requests.map((request) => request.path)).toEqual(['/v1/identify']);
	});

	it('shows rejected and the fallback for a wrong hash, and throws nothing', async () => {
		const wrapper = mount(Status, {props: {userId: 'v2', hash: WRONG_HASH}, global: {plugins: [[Signet, options()]]}});
		await wrapper.find('button').trigger('click');
		await until(() => shown(wrapper).startsWith('rejected'), 5000, 'the rejection');
		expect(shown(wrapper)).toBe('rejected - false Welcome!');
	});

	it('shares a client made with createClient() and follows a logout in another tab', async () => {
		const client = clientOf(api, {storage: {session: null}});
		const otherTab = clientOf(api, {storage: {session: null}});
		const wrapper = mount(Status, {global: {plugins: [[Signet, {client}]]}});
		await client.identifyUser('v3', {}, sign('v3'));
		await otherTab.identifyUser('v3', {}, sign('v3'));
		await flushPromises();
		expect(shown(wrapper)).toBe('verified v3 true hi v3');

		await otherTab.logout();
		await until(() => shown(wrapper) === 'anonymous - false Welcome!', 2000, 'the anonymous state');
	});

	it('says what is missing when a composable runs without the plugin', () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		expect(() => mount(Status)).toThrow(/app\.use\(Signet, options\)/);
	});
});
