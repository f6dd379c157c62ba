/**
 * The base of every error Signet gives you. `code` is stable and meant for
 * code; `message` is for people.
 *
 * @example
 * try {
 * 	await identifyUser(id, {}, {hash});
 * } catch (error) {
 * 	if (error instanceof SignetError) console.log(error.code);
 * }
 */
export class SignetError extends Error {
	override name = 'SignetError';
	readonly code: string;

	constructor(code: string, message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.code = code;
	}
}
