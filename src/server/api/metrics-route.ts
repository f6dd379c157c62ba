// The /metrics route: who may read the metrics, and their text.
import type {Settings} from '../config/settings';
import type {ControlPlane} from '../control/control-plane';
import type {AdminGuard} from './admin/admin';
import type {CallRequest} from './call-request';
import type {Metrics} from './metrics';
import {errorReply, type Reply} from './reply';
import {sameSecret} from '../verify/secrets';

/**
 * Answers `GET /metrics`: Prometheus text for any admin credential
 * (`metrics: true`) or the one bearer of `metrics: {bearer}`; 401 for no or
 * a wrong credential, held off per address after repeated failures as for
 * the admin API; 404 without `metrics`. No CORS: a scraper is no page.
 *
 * @example
 * return answerMetrics(request, bearerToken, clientIp, {settings, metrics, control, guard}, now);
 */
export async function answerMetrics(
	request: CallRequest,
	bearerToken: string | undefined,
	clientIp: string | undefined,
	state: {settings: Settings; metrics: Metrics | undefined; control: ControlPlane | undefined; guard: AdminGuard},
	now: Date,
): Promise<Reply> {
	const {settings, metrics, control, guard} = state;
	if (metrics === undefined || settings.metrics === undefined) {
		return errorReply(404, 'not_found', 'metrics are off: createIdentityHandler needs metrics: true (admin credentials) or metrics: {bearer}');
	}

	if (request.method !== 'GET') {
		return errorReply(405, 'method_not_allowed', '/metrics answers GET only', {headers: {Allow: 'GET'}});
	}

	const held = guard.heldOff(clientIp, now);
	if (held !== undefined) {
		return held;
	}

	const allowed = settings.metrics.credential === 'admin' ? control?.authenticate(bearerToken) !== undefined : bearerToken !== undefined && sameSecret(bearerToken, settings.metrics.bearer);
	if (!allowed) {
		return guard.failed(settings, clientIp, now);
	}

	return {status: 200, body: undefined, raw: {contentType: metrics.registry.contentType, text: await metrics.registry.metrics()}};
}
