package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Every command that opens a store, run on a store a server holds, says
// which process holds it, where it serves, and what to run instead, in
// place of Badger's "Cannot acquire directory lock".
func TestLockedStoreNamesServer(t *testing.T) {
	db := t.TempDir()
	s := startServer(t, db)
	base := strings.TrimSuffix(s.url, "/graphql")
	holder := fmt.Sprintf("is in use by graphd serve --db %s --addr 127.0.0.1:0 (pid %d", db, s.cmd.Process.Pid)
	feed := filepath.Join(t.TempDir(), "feed.jsonl")
	if err := os.WriteFile(feed, []byte(`{"text": "“Yes,” said Mayor Tom Baker."}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		hint string
	}{
		{[]string{"ingest", "--db", db, feed}, "send the articles to it instead: graphd ingest --server " + base + " PATH…"},
		{[]string{"export", "--db", db}, "export through it instead: graphd export --server " + base},
		{[]string{"check", "--db", db}, "check it through the server instead: graphd check --server " + base},
		{[]string{"reindex", "--db", db}, "stop the server first (kill -TERM"},
		{[]string{"import", "--db", db, feed}, "stop the server first (kill -TERM"},
		{[]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, "it is served at " + base + " already"},
		{[]string{"demo", "--db", db, "--addr", "127.0.0.1:0"}, "it is served at " + base + " already"},
	} {
		t.Run(c.args[0], func(t *testing.T) {
			_, stderr, code := runBinary(t, c.args...)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			for _, want := range []string{"graphd " + c.args[0] + ": store " + db + " " + holder, "serving " + base + ")", c.hint} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "Badger") || strings.Contains(stderr, "directory lock") {
				t.Errorf("Badger's message leaks:\n%s", stderr)
			}
		})
	}
	s.stop(t)
	if _, stderr, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Errorf("check once the server stopped: %d\n%s", code, stderr)
	}
}

// A store an ingest holds (waiting on a pipe that never ends) is named
// with its pid, and a server started on it says to wait or stop it.
func TestLockedStoreNamesIngest(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "slow.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	db := t.TempDir()
	ingest := exec.Command(binary, "ingest", "--db", db, fifo)
	if err := ingest.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ingest.Process.Kill(); ingest.Wait() })
	// Opening the pipe returns once graphd has opened it, after the store.
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, stderr, code := runBinary(t, "serve", "--db", db, "--addr", "127.0.0.1:0")
	want := fmt.Sprintf("graphd serve: store %s is in use by graphd ingest --db %s %s (pid %d, since ", db, db, fifo, ingest.Process.Pid)
	if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, fmt.Sprintf("wait for it to finish, or stop it (kill -TERM %d)", ingest.Process.Pid)) {
		t.Errorf("serve on a store an ingest holds: status %d\n%s\nwant %q", code, stderr, want)
	}
}
