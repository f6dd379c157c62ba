// The check-hash command of `npx signet-js`: arguments and environment in,
// the text to print and the exit status out, so that cli.ts only wires it
// to the process. The secret comes from an environment variable, never an
// argument, which would land in shell history and the process list.
import {parseArgs} from 'node:util';
import {checkIdentityHash} from './verify/check-hash';

/** What the command prints and how it exits: 0 right, 1 wrong, 2 a usage error. */
export type CliAnswer = {output: string; exitCode: 0 | 1 | 2};

const USAGE = `usage: signet-js check-hash --secret-env NAME --user-id ID [--expiration ISO] --hash HASH

  --secret-env NAME   the environment variable holding the client's private key (never the key itself)
  --user-id ID        the user id exactly as the page sends it
  --expiration ISO    the expiration exactly as the page sends it, if the hash expires
  --hash HASH         the hash your backend made (hex or base64)`;

/**
 * Runs `signet-js <args>` with `env` and answers what to print and the exit status.
 *
 * @example
 * runCli(['check-hash', '--secret-env', 'SIGNET_SECRET', '--user-id', '42', '--hash', hash], process.env)
 * // {output: '✓ the hash is right for user id "42"', exitCode: 0}
 */
export function runCli(args: readonly string[], env: Record<string, string | undefined>): CliAnswer {
	const [command, ...rest] = args;
	if (command !== 'check-hash') {
		return {output: command === undefined || command === '--help' ? USAGE : `unknown command ${JSON.stringify(command)}\n${USAGE}`, exitCode: 2};
	}

	let values: Record<string, string | boolean | undefined>;
	try {
		({values} = parseArgs({
			args: [...rest],
			options: {'secret-env': {type: 'string'}, 'user-id': {type: 'string'}, expiration: {type: 'string'}, hash: {type: 'string'}},
			strict: true,
		}));
	} catch (error) {
		const secretGiven = rest.some((arg) => /^--secret(=|$)/.test(arg));
		const reason = secretGiven ? 'the key is read from an environment variable (--secret-env NAME), never from an argument: arguments land in shell history' : (error as Error).message;
		return {output: `${reason}\n${USAGE}`, exitCode: 2};
	}

	const name = values['secret-env'];
	const userId = values['user-id'];
	const hash = values.hash;
	if (typeof name !== 'string' || typeof userId !== 'string' || typeof hash !== 'string') {
		return {output: `--secret-env, --user-id and --hash are required\n${USAGE}`, exitCode: 2};
	}

	const secret = env[name];
	if (secret === undefined || secret === '') {
		return {output: `the environment variable ${name} is not set or empty: export it with the client's private key`, exitCode: 2};
	}

	const expiration = typeof values.expiration === 'string' ? values.expiration : undefined;
	const result = checkIdentityHash({userId, hash, expiration}, secret);
	return result.ok ? {output: `✓ ${result.message}`, exitCode: 0} : {output: `✗ ${result.message}${result.hint === undefined ? '' : ` (hint: ${result.hint})`}`, exitCode: 1};
}
