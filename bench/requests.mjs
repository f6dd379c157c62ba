// How many requests the SDK sends, counted where they arrive: at the
// reference API on another port (cross-origin, as on a customer's site).
import {CLIENT_TOKEN, signed} from './servers.mjs';

// 100 identify calls of 10 users made in one tick: `grouped` makes each
// user's ten calls one after another, `interleaved` goes round the users.
function burst(order, hashes) {
	const calls = [];
	for (let k = 0; k < 100; k++) {
		const user = order === 'grouped' ? Math.floor(k / 10) : k % 10;
		calls.push([`${order}_${user}`, hashes[`${order}_${user}`]]);
	}

	return calls;
}

async function identifyAll(calls) {
	const results = await Promise.all(calls.map(([userId, hash]) => window.Signet.identifyUser(userId, {plan: 'pro'}, {hash})));
	return results.every((result) => result.verified);
}

/** Requests and CORS preflights for each scenario of the issue. */
export async function measureRequests(browser, pages, api) {
	pages.pages.set('/plain', '<!doctype html><meta charset="utf-8"><title>Signet requests</title><script src="/signet.umd.js"></script>');
	const users = ['first', 'second', ...['grouped', 'interleaved'].flatMap((order) => Array.from({length: 10}, (_, user) => `${order}_${user}`))];
	const hashes = Object.fromEntries(users.map((user) => [user, signed(user)]));
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		await page.goto(`${pages.origin}/plain`);
		await page.evaluate(([clientToken, apiHost]) => window.Signet.init({clientToken, apiHost}), [CLIENT_TOKEN, api.url]);
		const scenario = async (calls) => {
			const from = api.requests.length;
			if (!(await page.evaluate(identifyAll, calls))) {
				throw new Error('a bench identify was not verified');
			}

			return api.count(from);
		};

		const first = await scenario([['first', hashes.first]]);
		const repeat = await scenario([['first', hashes.first]]);
		const change = await scenario([['second', hashes.second]]);
		const grouped = await scenario(burst('grouped', hashes));
		const interleaved = await scenario(burst('interleaved', hashes));
		return {
			firstIdentify: first,
			repeatedIdenticalIdentify: repeat,
			identityChange: change,
			hundredCallsTenUsersGrouped: grouped,
			hundredCallsTenUsersInterleaved: interleaved,
		};
	} finally {
		await context.close();
	}
}
