package main

import (
	"encoding/json"
	"net/http"
	"os"
	"time"
)

// sessionUser is your login's: the id of the user of the request's session.
var sessionUser func(r *http.Request) (userID string, ok bool)

// signetIdentity answers GET /api/signet-identity for the user of the
// session, never an id from r.URL.Query(): a route that signs any id is a signing oracle.
func signetIdentity(w http.ResponseWriter, r *http.Request) {
	userID, ok := sessionUser(r)
	if !ok {
		http.Error(w, "not logged in", http.StatusUnauthorized)
		return
	}
	// Exactly toISOString()'s form (milliseconds, Z): the page sends this string, and it is what is signed.
	expiration := time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04:05.000Z")
	hash, err := signetHash(userID, os.Getenv("SIGNET_SECRET"), expiration)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]string{"userId": userID, "hash": hash, "expiration": expiration})
}
