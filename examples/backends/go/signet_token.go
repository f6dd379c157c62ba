package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4" // Debian: golang-github-golang-jwt-jwt-dev
)

// signetToken signs an identity token: HS256 with a token secret (never a
// hash secret), ES256 or EdDSA with a PEM private key.
func signetToken(userID string, attributes map[string]any, algorithm, key, audience, keyID string) (string, error) {
	if key == "" {
		return "", errors.New("signetToken: the key is empty (is SIGNET_TOKEN_SECRET set?)")
	}
	if userID == "" || strings.IndexFunc(userID, isControl) >= 0 {
		return "", errors.New("signetToken: the user id is empty or has a control character")
	}
	var method jwt.SigningMethod
	var signingKey any
	var err error
	switch algorithm {
	case "HS256":
		method, signingKey = jwt.SigningMethodHS256, []byte(key)
	case "ES256":
		method = jwt.SigningMethodES256
		signingKey, err = jwt.ParseECPrivateKeyFromPEM([]byte(key))
	case "EdDSA":
		method = jwt.SigningMethodEdDSA
		signingKey, err = jwt.ParseEdPrivateKeyFromPEM([]byte(key))
	default:
		return "", fmt.Errorf("signetToken: algorithm must be HS256, ES256 or EdDSA, not %q", algorithm)
	}
	if err != nil {
		return "", fmt.Errorf("signetToken: the private key: %w", err)
	}
	now := time.Now()
	token := jwt.NewWithClaims(method, jwt.MapClaims{
		"sub": userID, "aud": audience, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "attributes": attributes,
	})
	if keyID != "" {
		token.Header["kid"] = keyID
	}
	return token.SignedString(signingKey)
}
