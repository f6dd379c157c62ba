/** Longest user id accepted, in UTF-16 code units (what `String.prototype.length` counts). */
export const MAX_USER_ID_LENGTH = 256;

/** Largest metadata object accepted, in UTF-8 bytes of its JSON form. */
export const MAX_METADATA_BYTES = 16 * 1024;

/** Keys refused anywhere in metadata: they would reach an object's prototype. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
