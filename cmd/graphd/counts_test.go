package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// storeLine finds the line "store: …" in out and returns what follows.
func storeLine(t *testing.T, what, out string) string {
	t.Helper()
	for line := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "store: "); ok {
			return rest
		}
	}
	t.Fatalf("%s printed no store line:\n%s", what, out)
	return ""
}

// startDemo runs `graphd demo` in dir with args and returns the server
// and what demo printed before it served.
func startDemo(t *testing.T, dir string, args ...string) (*server, string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"demo", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	var printed strings.Builder
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, out)
			return &server{cmd: cmd, url: m[1]}, printed.String()
		}
		printed.WriteString(sc.Text() + "\n")
	}
	t.Fatalf("demo exited before serving; it printed:\n%s", printed.String())
	return nil, ""
}

// countsOf asks a server for its counts and says them as the commands do.
func countsOf(t *testing.T, s *server) string {
	t.Helper()
	var r struct {
		Counts struct{ Articles, Statements, Printings, People, Names, Venues, Outlets int }
		Stats  struct{ Total int }
	}
	s.query(t, `{ counts { articles statements printings people names venues outlets } stats { total } }`, &r)
	c := r.Counts
	if r.Stats.Total != c.Statements {
		t.Errorf("the dashboard's all-time total is %d, counts say %d statements", r.Stats.Total, c.Statements)
	}
	word := func(n int, one, many string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, one)
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	return fmt.Sprintf("%s, %s (%s), %s (%s), %s, %s", word(c.Articles, "article", "articles"),
		word(c.Statements, "statement", "statements"), word(c.Printings, "printing", "printings"),
		word(c.People, "person", "people"), word(c.Names, "name", "names"),
		word(c.Venues, "venue", "venues"), word(c.Outlets, "outlet", "outlets"))
}

var countsLine = regexp.MustCompile(`^\d+ articles?, (\d+) statements? \((\d+) printings?\), (\d+) (?:person|people) \((\d+) names?\), \d+ venues?, \d+ outlets?$`)

// TestCountsAgree: ingest, check, demo, import and the GraphQL counts
// that the dashboard shows say the same numbers in the same words, on
// the sample articles.
func TestCountsAgree(t *testing.T) {
	db := t.TempDir()
	out, errOut, code := runBinary(t, "ingest", "--db", db, seeds)
	if code != 0 {
		t.Fatalf("ingest: status %d\n%s%s", code, out, errOut)
	}
	ingested := storeLine(t, "ingest", out)
	m := countsLine.FindStringSubmatch(ingested)
	if m == nil {
		t.Fatalf("ingest's store line %q is not in the words of the README", ingested)
	}
	// What the ingest added to an empty store is what the store holds.
	added := fmt.Sprintf("+%s statements (+%s printings), +%s people (+%s names)", m[1], m[2], m[3], m[4])
	if !strings.Contains(out, added) {
		t.Errorf("ingest into an empty store did not say it added %q:\n%s", added, out)
	}
	if m[1] == m[2] || m[3] == m[4] {
		t.Errorf("the samples reprint statements and merge names: %q should tell them apart", ingested)
	}
	if got := counts(t, db); got != "ok: "+ingested {
		t.Errorf("check says %q, ingest said %q", got, ingested)
	}

	// demo stores the same articles in a store of its own, and says so.
	dir := t.TempDir()
	s, printed := startDemo(t, dir)
	if !strings.Contains(printed, "stored the 2 sample articles") {
		t.Errorf("demo on a new store printed:\n%s", printed)
	}
	if got := storeLine(t, "demo", printed); got != ingested {
		t.Errorf("demo says %q, ingest said %q", got, ingested)
	}
	if got := countsOf(t, s); got != ingested {
		t.Errorf("GraphQL counts say %q, ingest said %q", got, ingested)
	}
	s.stop(t)
	if _, err := os.Stat(filepath.Join(dir, "graphd-demo")); err != nil {
		t.Errorf("demo did not make its store ./graphd-demo: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "graphd-data")); err == nil {
		t.Errorf("demo wrote into serve's store ./graphd-data")
	}

	// Again on the same store: nothing is stored twice.
	s, printed = startDemo(t, dir)
	if !strings.Contains(printed, "samples already stored") || strings.Contains(printed, "stored the") {
		t.Errorf("demo on a store with the samples printed:\n%s", printed)
	}
	if got := storeLine(t, "demo again", printed); got != ingested {
		t.Errorf("demo again says %q, ingest said %q", got, ingested)
	}
	s.stop(t)

	// Exported and imported, the store says the same.
	file := filepath.Join(t.TempDir(), "graph.jsonl")
	if _, e, code := runBinary(t, "export", "--db", db, "--format", "jsonl", "--out", file); code != 0 {
		t.Fatalf("export: %d %s", code, e)
	}
	imported := t.TempDir()
	out, errOut, code = runBinary(t, "import", "--db", imported, file)
	if code != 0 {
		t.Fatalf("import: status %d\n%s%s", code, out, errOut)
	}
	if got := storeLine(t, "import", out); got != ingested {
		t.Errorf("import says %q, ingest said %q", got, ingested)
	}
	s = startServer(t, imported)
	if got := countsOf(t, s); got != ingested {
		t.Errorf("GraphQL counts of the imported store say %q, ingest said %q", got, ingested)
	}
	s.stop(t)
}
