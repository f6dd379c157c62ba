// The example page. window.Signet is the snippet's stub until signet.umd.js
// has loaded, then the real SDK: always call it through window.Signet.
(() => {
	'use strict';

	const $ = (id) => document.getElementById(id);
	const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
	const CLIENT_TOKEN = meta('signet-client-token');
	const API_HOST = meta('signet-api-host');
	const TTL_SECONDS = 20;
	const MAX_EVENTS = 80;
	// What the widget shows a visitor without a verified identity.
	const FALLBACKS = {
		greeting: 'Welcome to Acme Projects!',
		plan: 'Guest',
		unreadChangelog: 0,
		checklist: [
			{title: 'Create your account', done: false},
			{title: 'Take the product tour', done: false},
		],
	};

	const app = {
		user: null,
		busy: false,
		ready: false,
		// The variables of the last `identified` event; getVariable only answers them while verified.
		variables: {},
		// Step 3: the current hash's expiration, the next one (fetched by refreshIdentity), renewals.
		expiring: null,
	};

	const sdk = () => window.Signet;

	// ---- The customer's backend -------------------------------------------

	async function backend(path, init) {
		const response = await fetch(path, init);
		const body = await response.json().catch(() => ({}));
		if (!response.ok) {
			throw new Error(`${path} answered ${response.status}${body.error ? ` (${body.error})` : ''}`);
		}

		return body;
	}

	// Signed by the backend with signIdentity: {userId, hash, expiration?}.
	const signedIdentity = (ttl) => backend(ttl ? `/api/signet-identity?ttl=${ttl}` : '/api/signet-identity');

	const post = (path, body) => backend(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body ?? {})});

	const metadataOf = (user) => ({name: user.name, email: user.email, plan: user.plan});

	// ---- Signet ------------------------------------------------------------

	async function refreshIdentity({userId}) {
		const signed = await signedIdentity(TTL_SECONDS);
		if (signed.userId !== userId) {
			throw new Error('another user is logged in to the site');
		}

		if (app.expiring) {
			app.expiring.next = signed.expiration;
		}

		logEvent('page', `refreshIdentity: the backend signed a new hash valid until ${clock(signed.expiration)}`);
		return {hash: signed.hash, expiration: signed.expiration};
	}

	function listen() {
		const {on} = sdk();
		on('identified', (result) => {
			app.variables = result.variables;
			if (app.expiring?.next) {
				app.expiring.expiration = app.expiring.next;
				app.expiring.next = null;
				app.expiring.renewals += 1;
			}

			logEvent('identified', `user ${result.userId}, verified: ${result.verified}, variables: ${Object.keys(result.variables).join(', ') || 'none'}`);
		});
		on('rejected', (error) => {
			app.variables = {};
			logEvent('rejected', `${error.code}: ${error.message}`, 'bad');
		});
		on('error', (error) => logEvent('error', `${error.code}: ${error.message}`, 'bad'));
		on('expiring', ({userId, expiration}) => {
			if (app.expiring) {
				app.expiring.last = new Date();
			}

			logEvent('expiring', `user ${userId}, hash valid until ${clock(expiration)}: renewing`);
		});
	}

	// ---- Steps -------------------------------------------------------------

	// Steps share one SDK client: one at a time, each reporting in its own output.
	async function run(output, step) {
		if (app.busy) {
			return;
		}

		app.busy = true;
		render();
		try {
			await step(output);
		} catch (error) {
			show(output, 'bad', `Failed: ${error.message}`);
		} finally {
			app.busy = false;
			render();
			// Every step may have added an outcome to the report.
			refreshReadiness().catch(() => {});
		}
	}

	async function identifyVerified(output) {
		app.expiring = null;
		const signed = await signedIdentity();
		logEvent('page', `identifyUser(${signed.userId}, {name, email, plan}, {hash: …${signed.hash.slice(-4)}})`);
		try {
			const result = await sdk().identifyUser(signed.userId, metadataOf(app.user), {hash: signed.hash});
			show(output, result.verified ? 'good' : 'bad', `Resolved: verified ${result.verified}. getVariable('greeting', …) → ${JSON.stringify(sdk().getVariable('greeting', FALLBACKS.greeting))}, getVariable('plan', …) → ${JSON.stringify(sdk().getVariable('plan', FALLBACKS.plan))}.`);
		} catch (error) {
			show(output, 'bad', `Rejected: ${error.name} (${error.code}): ${error.message}`);
		}
	}

	async function logIn(output) {
		const login = $('login-user').value;
		const {user} = await post('/api/login', {login});
		app.user = user;
		logEvent('page', `logged in to the site as ${user.name} (user ${user.id})`);
		await identifyVerified(output);
	}

	async function identifyTampered(output) {
		app.expiring = null;
		const signed = await signedIdentity();
		// Change the last hex digit: still a well-formed hash, just not this user's.
		const last = signed.hash.slice(-1);
		const tampered = signed.hash.slice(0, -1) + ((parseInt(last, 16) + 1) % 16).toString(16);
		logEvent('page', `identifyUser(${signed.userId}, {…}, {hash: …${tampered.slice(-4)}}), the signed one ends …${signed.hash.slice(-4)}`);
		try {
			await sdk().identifyUser(signed.userId, metadataOf(app.user), {hash: tampered});
			show(output, 'bad', 'Unexpected: the API accepted a tampered hash.');
		} catch (error) {
			const {status} = sdk().getIdentity();
			show(output, 'good', `Rejected as it should be: ${error.name} (${error.code}): ${error.message}. Status is now ${status}; the widget shows its fallbacks.`);
		}
	}

	async function identifyExpiring(output) {
		const signed = await signedIdentity(TTL_SECONDS);
		app.expiring = {expiration: signed.expiration, next: null, renewals: 0, last: null};
		logEvent('page', `identifyUser(${signed.userId}, {…}, {hash: …${signed.hash.slice(-4)}, expiration: ${clock(signed.expiration)}})`);
		try {
			const result = await sdk().identifyUser(signed.userId, metadataOf(app.user), {hash: signed.hash, expiration: signed.expiration});
			show(output, 'good', `Resolved: verified ${result.verified}, with a hash valid until ${clock(signed.expiration)}. Watch the countdown: it renews a few seconds before it reaches 0.`);
		} catch (error) {
			app.expiring = null;
			show(output, 'bad', `Rejected: ${error.name} (${error.code}): ${error.message}`);
		}
	}

	// Step 4: the backend signs the plan into an identity token; the page
	// then tries to upgrade itself, in metadata and with updateUser.
	async function identifySigned(output) {
		app.expiring = null;
		const {userId, token} = await backend('/api/signet-token');
		const forged = {...metadataOf(app.user), plan: 'enterprise'};
		logEvent('page', `identifyUser(${userId}, {…, plan: 'enterprise'}, {token: …${token.slice(-4)}}), the token signs plan '${app.user.plan}'`);
		try {
			await sdk().identifyUser(userId, forged, {token});
			logEvent('page', "updateUser({plan: 'enterprise'})");
			await sdk().updateUser({plan: 'enterprise'});
			const plan = sdk().getVariable('plan', FALLBACKS.plan);
			show(output, plan === 'enterprise' ? 'bad' : 'good', `The page asked twice for plan 'enterprise'; the API kept the signed one: getVariable('plan', …) → ${JSON.stringify(plan)}.`);
		} catch (error) {
			show(output, 'bad', `Rejected: ${error.name} (${error.code}): ${error.message}`);
		}
	}

	async function identifyWithMistake(output) {
		app.expiring = null;
		const mistake = $('mistake-kind').value;
		const signed = await backend(`/api/signet-identity?mistake=${encodeURIComponent(mistake)}`);
		logEvent('page', `identifyUser(${signed.userId}, {…}, {hash: …${signed.hash.slice(-4)}}), signed with the mistake ${mistake}`);
		try {
			await sdk().identifyUser(signed.userId, metadataOf(app.user), {hash: signed.hash});
			show(output, 'bad', 'Unexpected: the API accepted a hash signed with a mistake.');
		} catch (error) {
			show(output, error.hint === mistake ? 'good' : 'bad', `Refused with hint ${error.hint ?? 'none'}: ${error.message}. The console warning says the same.`);
		}
	}

	// The readiness report as the site's backend passes it on: counts per code and hint, and the verdict.
	async function refreshReadiness() {
		const report = await backend('/api/readiness');
		$('readiness-hours').textContent = String(report.hours);
		$('readiness-verdict').textContent = report.safeToEnforce ? 'safe to enforce' : report.total === 0 ? 'no calls yet' : 'not yet: fix what failed';
		$('readiness-verdict').className = `badge ${report.safeToEnforce ? 'verified' : 'rejected'}`;
		const codes = Object.entries({total: report.total, ...report.byCode}).flatMap(([code, count]) => [element('dt', '', code), element('dd', '', String(count))]);
		$('readiness-codes').replaceChildren(...codes);
		const hints = Object.entries(report.byHint).map(([hint, count]) => element('li', '', `${hint}: ${count}`));
		$('readiness-hints').replaceChildren(...(hints.length > 0 ? hints : [element('li', 'subtle', 'none')]));
	}

	async function logOut(output) {
		const before = sdk().getAnonymousId();
		await sdk().logout();
		await post('/api/logout');
		app.user = null;
		app.expiring = null;
		app.variables = {};
		logEvent('page', 'logged out of the site');
		show(output, 'good', `Logged out. Status ${sdk().getIdentity().status}; anonymous id ${short(before)} → ${short(sdk().getAnonymousId())}.`);
	}

	// ---- Rendering ---------------------------------------------------------

	function render() {
		$('account').textContent = app.user ? `Logged in as ${app.user.name} (user ${app.user.id})` : 'Not logged in';
		$('login-button').disabled = app.busy || !app.ready;
		$('tamper-button').disabled = app.busy || !app.ready || !app.user;
		$('expiring-button').disabled = app.busy || !app.ready || !app.user;
		$('mistake-button').disabled = app.busy || !app.ready || !app.user;
		$('signed-button').disabled = app.busy || !app.ready || !app.user;
		$('logout-button').disabled = app.busy || !app.ready || (!app.user && sdk().getIdentity().status === 'anonymous');
		if (!app.ready) {
			return;
		}

		const state = sdk().getIdentity();
		const verified = state.status === 'verified';
		const status = $('state-status');
		status.textContent = state.status;
		status.className = `badge ${state.status}`;
		$('state-user').textContent = state.userId ?? '–';
		$('state-anonymous').textContent = state.anonymousId;
		$('state-error').textContent = state.error ? `${state.error.name} (${state.error.code}): ${state.error.message}` : '–';
		$('state-error').className = state.error ? 'bad' : '';
		$('state-variables').textContent = compactJson(verified ? app.variables : {});

		// The widget: personalised only while verified, fallbacks otherwise.
		const get = (name) => sdk().getVariable(name, FALLBACKS[name]);
		$('widget-source').textContent = verified ? `Personalised: verified variables for user ${state.userId}` : `Fallback content: no verified identity (status ${state.status})`;
		$('widget-source').className = `source ${verified ? 'good' : 'neutral'}`;
		$('widget-greeting').textContent = get('greeting');
		$('widget-plan').textContent = get('plan');
		$('widget-unread').textContent = String(get('unreadChangelog'));
		const items = (Array.isArray(get('checklist')) ? get('checklist') : FALLBACKS.checklist).map(({title, done}) => element('li', done ? 'done' : 'todo', title));
		$('widget-checklist').replaceChildren(...items);

		const expiring = app.expiring;
		if (expiring) {
			const left = Math.max(0, Math.ceil((Date.parse(expiring.expiration) - Date.now()) / 1000));
			$('expiring-countdown').textContent = `${left} s (until ${clock(expiring.expiration)}), status ${state.status}`;
			$('expiring-renewals').textContent = String(expiring.renewals);
			$('expiring-last').textContent = expiring.last ? clock(expiring.last) : 'not yet';
		} else {
			$('expiring-countdown').textContent = '–';
			$('expiring-renewals').textContent = '–';
			$('expiring-last').textContent = '–';
		}
	}

	function show(output, tone, text) {
		const target = $(output);
		target.className = `result ${tone}`;
		target.textContent = text;
	}

	function logEvent(name, detail, tone = name === 'page' ? 'page' : 'event') {
		const item = element('li', tone);
		item.append(element('time', '', clock(new Date())), element('strong', '', name), element('span', '', detail));
		const list = $('events');
		list.prepend(item);
		while (list.children.length > MAX_EVENTS) {
			list.lastElementChild.remove();
		}

		render();
	}

	function element(tag, className, text) {
		const node = document.createElement(tag);
		if (className) {
			node.className = className;
		}

		if (text !== undefined) {
			node.textContent = text;
		}

		return node;
	}

	// One line per key: easier to scan than JSON.stringify(value, null, 2).
	function compactJson(object) {
		const lines = Object.entries(object).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
		return lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n}`;
	}

	const clock = (value) => new Date(value).toLocaleTimeString([], {hour12: false});
	const short = (id) => `${id.slice(0, 8)}…`;

	// ---- Start -------------------------------------------------------------

	async function start() {
		$('login-form').addEventListener('submit', (event) => {
			event.preventDefault();
			void run('result-verified', logIn);
		});
		$('tamper-button').addEventListener('click', () => void run('result-tampered', identifyTampered));
		$('expiring-button').addEventListener('click', () => void run('result-expiring', identifyExpiring));
		$('signed-button').addEventListener('click', () => void run('result-signed', identifySigned));
		$('logout-button').addEventListener('click', () => void run('result-logout', logOut));
		$('mistake-form').addEventListener('submit', (event) => {
			event.preventDefault();
			void run('result-mistake', identifyWithMistake);
		});
		$('readiness-button').addEventListener('click', () => void refreshReadiness().catch(() => {}));
		void refreshReadiness().catch(() => {});
		render();

		const slow = setTimeout(() => {
			$('widget-source').textContent = 'signet.umd.js has not loaded yet: see the Network tab.';
		}, 5000);
		// Through the stub if the UMD is still on its way: the call is replayed once it loads.
		await sdk().init({clientToken: CLIENT_TOKEN, apiHost: API_HOST, refreshIdentity});
		clearTimeout(slow);
		app.ready = true;
		listen();
		logEvent('page', `Signet loaded (${sdk().loaded ? 'UMD via the async snippet' : 'stub'}), init({clientToken: '${CLIENT_TOKEN}', apiHost, refreshIdentity})`);
		setInterval(render, 1000);

		// A logged-in visitor is identified on every page load, as a real app would.
		const {user} = await backend('/api/me');
		app.user = user;
		if (user) {
			$('login-user').value = user.login;
			await run('result-verified', identifyVerified);
		}

		render();
	}

	start().catch((error) => {
		$('widget-source').textContent = `The page could not start: ${error.message}`;
	});
})();
