package main

import (
	"os/exec"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "4GiB": 4 << 30, "1TiB": 1 << 40, "1000": 1000, "64 KiB": 64 << 10, "7B": 7} {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "4GB", "-1MiB", "99999999999TiB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

// TestGCFlags runs the binary with collector settings it must refuse,
// and with ones it takes.
func TestGCFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ingest", "--db", dir, "--memory-limit", "lots", "x.txt"}, `--memory-limit "lots": not a size`},
		{[]string{"ingest", "--db", dir, "--gc-percent", "-5", "x.txt"}, "--gc-percent -5: not a percent"},
		{[]string{"reindex", "--db", dir, "--memory-limit", "0"}, `--memory-limit "0": not a size`},
		{[]string{"worker", "--nats", "nats://127.0.0.1:1", "--memory-limit", "lots"}, `--memory-limit "lots": not a size`},
		{[]string{"worker", "--nats", "nats://127.0.0.1:1", "--gc-percent", "-1"}, "--gc-percent -1: not a percent"},
	} {
		out, err := exec.Command(binary, c.args...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.want) {
			t.Errorf("graphd %s: %v\n%s\nwant an error saying %q", strings.Join(c.args, " "), err, out, c.want)
		}
	}
	out, _ := exec.Command(binary, "ingest", "--db", dir, "--gc-percent", "200", "--memory-limit", "1GiB", "testdata/missing-dir").CombinedOutput()
	if strings.Contains(string(out), "gc-percent") || strings.Contains(string(out), "memory-limit") {
		t.Errorf("graphd ingest with valid collector settings complained about them:\n%s", out)
	}
	// With no --nats the worker stops after taking the settings.
	out, _ = exec.Command(binary, "worker", "--gc-percent", "200", "--memory-limit", "1GiB").CombinedOutput()
	if !strings.Contains(string(out), "no --nats URL given") {
		t.Errorf("graphd worker with valid collector settings and no --nats:\n%s\nwant it to stop for want of --nats", out)
	}
}
