// What a bundler gets for `signet-js/server` under the `browser` export
// condition: nothing to sign with, only an error at import that says why.
import {SERVER_ONLY_MESSAGE} from './guard';

throw new Error(SERVER_ONLY_MESSAGE);
