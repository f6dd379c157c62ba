<?php
// GET /api/signet-identity: what the page passes to identifyUser, for the user of the session.
require_once __DIR__ . '/signet_hash.php';

session_start();
// The user your login put in the session, never $_GET: a route that signs any id is a signing oracle.
if (!isset($_SESSION['user_id'])) {
    http_response_code(401);
    exit;
}
$userId = (string) $_SESSION['user_id'];
// Exactly toISOString()'s form (milliseconds, Z): the page sends this string, and it is what is signed.
$expiration = (new DateTimeImmutable('+1 hour', new DateTimeZone('UTC')))->format('Y-m-d\TH:i:s.v\Z');
header('Content-Type: application/json');
header('Cache-Control: no-store');
echo json_encode(['userId' => $userId, 'hash' => signet_hash($userId, getenv('SIGNET_SECRET') ?: '', $expiration), 'expiration' => $expiration], JSON_UNESCAPED_UNICODE);
