// The example customer's user directory: a stand-in for its own database
// and login. Ids are numbers, as in most apps; Signet signs String(id).

/** @type {ReadonlyArray<{login: string, id: number, name: string, email: string, plan: string}>} */
export const USERS = Object.freeze([
	Object.freeze({login: 'ada', id: 1042, name: 'Ada Lovelace', email: 'ada@example.com', plan: 'pro'}),
	Object.freeze({login: 'grace', id: 2077, name: 'Grace Hopper', email: 'grace@example.com', plan: 'team'}),
]);

/** The user with this login name, or undefined. */
export function userByLogin(login) {
	return USERS.find((user) => user.login === login);
}
