package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// hostileQueries are documents that crashed graphd (a stack overflow in
// graphql-go's validation) or held a core for minutes, at the sizes
// measured then. Compact, so that each fits a URL.
func hostileQueries() []struct{ name, query string } {
	nested := func(open, close string, size int) string {
		n := size / (len(open) + len(close))
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	var aliases, ops strings.Builder
	aliases.WriteString("{")
	for i := range 1000 {
		fmt.Fprintf(&aliases, "a%d:__typename ", i)
	}
	aliases.WriteString("}")
	for i := range 20_000 {
		fmt.Fprintf(&ops, "query Q%d{__typename}", i)
	}
	return []struct{ name, query string }{
		{"self-spreading fragment", `{__typename ...A} fragment A on Query {...A}`},
		{"mutually spreading fragments", `{__typename ...A} fragment A on Query {...B} fragment B on Query {...C} fragment C on Query {...A}`},
		{"nested selections 100 KB", "{" + nested("quotes{edges{node{speaker{", "}}}}", 100_000) + "}"},
		{"nested lists 100 KB", "{quotes(kind:" + nested("[", "]", 100_000) + "){totalCount}}"},
		{"nested objects 100 KB", "{quotes(search:" + nested("{a:", "}", 100_000) + "){totalCount}}"},
		{"ofType chain 80 KB", "{__schema{types{" + nested("ofType{", "}", 80_000) + "name}}}"},
		{"1,000 aliases", aliases.String()},
		{"20,000 operations", ops.String()},
		{"nested object literal 40 KB", "{quotes(search:" + nested("{a:", "}", 40_000) + "){totalCount}}"},
		{"list literal 40 KB", "{quotes(kind:[" + strings.Repeat(`"a",`, 10_000) + "]){totalCount}}"},
	}
}

// procStat is what /proc says of a process: CPU time (user and system,
// in clock ticks of 1/100 s, Linux's USER_HZ) and resident memory.
type procStat struct {
	ticks    int64
	rss, hwm int64 // bytes
}

func readProc(t *testing.T, pid int) procStat {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("server process: %v", err)
	}
	// Fields after the command name, which ends with the last ")".
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	st := procStat{ticks: utime + stime}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			st.rss = kb << 10
		case "VmHWM":
			st.hwm = kb << 10
		}
	}
	return st
}

