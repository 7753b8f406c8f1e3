package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
)

// trainTexts is the PolNeAR train texts when ../shared holds them, else
// the seed articles.
func trainTexts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GRAPHD_POLNEAR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "polnear")
	}
	texts := filepath.Join(dir, "train", "text")
	if files, _ := filepath.Glob(filepath.Join(texts, "*.txt")); len(files) > 0 {
		return texts
	}
	t.Logf("no PolNeAR train texts at %s (set GRAPHD_POLNEAR): the seeds instead", texts)
	return seeds
}

// runKilled runs graphd with GRAPHD_TEST_KILL_AT=step and wants it
// killed there.
func runKilled(t *testing.T, step string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, args...)
	cmd.Env = append(os.Environ(), killAtEnv+"="+step)
	var e bytes.Buffer
	cmd.Stderr = &e
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("graphd %v with %s=%s: %v, want killed\n%s", args, killAtEnv, step, err, e.String())
	}
}

// leftovers lists what a build left beside the store at db.
func leftovers(t *testing.T, db string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(filepath.Dir(db), "."+filepath.Base(db)+".graphd-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checked runs graphd check on db and wants it to pass.
func checked(t *testing.T, db, when string) string {
	t.Helper()
	out, e, code := runBinary(t, "check", "--db", db)
	if code != 0 {
		t.Fatalf("check %s: status %d\n%s%s", when, code, out, e)
	}
	return out
}

// A bulk load gives the same graph, byte for byte in graphd export (ids
// mapped, times of writing left out), as a live ingest of the same files
// in the same order.
func TestBulkSameAsLive(t *testing.T) {
	texts := trainTexts(t)
	live := t.TempDir()
	ingestDir(t, live, texts)
	want := exportGraph(t, live)

	bulk := filepath.Join(t.TempDir(), "new", "store") // not there yet
	out, e, code := runBinary(t, "ingest", "--bulk", "--db", bulk, texts)
	if code != 0 {
		t.Fatalf("ingest --bulk: status %d\n%s%s", code, out, e)
	}
	t.Logf("ingest --bulk: %s", strings.TrimSpace(out))
	checked(t, bulk, "after the bulk load")
	if diff := cmp.Diff(want, exportGraph(t, bulk)); diff != "" {
		t.Errorf("bulk load differs from live ingest (-live +bulk):\n%s", diff)
	}
	if l := leftovers(t, bulk); len(l) > 0 {
		t.Errorf("left beside the store: %v", l)
	}

	// A store that holds anything is refused, and left as it was.
	out, e, code = runBinary(t, "ingest", "--bulk", "--db", live, seeds)
	if code == 0 || !strings.Contains(e, "is not empty") {
		t.Errorf("ingest --bulk into a store that holds articles: status %d\n%s%s", code, out, e)
	}
	if diff := cmp.Diff(want, exportGraph(t, live)); diff != "" {
		t.Errorf("the store refused changed (-before +after):\n%s", diff)
	}
	// So is a directory of other files.
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, e, code := runBinary(t, "ingest", "--bulk", "--db", other, seeds); code == 0 || !strings.Contains(e, "holds files but no store") {
		t.Errorf("ingest --bulk into a directory of other files: status %d\n%s", code, e)
	}
	if b, err := os.ReadFile(filepath.Join(other, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("the directory refused lost its file: %q %v", b, err)
	}
}

// A bulk load killed at each of its steps leaves the target as it was
// (an empty store that opens and passes check, or none); the same bulk
// load run again finishes the job, with the graph of a live ingest.
func TestBulkKilled(t *testing.T) {
	dir := writeNews(t, 60)
	live := t.TempDir()
	ingestDir(t, live, dir)
	want := exportGraph(t, live)
	for _, step := range []string{graph.StepStaged, graph.StepMerged, graph.StepStreamed} {
		t.Run(step, func(t *testing.T) {
			db := t.TempDir()
			runKilled(t, step, "ingest", "--bulk", "--db", db, dir)
			left := leftovers(t, db)
			if len(left) == 0 {
				t.Errorf("killed at %s: nothing beside the store, so nothing was cut short", step)
			}
			// The staging store left beside it is no valid store: it
			// carries the loading mark.
			for _, l := range left {
				if !strings.HasSuffix(l, ".graphd-staging") {
					continue
				}
				if out, e, code := runBinary(t, "check", "--db", l); code == 0 || !strings.Contains(e, "did not finish") {
					t.Errorf("check of %s, left by a bulk load killed at %s: status %d\n%s%s", l, step, code, out, e)
				}
			}
			if got := checked(t, db, "after the kill"); !strings.HasPrefix(got, "ok: 0 articles") {
				t.Errorf("killed at %s, the target holds: %s", step, got)
			}
			if _, e, code := runBinary(t, "ingest", "--bulk", "--db", db, dir); code != 0 {
				t.Fatalf("bulk load run again: status %d\n%s", code, e)
			}
			checked(t, db, "after the bulk load run again")
			if diff := cmp.Diff(want, exportGraph(t, db)); diff != "" {
				t.Errorf("bulk load run again differs from live ingest (-live +bulk):\n%s", diff)
			}
			if l := leftovers(t, db); len(l) > 0 {
				t.Errorf("left beside the store: %v", l)
			}
		})
	}
}

// A reindex killed at each of its steps, the exchange of the old store
// and the new included, leaves a store that opens, passes check and
// exports as before the reindex; running reindex again finishes the job.
// The new store's graph is the old one's, ids mapped.
func TestReindexKilled(t *testing.T) {
	dir := writeNews(t, 60)
	db := filepath.Join(t.TempDir(), "store")
	ingestDir(t, db, dir)
	want := exportGraph(t, db)
	wantCheck := checked(t, db, "before")
	for _, step := range []string{graph.StepCopied, graph.StepStaged, graph.StepMerged, graph.StepStreamed, graph.StepSwapped} {
		t.Run(step, func(t *testing.T) {
			runKilled(t, step, "reindex", "--db", db)
			if len(leftovers(t, db)) == 0 {
				t.Errorf("killed at %s: nothing beside the store, so nothing was cut short", step)
			}
			if got := checked(t, db, "after the kill"); got != wantCheck {
				t.Errorf("check after the kill: %s, want %s", got, wantCheck)
			}
			if diff := cmp.Diff(want, exportGraph(t, db)); diff != "" {
				t.Errorf("export after a reindex killed at %s (-before +after):\n%s", step, diff)
			}
		})
	}
	// SIGTERM once the articles are copied, while the new graph is built:
	// the staging store is removed and the store left as it was.
	t.Run("SIGTERM", func(t *testing.T) {
		cmd := exec.Command(binary, "reindex", "--db", db, "--log-level", "debug")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		var said strings.Builder
		for sc.Scan() {
			said.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "step="+graph.StepCopied) {
				if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		for sc.Scan() {
			said.WriteString(sc.Text() + "\n")
		}
		err = cmd.Wait()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(said.String(), "interrupted; "+db+" is as it was") {
			t.Fatalf("reindex stopped by SIGTERM: %v\n%s", err, said.String())
		}
		if l := leftovers(t, db); len(l) > 0 {
			t.Errorf("an interrupted reindex left %v", l)
		}
		if diff := cmp.Diff(want, exportGraph(t, db)); diff != "" {
			t.Errorf("export after an interrupted reindex (-before +after):\n%s", diff)
		}
	})

	out, e, code := runBinary(t, "reindex", "--db", db)
	if code != 0 || !strings.Contains(out, "reindexed 60 articles") {
		t.Fatalf("reindex run again: status %d\n%s%s", code, out, e)
	}
	if got := checked(t, db, "after the reindex"); got != wantCheck {
		t.Errorf("check after the reindex: %s, want %s", got, wantCheck)
	}
	if diff := cmp.Diff(want, exportGraph(t, db)); diff != "" {
		t.Errorf("export after the reindex (-before +after):\n%s", diff)
	}
	if l := leftovers(t, db); len(l) > 0 {
		t.Errorf("left beside the store: %v", l)
	}
}
