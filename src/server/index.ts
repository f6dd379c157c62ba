// signet-js/server: the public surface, name by name. The guard comes first so
// that nothing else is evaluated in a browser.
import './guard';

export {signIdentity, type SignOptions, type SignedIdentity} from './sign';
export {SigningError, type SigningErrorCode} from './signing-error';
export {
	verifyIdentity,
	DEFAULT_CLOCK_SKEW_SECONDS,
	type VerifyInput,
	type VerifyOptions,
	type VerifyResult,
} from './verify';
export type {VerificationCode, VerificationOutcome} from '../shared/verification';
export {DEFAULT_READINESS_HOURS, MAX_READINESS_HOURS, READINESS_REQUESTS_PER_WINDOW, type ReadinessAnswer} from './readiness';
export {diagnose, HINT_MESSAGES, MAX_OTHER_CLIENT_KEYS, type Hint, type DiagnosisInput, type DiagnosisKeys} from './hints';
export {signIdentityToken, type PrivateJwk, type SignTokenOptions, type TokenUser} from './sign-token';
export {asyncSnippet, subresourceIntegrity, SNIPPET_PLACEHOLDER, type SnippetOptions} from './snippet';
export {verifyIdentityToken, MAX_TOKEN_LENGTH, type TokenFailure, type VerifyTokenOptions, type VerifyTokenResult} from './verify-token';
export type {PublicJwk, TokenKeys} from './token-keys';
export {createIdentityHandler, type CallerInfo, type IdentityHandler} from './handler';
export {
	DEFAULT_RATE_LIMIT,
	DEFAULT_REPLY_TTL_MS,
	DEFAULT_SESSION_TTL_MS,
	MIN_ADMIN_KEY_LENGTH,
	type ClientConfig,
	type IdentityHandlerConfig,
	type RateLimits,
	type Variables,
} from './config';
export type {IdentityAnswer} from './identify';
export type {SessionAnswer} from './session';
export type {ErrorCode} from './reply';
export {
	MAX_ANONYMOUS_IDS,
	type ClaimResult,
	type IdentifyWrite,
	type IdentityStore,
	type MaybePromise,
	type MergeResult,
	type Outcome,
	type OutcomeSummary,
	type SessionRecord,
	type StoredReply,
	type UserChange,
	type UserRecord,
} from './store';
export {MemoryStore, type MemoryStoreOptions} from './memory-store';
export {mergeUserRecord} from './merge-user';
export {startServer, toNodeListener, type FetchHandler, type NodeListenerOptions, type RunningServer, type ServerOptions} from './node';
