package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// signetHash is HMAC-SHA256 of the user id (and "\n" + expiration), keyed
// with the secret's bytes, as hex. expiration "" means it never expires.
func signetHash(userID, secret, expiration string) (string, error) {
	if secret == "" {
		return "", errors.New("signetHash: the secret is empty (is SIGNET_SECRET set?)")
	}
	if userID == "" || strings.IndexFunc(userID, isControl) >= 0 {
		return "", errors.New("signetHash: the user id is empty or has a control character")
	}
	message := userID
	if expiration != "" {
		message += "\n" + expiration
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// U+0000–U+001F and U+007F: the API refuses them in user ids.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
