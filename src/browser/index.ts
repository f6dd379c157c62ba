// The npm entry (ESM). Pure: importing it runs nothing and touches no
// browser global, so it is safe under server-side rendering.
/**
 * The browser SDK: `init`, `identifyUser`, `updateUser`, `logout`, the identity and its variables, events, and `createClient` for more than one client in a page.
 *
 * @module signet-js
 */
export { init, identifyUser, updateUser, logout, getIdentity, getAnonymousId, getVariable, on } from './default-client';
export { createClient } from './client';
export type { Client, Widen } from './types/client';
export { SignetError } from './errors/signet-error';
export type { InvalidArgumentCode, SignetErrorCode } from './types/error-codes';
export { InvalidArgumentError } from './errors/invalid-argument-error';
export { NotInitializedError } from './errors/not-initialized-error';
export { IdentityVerificationError } from './errors/identity-verification-error';
export type { VerificationCode, VerificationOutcome } from '../shared/verification';
export { NetworkError } from './errors/network-error';
export { ApiError } from './errors/api-error';
export { IdentityChangedError } from './errors/identity-changed-error';
export type { IdentityResult, IdentityState, IdentityStatus, SignetEvent, SignetEvents } from './types/identity';
export type { InitOptions, Metadata, IdentityProof, StorageLike } from './types/options';
