// Health checks for load balancers and Kubernetes (SPEC §7): /healthz says
// the process answers; /readyz says the store answers too, so an instance
// whose database is gone is taken out of rotation and put back once it is
// reachable again. Neither needs a credential, and neither says more.
import type {IdentityStore} from '../store/store';
import type {CallRequest} from './call-request';
import {errorReply, type Reply} from './reply';

/** How long /readyz waits for the store before answering 503. @example READY_TIMEOUT_MS // 2000 */
export const READY_TIMEOUT_MS = 2000;

/**
 * Answers `GET /healthz`: 200 while the process runs.
 *
 * @example
 * healthz(request) // {status: 200, body: {status: 'ok'}}
 */
export function healthz(request: CallRequest): Reply {
	return onlyGet(request) ?? {status: 200, body: {status: 'ok'}};
}

/**
 * Answers `GET /readyz`: 200 when the store answers within
 * {@link READY_TIMEOUT_MS} (its `ping`, else a session lookup), 503 with
 * Retry-After otherwise.
 *
 * @example
 * await readyz(request, settings.store) // {status: 200, body: {status: 'ready'}} or 503 store_unavailable
 */
export async function readyz(request: CallRequest, store: IdentityStore): Promise<Reply> {
	const refused = onlyGet(request);
	if (refused !== undefined) {
		return refused;
	}

	let timer: ReturnType<typeof setTimeout> | undefined;
	const timedOut = new Promise<false>((resolve) => {
		timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
	});
	// A store without ping is asked for a session no token hashes to.
	const asked = Promise.resolve()
		.then(() => (store.ping === undefined ? store.getSession('readyz') : store.ping()))
		.then(
			() => true,
			() => false,
		);
	const ready = await Promise.race([asked, timedOut]);
	clearTimeout(timer);
	return ready ? {status: 200, body: {status: 'ready'}} : errorReply(503, 'store_unavailable', 'the store does not answer', {headers: {'Retry-After': '2'}});
}

function onlyGet(request: CallRequest): Reply | undefined {
	return request.method === 'GET' || request.method === 'HEAD' ? undefined : errorReply(405, 'method_not_allowed', 'health checks answer GET only', {headers: {Allow: 'GET, HEAD'}});
}
