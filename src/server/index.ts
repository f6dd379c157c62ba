// signet-js/server: the public surface, name by name. The guard comes first so
// that nothing else is evaluated in a browser.
/**
 * For servers: signing identities (`signIdentity`, `signIdentityToken`), verifying them, and the reference identity API (`createIdentityHandler`, `startServer`) with its `MemoryStore`.
 *
 * @module signet-js/server
 */
import './guard';

export {signIdentity, type SignOptions, type SignedIdentity} from './sign/sign';
export {SigningError, type SigningErrorCode} from './sign/signing-error';
export {
	verifyIdentity,
	DEFAULT_CLOCK_SKEW_SECONDS,
	type VerifyInput,
	type VerifyOptions,
	type VerifyResult,
} from './verify/verify';
export type {VerificationCode, VerificationOutcome} from '../shared/verification';
export {DEFAULT_READINESS_HOURS, MAX_READINESS_HOURS, READINESS_REQUESTS_PER_WINDOW, type ReadinessAnswer} from './api/readiness';
export {checkIdentityHash, type HashCheck, type HashCheckCode, type HashCheckResult} from './verify/check-hash';
export {diagnose, HINT_MESSAGES, MAX_OTHER_CLIENT_KEYS, type Hint, type DiagnosisInput, type DiagnosisKeys} from './verify/hints';
export {signIdentityToken, type PrivateJwk, type SignTokenOptions, type TokenUser} from './sign/sign-token';
export {asyncSnippet, subresourceIntegrity, SNIPPET_PLACEHOLDER, type SnippetOptions} from './sign/snippet';
export {verifyIdentityToken, type TokenFailure, type VerifyTokenOptions, type VerifyTokenResult} from './verify/verify-token';
export {MAX_TOKEN_LENGTH} from '../shared/limits';
export type {PublicJwk, TokenKeys} from './verify/token-keys';
export {createIdentityHandler, type IdentityHandler} from './api/handler';
export type {CallerInfo} from './api/caller';
export {rotateMasterKey} from './control/rotate-master-key';
export type {AdminCredential, AdminRole, AuditEvent, KeyUse, Registry, RegistryClient, RegistryKey, RegistryStore, RegistryWrite, RegistryWriteResult} from './store/registry';
export {DEFAULT_RATE_LIMIT, DEFAULT_REPLY_TTL_MS, DEFAULT_SESSION_TTL_MS, MIN_ADMIN_KEY_LENGTH} from './config/defaults';
export type {AdminConfig, ClientConfig, IdentityHandlerConfig, RateLimits, Variables} from './config/types';
export type {AdminChangeLog, AnswerLog, LogLevel, LogRecord, RouteName} from './config/log-record';
export {MAX_REQUEST_ID_LENGTH} from './api/request-id';
export type {IdentityAnswer} from './api/identify';
export type {SessionAnswer} from './api/session';
export type {ErrorCode} from './api/reply';
export {
	MAX_ANONYMOUS_IDS,
	type ClaimAndCountResult,
	type ClaimResult,
	type IdentifyResult,
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
} from './store/store';
export type {CallCount, ReplyClaim} from './store/claim-and-count';
export {MemoryStore, type MemoryStoreOptions} from './store/memory-store';
export {mergeUserRecord} from './store/merge-user';
export {startServer, toNodeListener, type FetchHandler, type NodeListenerOptions, type RunningServer, type ServerOptions} from './node/node';
