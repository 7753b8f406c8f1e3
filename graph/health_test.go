package graph_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/graphd/graphd/graph"
)

// Ping answers while the store is open, and says it is closed after.
// DiskSize counts the value log and, once the memtable is flushed, the
// LSM tree's tables.
func TestPingAndDiskSize(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping an open store: %v", err)
	}
	_, vlog0, err := s.DiskSize()
	if err != nil {
		t.Fatal(err)
	}
	// Text over the value threshold lands in the value log.
	text := `"We are ready," Minister Ana Silva told reporters. ` + strings.Repeat("More words of the article. ", 4000)
	if _, err := s.PutArticle(ctx, graph.ArticleInput{URL: "https://news.example/1", Title: "Talks", Text: text}); err != nil {
		t.Fatal(err)
	}
	_, vlog1, err := s.DiskSize()
	if err != nil {
		t.Fatal(err)
	}
	if vlog1 <= 0 || vlog0 <= 0 {
		t.Errorf("value log bytes before and after a write: %d, %d; want both above 0 (the file is preallocated)", vlog0, vlog1)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("ping a closed store: %v, want ErrClosed", err)
	}
	// Close flushed the memtable into a table.
	s, err = graph.Open(dir, graph.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if lsm, _, err := s.DiskSize(); lsm <= 0 || err != nil {
		t.Errorf("LSM bytes after a flush: %d, %v", lsm, err)
	}
	s.Close()
	mem, err := graph.Open("", graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if lsm, vlog, err := mem.DiskSize(); lsm != 0 || vlog != 0 || err != nil {
		t.Errorf("in-memory store: %d, %d, %v", lsm, vlog, err)
	}
}
