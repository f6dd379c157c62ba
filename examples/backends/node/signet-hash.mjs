import {createHmac} from 'node:crypto';

// Without the package: HMAC-SHA256 of the user id (and "\n" + expiration),
// keyed with the secret's UTF-8 bytes, as hex. signIdentity does the same, and checks more.
export function signetHash(userId, secret, expiration) {
	const id = String(userId);
	if (typeof secret !== 'string' || secret === '') throw new TypeError('signetHash: the secret is empty (is SIGNET_SECRET set?)');
	if (id === '' || /[\u0000-\u001f\u007f]/.test(id)) throw new TypeError('signetHash: the user id is empty or has a control character');
	const message = expiration === undefined ? id : `${id}\n${expiration}`;
	return createHmac('sha256', secret).update(message).digest('hex');
}
