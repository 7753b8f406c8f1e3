package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/graphd/graphd/graph"
)

// A store whose reindex was cut short is named so by every command that
// opens it: check fails saying what to run, ingest and export refuse it,
// and graphd reindex finishes the job, after which check passes and the
// store holds what it held before.
func TestReindexCutShort(t *testing.T) {
	db := t.TempDir()
	if _, e, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
		t.Fatalf("ingest: %d %s", code, e)
	}
	before, e, code := runBinary(t, "check", "--db", db)
	if code != 0 {
		t.Fatalf("check: %d %s", code, e)
	}
	// A reindex stopped after its first article, as SIGKILL would stop it.
	s, err := graph.Open(db, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	cut := errors.New("cut short")
	err = s.Reindex(t.Context(), func(r *graph.Rebuild) error {
		return r.Articles(t.Context(), func(graph.Article) error { return cut })
	})
	if cerr := s.Close(); !errors.Is(err, cut) || cerr != nil {
		t.Fatalf("reindex: %v; close: %v", err, cerr)
	}

	const says = "a reindex of this store did not finish: run graphd reindex on it"
	if _, e, code := runBinary(t, "check", "--db", db); code == 0 || !strings.Contains(e, says) {
		t.Errorf("check of a store cut short: %d %s", code, e)
	}
	for _, args := range [][]string{{"ingest", "--db", db, seeds}, {"export", "--db", db, "--format", "jsonl"}} {
		if _, e, code := runBinary(t, args...); code == 0 || !strings.Contains(e, says) {
			t.Errorf("%s of a store cut short: %d %s", args[0], code, e)
		}
	}
	if _, e, code := runBinary(t, "reindex", "--db", db); code != 0 {
		t.Fatalf("reindex: %d %s", code, e)
	}
	after, e, code := runBinary(t, "check", "--db", db)
	if code != 0 || after != before {
		t.Errorf("check after the reindex: %d %s\n%s\nwant\n%s", code, e, after, before)
	}
}
