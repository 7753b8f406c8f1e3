package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExtractContent checks the extract line's content: the reported
// clause of a partial quotation, and nothing where it is the quotation.
func TestExtractContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.txt")
	text := "Vote today\n\nKim said the plan was “reckless” and would fail.\n\n“We will win,” Lee said.\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runBinary(t, "extract", path)
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	r := []rune(text)
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var x extractLine
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, c := range x.Content {
			parts = append(parts, string(r[c[0]:c[1]]))
		}
		got = append(got, x.Quote+" | "+strings.Join(parts, " / "))
	}
	want := []string{"reckless | the plan was “reckless” and would fail", "We will win | "}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("quote | content:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
