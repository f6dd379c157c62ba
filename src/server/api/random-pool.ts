import {randomFillSync} from 'node:crypto';

// One call into the CSPRNG per 4 KiB instead of one per token: under load,
// a randomBytes call per session token and per sealed answer was a tenth
// of the API's time. Node's own randomUUID() caches its entropy the same way.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/**
 * `size` fresh bytes from the operating system's CSPRNG, taken from a pool
 * refilled as it runs out; no byte is ever handed out twice. Up to 4,096
 * bytes per call.
 *
 * @example
 * const token = randomBytesFromPool(32).toString('base64url');
 */
export function randomBytesFromPool(size: number): Buffer {
	if (size > POOL_BYTES) {
		throw new RangeError(`randomBytesFromPool gives at most ${POOL_BYTES} bytes at once`);
	}

	if (used + size > POOL_BYTES) {
		randomFillSync(pool);
		used = 0;
	}

	// A copy: the pool's bytes are refilled later, the caller's must not change.
	const bytes = Buffer.from(pool.subarray(used, used + size));
	used += size;
	return bytes;
}
