// Runs the Go snippets of examples/backends/go for the tests, built with
// them into one binary (test/backends/support/languages.ts copies the files
// into one folder, as package main):
//
//	harness hash|token < test/vectors/signing.json   prints their results as one JSON line
//	PORT=… harness serve                              serves the net/http route, with a test login
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sync"
)

type outcome struct {
	Value string `json:"value,omitempty"`
	Error string `json:"error,omitempty"`
}

func attempt(value string, err error) outcome {
	if err != nil {
		return outcome{Error: err.Error()}
	}
	return outcome{Value: value}
}

type vectors struct {
	Hashes []struct {
		Secret, UserID, Expiration string
	} `json:"hashes"`
	Refused []struct {
		Secret string `json:"secret"`
		UserID string `json:"userId"`
	} `json:"refused"`
	Tokens struct {
		Audience string `json:"audience"`
		Users    []struct {
			UserID     string         `json:"userId"`
			Attributes map[string]any `json:"attributes"`
		} `json:"users"`
		HS256   struct{ Secret string }     `json:"hs256"`
		ES256   struct{ PrivatePem string } `json:"es256"`
		Ed25519 struct{ PrivatePem string } `json:"ed25519"`
	} `json:"tokens"`
}

func main() {
	if os.Args[1] == "serve" {
		serve()
		return
	}
	var v vectors
	if err := json.NewDecoder(os.Stdin).Decode(&v); err != nil {
		panic(err)
	}
	out := map[string]any{}
	refused := []outcome{}
	if os.Args[1] == "hash" {
		hashes := []string{}
		for _, h := range v.Hashes {
			hash, err := signetHash(h.UserID, h.Secret, h.Expiration)
			if err != nil {
				panic(err)
			}
			hashes = append(hashes, hash)
		}
		for _, r := range v.Refused {
			refused = append(refused, attempt(signetHash(r.UserID, r.Secret, "")))
		}
		out["hashes"] = hashes
	} else {
		t := v.Tokens
		keys := map[string][2]string{"HS256": {t.HS256.Secret, ""}, "ES256": {t.ES256.PrivatePem, "es-vectors"}, "EdDSA": {t.Ed25519.PrivatePem, "ed-vectors"}}
		tokens := map[string][]string{}
		for alg, key := range keys {
			for _, u := range t.Users {
				token, err := signetToken(u.UserID, u.Attributes, alg, key[0], t.Audience, key[1])
				if err != nil {
					panic(err)
				}
				tokens[alg] = append(tokens[alg], token)
			}
		}
		for _, r := range v.Refused {
			refused = append(refused, attempt(signetToken(r.UserID, map[string]any{}, "HS256", r.Secret, t.Audience, "")))
		}
		out["tokens"] = tokens
	}
	out["refused"] = refused
	json.NewEncoder(os.Stdout).Encode(out)
}

// The test's login: POST /login with a user id as body opens a session (a random cookie).
func serve() {
	var lock sync.Mutex
	sessions := map[string]string{}
	sessionUser = func(r *http.Request) (string, bool) {
		cookie, err := r.Cookie("session")
		if err != nil {
			return "", false
		}
		lock.Lock()
		defer lock.Unlock()
		userID, ok := sessions[cookie.Value]
		return userID, ok
	}
	http.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := make([]byte, 16)
		rand.Read(id)
		session := hex.EncodeToString(id)
		lock.Lock()
		sessions[session] = string(body)
		lock.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "session", Value: session, Path: "/", HttpOnly: true})
		w.WriteHeader(http.StatusNoContent)
	})
	http.HandleFunc("/api/signet-identity", signetIdentity)
	if err := http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil); err != nil {
		panic(err)
	}
}
