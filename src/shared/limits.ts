/** Longest user id accepted, in UTF-16 code units (what `String.prototype.length` counts). */
export const MAX_USER_ID_LENGTH = 256;

/** Largest metadata object accepted, in UTF-8 bytes of its JSON form. */
export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * Largest stored metadata of a user never verified, in UTF-8 bytes of its
 * JSON form. Anyone who knows the public client token can make such
 * records in monitor mode, one per user id they invent, so each is kept
 * small; a verified user may store up to {@link MAX_METADATA_BYTES}.
 *
 * @example
 * const max = verification === 'ok' ? MAX_METADATA_BYTES : MAX_UNVERIFIED_METADATA_BYTES; // 16384 or 4096
 */
export const MAX_UNVERIFIED_METADATA_BYTES = 4 * 1024;

/** Keys refused anywhere in metadata: they would reach an object's prototype. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * Longest token accepted, in characters, checked before anything is
 * decoded: what a user id and a few signed attributes need, many times over.
 *
 * @example
 * token.length <= MAX_TOKEN_LENGTH // or verifyIdentityToken answers token_invalid
 */
export const MAX_TOKEN_LENGTH = 8 * 1024;
