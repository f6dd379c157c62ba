<?php
// HMAC-SHA256 of the user id (and "\n" . expiration), keyed with the secret's UTF-8 bytes, as hex.
function signet_hash(string $userId, string $secret, ?string $expiration = null): string {
    if ($secret === '') {
        throw new InvalidArgumentException('signet_hash: the secret is empty (is SIGNET_SECRET set?)');
    }
    if ($userId === '' || preg_match('/[\x00-\x1f\x7f]/', $userId)) {
        throw new InvalidArgumentException('signet_hash: the user id is empty or has a control character');
    }
    $message = $expiration === null ? $userId : $userId . "\n" . $expiration;
    // The message first, then the key: hash_hmac($algo, $data, $key).
    return hash_hmac('sha256', $message, $secret);
}
