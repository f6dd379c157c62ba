// The `signet-js` command (package.json "bin"): `npx signet-js check-hash …`.
// The one file that runs at import; the work is in check-hash-cli.ts.
import {runCli} from './check-hash-cli';

const {output, exitCode} = runCli(process.argv.slice(2), process.env);
(exitCode === 2 ? process.stderr : process.stdout).write(`${output}\n`);
process.exitCode = exitCode;
