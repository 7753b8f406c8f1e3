package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeNews writes n short news articles into a new directory, one file
// each, from a fixed seed: statements from a small pool, reprinted exact,
// cut or with words swapped, said by people printed under several names
// (Hillary Clinton, Hillary Rodham Clinton, Clinton), with people who must
// stay apart (Donald Trump and Donald Tusk), at venues, on dates.
func writeNews(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(12, 2025))
	people := [][]string{
		{"Hillary Clinton", "Hillary Rodham Clinton", "Clinton", "Secretary of State Hillary Clinton"},
		{"Donald Trump", "Trump", "President Donald Trump"},
		{"Donald Tusk", "Tusk", "Prime Minister Donald Tusk"},
		{"Sergei Lavrov", "Sergey Lavrov", "Lavrov", "Foreign Minister Sergei Lavrov"},
		{"Ana Silva", "Anna Silva", "Minister Ana Silva"},
		{"Dmitry Peskov", "Peskov", "Kremlin spokesman Dmitry Peskov"},
		{"Marco Rubio", "Rubio", "Senator Marco Rubio"},
		{"Kaja Kallas", "Kallas"},
	}
	words := strings.Fields("the talks will go on until we reach a fair deal for our farmers and our workers " +
		"nobody wants another war in Europe this winter peace needs patience trust and real guarantees " +
		"we are ready to negotiate without conditions but not at any price the sanctions must stay " +
		"our economy grew faster than anyone expected and exports rose sharply this year")
	statements := make([][]string, 40)
	for i := range statements {
		s := make([]string, 6+r.IntN(10))
		for j := range s {
			s[j] = words[r.IntN(len(words))]
		}
		statements[i] = s
	}
	venues := []string{"", "", " on CNN", " in an interview with Reuters", " at a news conference in Brussels"}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "date 2025-%02d-%02d Article %d\n\n", 1+i/60%12, 1+i%28, i)
		for range 2 + r.IntN(4) {
			p := r.IntN(len(people))
			who := people[p][r.IntN(len(people[p]))]
			st := statements[(p*5+r.IntN(7))%len(statements)]
			words := append([]string(nil), st...)
			switch r.IntN(4) {
			case 1: // cut
				words = words[:max(4, len(words)-2)]
			case 2: // two words swapped
				k := r.IntN(len(words) - 1)
				words[k], words[k+1] = words[k+1], words[k]
			}
			text := strings.Join(words, " ")
			text = strings.ToUpper(text[:1]) + text[1:]
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, "“%s,” %s said%s.\n\n", text, who, venues[r.IntN(len(venues))])
			} else {
				fmt.Fprintf(&b, "%s told reporters%s: “%s.”\n\n", who, venues[r.IntN(len(venues))], text)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.txt", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var (
	uuidRE  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	stampRE = regexp.MustCompile(`"(ingested|created|at)":"[^"]*"`)
)

// exportGraph exports the whole store as jsonl with its ids mapped to
// their order of first appearance and the times of writing left out:
// what must not depend on when or by how many workers it was written.
func exportGraph(t *testing.T, db string) string {
	t.Helper()
	out, errOut, code := runBinary(t, "export", "--db", db, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("export: status %d\n%s", code, errOut)
	}
	ids := map[string]string{}
	out = uuidRE.ReplaceAllStringFunc(out, func(id string) string {
		if _, ok := ids[id]; !ok {
			ids[id] = fmt.Sprintf("id-%d", len(ids))
		}
		return ids[id]
	})
	return stampRE.ReplaceAllString(out, `"$1":"…"`)
}

func ingestDir(t *testing.T, db, dir string, args ...string) {
	t.Helper()
	_, errOut, code := runBinary(t, append(append([]string{"ingest", "--db", db}, args...), dir)...)
	if code != 0 {
		t.Fatalf("ingest %v: status %d\n%s", args, code, errOut)
	}
	if out, errOut, code := runBinary(t, "check", "--db", db); code != 0 {
		t.Fatalf("check after ingest %v: status %d\n%s%s", args, code, out, errOut)
	}
}

// TestSameGraph ingests the same files in the same order one article at a
// time with one worker, in batches with several workers, and with a
// SIGKILL half way and the same ingest run again: the exports are the
// same, byte for byte, ids mapped.
func TestSameGraph(t *testing.T) {
	const n = 300
	dir := writeNews(t, n)
	one := t.TempDir()
	ingestDir(t, one, dir, "--workers", "1", "--batch", "1")
	want := exportGraph(t, one)
	if q, p := strings.Count(want, `"quoteID"`), strings.Count(want, `"match":`); q < 50 || p < 2*q {
		t.Fatalf("the reference store holds %d statements in %d printings: the corpus is not what the test needs", q, p)
	}

	t.Run("workers", func(t *testing.T) {
		db := t.TempDir()
		ingestDir(t, db, dir, "--workers", "4", "--batch", "64")
		if diff := cmp.Diff(want, exportGraph(t, db)); diff != "" {
			t.Errorf("4 workers in batches of 64 differ from 1 worker one by one (-want +got):\n%s", diff)
		}
	})

	t.Run("killed and resumed", func(t *testing.T) {
		db := t.TempDir()
		cmd := exec.Command(binary, "ingest", "--db", db, "--workers", "2", "--batch", "8", "--log-level", "debug", dir)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Killed once 40 articles are reported stored: their batches have
		// committed, and later ones are being extracted and written.
		sc := bufio.NewScanner(stderr)
		stored := 0
		for stored < 40 && sc.Scan() {
			if strings.Contains(sc.Text(), "msg=stored") {
				stored++
			}
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if stored < 40 {
			t.Fatalf("graphd ended after storing %d articles", stored)
		}
		if got := articleCount(t, db); got >= n {
			t.Fatalf("killed after %d articles stored, the store holds all %d: the kill came too late to test anything", stored, got)
		} else {
			t.Logf("killed with %d of %d articles stored", got, n)
		}
		ingestDir(t, db, dir)
		if diff := cmp.Diff(want, exportGraph(t, db)); diff != "" {
			t.Errorf("killed and resumed differs from 1 worker one by one (-want +got):\n%s", diff)
		}
	})
}
