package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
)

// An automatic persisted query over GET against the real server: the hash
// alone is unknown, the query with its hash registers it, and the hash
// alone then runs it, as a dashboard with a cached URL does.
func TestPersistedQueryOverGET(t *testing.T) {
	db := t.TempDir()
	if _, e, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
		t.Fatalf("ingest: %d %s", code, e)
	}
	s := startServer(t, db)
	const q = `query Counts { counts { articles } }`
	sum := sha256.Sum256([]byte(q))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	get := func(v url.Values) (status int, data string, code string) {
		t.Helper()
		resp, err := http.Get(s.url + "?" + v.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var r struct {
			Data   json.RawMessage
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if len(r.Errors) > 0 {
			code = r.Errors[0].Extensions.Code
		}
		return resp.StatusCode, string(r.Data), code
	}
	if status, data, code := get(url.Values{"extensions": {ext}}); status != 200 || data != "" || code != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("hash alone, unknown: %d %s %s", status, data, code)
	}
	if status, data, code := get(url.Values{"extensions": {ext}, "query": {q}}); status != 200 || data != `{"counts":{"articles":2}}` {
		t.Fatalf("hash and query: %d %s %s", status, data, code)
	}
	if status, data, code := get(url.Values{"extensions": {ext}, "operationName": {"Counts"}}); status != 200 || data != `{"counts":{"articles":2}}` {
		t.Fatalf("hash alone, registered: %d %s %s", status, data, code)
	}
	s.stop(t)
}