// The hostile documents, over GET, POST, /events and a WebSocket, against
// the real server: each gets a clear error (a GraphQL error with a code)
// within one second of the server's CPU, the server answers a normal
// query after each, and its resident memory stays within 50 MB of where
// it started: VmRSS as the kernel counts it right after each request,
// nothing forced back from the Go runtime first (so it includes the
// garbage a request left until the collector takes it), against the RSS
// after a client's first requests (the playground's introspection query,
// a page of quotes). GRAPHD_HOSTILE_BINARY runs the test against another
// build (an older graphd, to see it fail).
func TestHostileRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	bin := binary
	if b := os.Getenv("GRAPHD_HOSTILE_BINARY"); b != "" {
		bin = b
	}
	db := t.TempDir()
	if _, e, code := runBinary(t, "ingest", "--db", db, seeds); code != 0 {
		t.Fatalf("ingest: %d %s", code, e)
	}
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	sc := bufio.NewScanner(out)
	var gql string
	for sc.Scan() {
		if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
			gql = m[1]
			break
		}
	}
	if gql == "" {
		t.Fatalf("graphd serve did not start: %s", stderr.String())
	}
	go io.Copy(io.Discard, out)
	go func() { exited <- cmd.Wait() }()
	base := strings.TrimSuffix(gql, "/graphql")
	pid := cmd.Process.Pid
	client := &http.Client{Timeout: 20 * time.Second}

	alive := func(after string) {
		t.Helper()
		select {
		case err := <-exited:
			exited <- err
			tail := stderr.String()
			if len(tail) > 2000 {
				tail = tail[:2000]
			}
			t.Fatalf("the server died after %s: %v\n%s", after, err, tail)
		default:
		}
		body := `{"query":"{ counts { articles } }"}`
		resp, err := client.Post(gql, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatalf("after %s, a normal query: %v", after, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"articles":2`) {
			t.Fatalf("after %s, a normal query: %d %s", after, resp.StatusCode, b)
		}
	}
	// clear checks that a body is a GraphQL error with a code.
	clear := func(what string, body []byte) {
		t.Helper()
		var r struct {
			Data   json.RawMessage
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal(body, &r); err != nil || len(r.Errors) == 0 || r.Errors[0].Message == "" || r.Errors[0].Extensions.Code == "" || len(r.Data) > 0 && string(r.Data) != "null" {
			t.Errorf("%s: not a GraphQL error with a code: %.300s", what, body)
			return
		}
		t.Logf("%s: %s: %.120s", what, r.Errors[0].Extensions.Code, r.Errors[0].Message)
	}
	transports := []struct {
		name string
		send func(q string) []byte
	}{
		{"GET", func(q string) []byte {
			resp, err := client.Get(gql + "?" + url.Values{"query": {q}}.Encode())
			if err != nil {
				return []byte(err.Error())
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return b
		}},
		{"POST", func(q string) []byte {
			body, _ := json.Marshal(map[string]string{"query": q})
			resp, err := client.Post(gql, "application/json", bytes.NewReader(body))
			if err != nil {
				return []byte(err.Error())
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return b
		}},
		{"events", func(q string) []byte {
			resp, err := client.Get(base + "/events?" + url.Values{"query": {q}}.Encode())
			if err != nil {
				return []byte(err.Error())
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			return b
		}},
		{"websocket", func(q string) []byte {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(gql, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
			if err != nil {
				return []byte(err.Error())
			}
			defer c.CloseNow()
			c.SetReadLimit(4 << 20)
			for _, m := range []any{
				map[string]any{"type": "connection_init"},
				map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": q}},
			} {
				b, _ := json.Marshal(m)
				if err := c.Write(ctx, websocket.MessageText, b); err != nil {
					return []byte(err.Error())
				}
			}
			for {
				_, b, err := c.Read(ctx)
				if err != nil {
					return []byte(err.Error())
				}
				var m struct {
					Type    string
					Payload json.RawMessage
				}
				json.Unmarshal(b, &m)
				switch m.Type {
				case "error":
					c.Close(websocket.StatusNormalClosure, "")
					return []byte(`{"errors":` + string(m.Payload) + `}`)
				case "next":
					return m.Payload
				}
			}
		}},
	}

	// The baseline is the server after what a client does first: GraphiQL
	// loads the schema with its introspection query, and a page of
	// quotes follows.
	alive("start")
	t.Logf("server started: %.1f MB resident", float64(readProc(t, pid).rss)/(1<<20))
	introspection, err := os.ReadFile("../../schema/testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{string(introspection), `{ quotes(first: 100) { edges { node { text speaker { name } article { title } } } } }`} {
		body, _ := json.Marshal(map[string]string{"query": q})
		resp, err := client.Post(gql, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || bytes.Contains(b, []byte(`"errors"`)) {
			t.Fatalf("warm-up: %d %.300s", resp.StatusCode, b)
		}
	}
	start := readProc(t, pid)
	t.Logf("server after the warm-up: %.1f MB resident", float64(start.rss)/(1<<20))
	for _, h := range hostileQueries() {
		for _, tr := range transports {
			what := tr.name + " " + h.name
			before := readProc(t, pid)
			body := tr.send(h.query)
			after := readProc(t, pid)
			clear(what, body)
			t.Logf("%s: %.1f MB resident", what, float64(after.rss)/(1<<20))
			if cpu := time.Duration(after.ticks-before.ticks) * 10 * time.Millisecond; cpu > time.Second {
				t.Errorf("%s: %v of server CPU", what, cpu)
			}
			alive(what)
			if grown := after.rss - start.rss; grown > 50<<20 {
				t.Errorf("%s: resident memory %.1f MB, %.1f MB more than at the start", what, float64(after.rss)/(1<<20), float64(grown)/(1<<20))
			}
		}
	}
	end := readProc(t, pid)
	t.Logf("server at the end: %.1f MB resident (%+.1f MB), at most %.1f MB; %.2f s of CPU in all",
		float64(end.rss)/(1<<20), float64(end.rss-start.rss)/(1<<20), float64(end.hwm)/(1<<20), float64(end.ticks)/100)
}
