package graph_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/graphd/graphd/graph"
)

// holderFiles lists the holder records in dir.
func holderFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "graphd-holder-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func lockedError(t *testing.T, err error) *graph.LockedError {
	t.Helper()
	le, ok := errors.AsType[*graph.LockedError](err)
	if !ok || !errors.Is(err, graph.ErrLocked) {
		t.Fatalf("open of a held store: %v, want a *LockedError", err)
	}
	return le
}

// A store held by a server: a second open, for writing or reading, is
// told who holds it and where it serves, in place of Badger's message.
func TestLockedNamesHolder(t *testing.T) {
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{Command: "graphd serve --db " + dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAddr("http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		_, err := graph.Open(dir, graph.Options{ReadOnly: ro})
		le := lockedError(t, err)
		want := []graph.Holder{{PID: os.Getpid(), Command: "graphd serve --db " + dir, Addr: "http://127.0.0.1:8080"}}
		if len(le.Holders) != 1 || le.Holders[0].PID != want[0].PID || le.Holders[0].Command != want[0].Command || le.Holders[0].Addr != want[0].Addr {
			t.Errorf("read-only %v: holders %+v, want %+v", ro, le.Holders, want)
		}
		if h, ok := le.Server(); !ok || h.Addr != "http://127.0.0.1:8080" {
			t.Errorf("Server() = %+v, %v", h, ok)
		}
		for _, part := range []string{"store " + dir + " is in use by graphd serve", fmt.Sprintf("pid %d", os.Getpid()), "serving http://127.0.0.1:8080"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("read-only %v: %q does not say %q", ro, err, part)
			}
		}
		if strings.Contains(err.Error(), "Badger") {
			t.Errorf("Badger's message leaks: %q", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if f := holderFiles(t, dir); len(f) != 0 {
		t.Errorf("records left after Close: %v", f)
	}
	s, err = graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatalf("open after the holder closed: %v", err)
	}
	s.Close()
}

// Readers hold a store together; a writer is told of each.
func TestLockedByReaders(t *testing.T) {
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	var readers []*graph.Store
	for _, cmd := range []string{"graphd export --db d", "graphd check --db d"} {
		r, err := graph.Open(dir, graph.Options{ReadOnly: true, Command: cmd})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		readers = append(readers, r)
	}
	_, err = graph.Open(dir, graph.Options{})
	le := lockedError(t, err)
	if len(le.Holders) != 2 {
		t.Fatalf("holders %+v, want the two readers", le.Holders)
	}
	for _, part := range []string{"graphd export --db d", "graphd check --db d", "reading"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("%q does not say %q", err, part)
		}
	}
	readers[0].Close()
	if f := holderFiles(t, dir); len(f) != 1 {
		t.Errorf("after one reader closed: records %v, want the other's", f)
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	return cmd.Process.Pid
}

func writeRecord(t *testing.T, dir, name string, h graph.Holder) {
	t.Helper()
	data, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Records of processes that are gone, or whose pid another process has
// since, are never named, and the next open removes them.
func TestStaleHolder(t *testing.T) {
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{Command: "graphd ingest --db d"})
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	writeRecord(t, dir, "graphd-holder-1-1.json", graph.Holder{PID: deadPID(t), Command: "graphd serve (killed)", Addr: "http://127.0.0.1:9999", Since: time.Now(), Host: host})
	// This very pid, but recorded as another process (a pid reused).
	writeRecord(t, dir, "graphd-holder-2-1.json", graph.Holder{PID: os.Getpid(), Command: "graphd serve (before a reboot)", Addr: "http://127.0.0.1:9998", Host: host, Process: "another-boot/12345"})
	_, err = graph.Open(dir, graph.Options{})
	le := lockedError(t, err)
	if len(le.Holders) != 1 || le.Holders[0].Command != "graphd ingest --db d" {
		t.Errorf("holders %+v, want only the live ingest", le.Holders)
	}
	if strings.Contains(err.Error(), "killed") || strings.Contains(err.Error(), "reboot") {
		t.Errorf("a stale record is named: %q", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A process killed with SIGKILL left its record; the next open for
	// writing clears it.
	writeRecord(t, dir, "graphd-holder-3-1.json", graph.Holder{PID: deadPID(t), Command: "graphd serve (killed)", Host: host})
	s, err = graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := holderFiles(t, dir); len(f) != 1 {
		t.Errorf("records after an open for writing: %v, want only its own", f)
	}
	s.Close()
}

// A holder that left no record is named by the pid Badger writes in its
// LOCK file, with its command line from /proc.
func TestLockedWithoutRecord(t *testing.T) {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("no /proc")
	}
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, f := range holderFiles(t, dir) {
		os.Remove(f)
	}
	_, err = graph.Open(dir, graph.Options{})
	le := lockedError(t, err)
	if len(le.Holders) != 1 || le.Holders[0].PID != os.Getpid() || !strings.Contains(le.Holders[0].Command, filepath.Base(os.Args[0])) {
		t.Errorf("holders %+v, want pid %d running %s", le.Holders, os.Getpid(), filepath.Base(os.Args[0]))
	}
}
