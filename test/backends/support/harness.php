<?php
// Runs the PHP snippets of examples/backends/php for the tests:
//   php harness.php hash|token < test/vectors/signing.json   prints their results as one JSON line
//   php -S 127.0.0.1:PORT harness.php                        serves the route, with a test login
$snippets = __DIR__ . '/../../../examples/backends/php';

if (PHP_SAPI === 'cli-server') {
    $path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
    if ($path === '/login' && $_SERVER['REQUEST_METHOD'] === 'POST') {
        session_start();
        $_SESSION['user_id'] = file_get_contents('php://input');
        http_response_code(204);
    } elseif ($path === '/api/signet-identity') {
        require $snippets . '/signet-identity.php';
    } else {
        http_response_code(404);
    }
    return true;
}

function attempt(callable $run): array {
    try {
        return ['value' => $run()];
    } catch (Throwable $error) { // the snippet must throw; the test reads the message
        return ['error' => get_class($error) . ': ' . $error->getMessage()];
    }
}

$vectors = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
if ($argv[1] === 'hash') {
    require $snippets . '/signet_hash.php';
    $out = [
        'hashes' => array_map(fn ($v) => signet_hash($v['userId'], $v['secret'], $v['expiration'] ?? null), $vectors['hashes']),
        'refused' => array_map(fn ($v) => attempt(fn () => signet_hash($v['userId'], $v['secret'])), $vectors['refused']),
    ];
} else {
    require $snippets . '/signet_token.php';
    $t = $vectors['tokens'];
    $keys = ['HS256' => [$t['hs256']['secret'], null], 'ES256' => [$t['es256']['privatePem'], 'es-vectors']];
    $tokens = [];
    foreach ($keys as $alg => [$key, $kid]) {
        $tokens[$alg] = array_map(fn ($u) => signet_token($u['userId'], $u['attributes'], $alg, $key, $t['audience'], $kid), $t['users']);
    }
    $out = [
        'tokens' => $tokens,
        'refused' => array_map(fn ($v) => attempt(fn () => signet_token($v['userId'], [], 'HS256', $v['secret'], $t['audience'])), $vectors['refused']),
    ];
}
echo json_encode($out, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
