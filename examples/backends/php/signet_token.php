<?php
// An identity token without a JWT library: HS256 with a token secret (never
// a hash secret) through hash_hmac, ES256 with a PEM private key through openssl_sign.
function signet_token(string $userId, array $attributes, string $algorithm, string $key, string $audience, ?string $keyId = null, int $expiresIn = 3600): string {
    if ($key === '') {
        throw new InvalidArgumentException('signet_token: the key is empty (is SIGNET_TOKEN_SECRET set?)');
    }
    if ($userId === '' || preg_match('/[\x00-\x1f\x7f]/', $userId)) {
        throw new InvalidArgumentException('signet_token: the user id is empty or has a control character');
    }
    $header = ['alg' => $algorithm, 'typ' => 'JWT'] + ($keyId === null ? [] : ['kid' => $keyId]);
    $now = time();
    // (object): an empty PHP array would be written as [], and attributes must be a JSON object.
    $claims = ['sub' => $userId, 'aud' => $audience, 'iat' => $now, 'exp' => $now + $expiresIn, 'attributes' => (object) $attributes];
    $input = signet_base64url(json_encode($header)) . '.' . signet_base64url(json_encode($claims, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR));
    if ($algorithm === 'HS256') {
        $signature = hash_hmac('sha256', $input, $key, true);
    } elseif ($algorithm === 'ES256') {
        if (!openssl_sign($input, $der, $key, OPENSSL_ALGO_SHA256)) {
            throw new InvalidArgumentException('signet_token: openssl_sign failed: ' . openssl_error_string());
        }
        $signature = signet_es256_signature($der);
    } else {
        throw new InvalidArgumentException("signet_token: algorithm must be HS256 or ES256, not $algorithm");
    }
    return $input . '.' . signet_base64url($signature);
}

function signet_base64url(string $bytes): string {
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

// openssl_sign writes an ECDSA signature in DER (SEQUENCE of two INTEGERs);
// a JWS wants r and s as 32 bytes each, big-endian, one after the other.
function signet_es256_signature(string $der): string {
    $offset = 2; // 0x30 and the sequence's length (under 128 for P-256)
    $raw = '';
    foreach (['r', 's'] as $_) {
        $length = ord($der[$offset + 1]); // after the 0x02 INTEGER tag
        $integer = ltrim(substr($der, $offset + 2, $length), "\x00"); // DER adds a 0x00 before a high bit
        $raw .= str_pad($integer, 32, "\x00", STR_PAD_LEFT);
        $offset += 2 + $length;
    }
    return $raw;
}
