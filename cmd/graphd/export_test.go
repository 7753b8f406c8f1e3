package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// graphd export then graphd import into a new store gives the same
// graph: the check passes with the same counts (printings and speakers
// merged included), and a second export is the same, byte for byte.
func TestExportImport(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if _, e, code := runBinary(t, "ingest", "--db", a, seeds); code != 0 {
		t.Fatalf("ingest: %d %s", code, e)
	}
	first := filepath.Join(dir, "first.jsonl")
	if _, e, code := runBinary(t, "export", "--db", a, "--format", "jsonl", "--out", first); code != 0 || !strings.Contains(e, "exported") {
		t.Fatalf("export: %d %s", code, e)
	}
	out, e, code := runBinary(t, "import", "--db", b, first)
	if code != 0 || !strings.HasPrefix(out, "imported ") {
		t.Fatalf("import: %d %s %s", code, out, e)
	}
	if counts(t, a) != counts(t, b) {
		t.Errorf("check after import: %q, before: %q", counts(t, b), counts(t, a))
	}
	again, _, code := runBinary(t, "export", "--db", b)
	want, _ := os.ReadFile(first)
	if code != 0 || again != string(want) {
		t.Errorf("the export of the imported store differs from the first (%d and %d bytes)", len(again), len(want))
	}
	// Into a store that is not empty: refused, nothing changed.
	if _, e, code := runBinary(t, "import", "--db", b, first); code != 1 || !strings.Contains(e, "not empty") {
		t.Errorf("second import: %d %s", code, e)
	}
	// A reindex rebuilds the same graph from the imported articles.
	if _, e, code := runBinary(t, "reindex", "--db", b); code != 0 {
		t.Errorf("reindex after import: %d %s", code, e)
	}
	if counts(t, a) != counts(t, b) {
		t.Errorf("check after import and reindex: %q, before: %q", counts(t, b), counts(t, a))
	}
	// CSV into a directory, GraphML of a filter to stdout.
	csvDir := filepath.Join(dir, "csv")
	if _, e, code := runBinary(t, "export", "--db", a, "--format", "csv", "--out", csvDir); code != 0 {
		t.Fatalf("csv: %d %s", code, e)
	}
	for _, name := range []string{"quotes.csv", "speakers.csv", "printings.csv", "relationships.csv"} {
		if fi, err := os.Stat(filepath.Join(csvDir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	gml, e, code := runBinary(t, "export", "--db", a, "--format", "graphml", "--speaker", "Lavrov")
	if code != 0 || xml.Unmarshal([]byte(gml), new(struct{})) != nil || !strings.Contains(gml, "Lavrov") {
		t.Errorf("graphml: %d %s", code, e)
	}
	if _, e, code := runBinary(t, "export", "--db", a, "--format", "xls"); code != 2 || !strings.Contains(e, "unknown export format") {
		t.Errorf("--format xls: %d %s", code, e)
	}
	// The seeds' stances, and their speech, apart: every quotation of the
	// whole export is in one of them, by the cue of its first printing
	// (a later printing may report it with a cue of the other kind).
	quotations := func(jsonl string) int { return strings.Count(jsonl, `{"quoteID":`) }
	firstKinds := func(jsonl string) map[string]int {
		kinds := map[string]int{}
		for _, line := range strings.Split(jsonl, "\n") {
			var q struct {
				QuoteID     string `json:"quoteID"`
				Occurrences []struct {
					CueKind string `json:"cueKind"`
				} `json:"occurrences"`
			}
			if json.Unmarshal([]byte(line), &q) != nil || q.QuoteID == "" || len(q.Occurrences) == 0 {
				continue
			}
			kinds[cmp.Or(q.Occurrences[0].CueKind, "speech")]++
		}
		return kinds
	}
	stance, e, code := runBinary(t, "export", "--db", a, "--cue-kind", "stance")
	speech, _, _ := runBinary(t, "export", "--db", a, "--cue-kind", "speech")
	if n := quotations(stance); code != 0 || n == 0 || firstKinds(stance)["stance"] != n || firstKinds(speech)["speech"] != quotations(speech) ||
		n+quotations(speech) != quotations(string(want)) {
		t.Errorf("--cue-kind stance: %d %s: %d quotations of stance and %d of speech of %d", code, e, n, quotations(speech), quotations(string(want)))
	}
	if _, e, code := runBinary(t, "export", "--db", a, "--cue-kind", "shout"); code == 0 || !strings.Contains(e, "cueKind") {
		t.Errorf("--cue-kind shout: %d %s", code, e)
	}
}

// An import of a file with a bad line names the file and the line, and
// leaves the store empty: the next import of a good file succeeds.
func TestImportBadFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if _, e, code := runBinary(t, "ingest", "--db", a, seeds); code != 0 {
		t.Fatalf("ingest: %d %s", code, e)
	}
	good := filepath.Join(dir, "good.jsonl")
	if _, e, code := runBinary(t, "export", "--db", a, "--out", good); code != 0 {
		t.Fatalf("export: %d %s", code, e)
	}
	data, _ := os.ReadFile(good)
	lines := strings.SplitAfter(string(data), "\n")
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(lines[0]+lines[1]+`{"quoteID": "not an id"}`+"\n"+strings.Join(lines[2:], "")), 0o644)
	if _, e, code := runBinary(t, "import", "--db", b, bad); code != 1 || !strings.Contains(e, "import "+bad+": line 3: cannot import") {
		t.Errorf("import of a bad file: %d %s", code, e)
	}
	if out, e, code := runBinary(t, "import", "--db", b, good); code != 0 || !strings.HasPrefix(out, "imported ") {
		t.Errorf("import after a failed one: %d %s %s", code, out, e)
	}
}

// The served binary's live feed: a WebSocket subscription receives the
// quotation of an article ingested through the mutation, and /export
// serves an export.
func TestServeLiveFeed(t *testing.T) {
	db := t.TempDir()
	if _, e, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
		t.Fatalf("ingest: %d %s", code, e)
	}
	s := startServer(t, db)
	base := strings.TrimSuffix(s.url, "/graphql")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func(v any) {
		b, _ := json.Marshal(v)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	read := func() map[string]any {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		return m
	}
	send(map[string]any{"type": "connection_init"})
	if m := read(); m["type"] != "connection_ack" {
		t.Fatalf("%v", m)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { quoteAdded(speaker: "Silva") { text speaker { name } } }`}})
	// Messages are answered in order: after the pong the feed is live.
	send(map[string]any{"type": "ping"})
	if m := read(); m["type"] != "pong" {
		t.Fatalf("%v", m)
	}
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($t: String!) { ingestArticle(input: {url: "https://news.example/live", title: "Live", text: $t}) { quotes } }`,
		"variables": map[string]any{"t": "“We are ready,” Foreign Minister Ana Silva told reporters."},
	})
	resp := s.post(t, body)
	resp.Body.Close()
	m := read()
	payload, _ := json.Marshal(m["payload"])
	if m["type"] != "next" || !strings.Contains(string(payload), `"name":"Ana Silva"`) {
		t.Errorf("after the mutation: %v", m)
	}
	c.Close(websocket.StatusNormalClosure, "")

	// The export endpoint of the served store.
	resp, err = http.Get(base + "/export?format=nquads&speaker=Silva")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(b.String(), `"We are ready"`) {
		t.Errorf("/export: %d\n%s", resp.StatusCode, b.String())
	}

	// A live feed open as the server stops ends, and the server exits
	// cleanly (its shutdown would time out waiting for the feed, and exit
	// with 1, otherwise).
	resp, err = http.Get(base + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	if line, err := events.ReadString('\n'); err != nil || !strings.HasPrefix(line, ":") {
		t.Fatalf("/events: %q, %v", line, err)
	}
	s.stop(t)
	rest, _ := io.ReadAll(events)
	if !strings.Contains(string(rest), "event: shutdown") {
		t.Errorf("the feed ended without saying so: %q", rest)
	}
}
