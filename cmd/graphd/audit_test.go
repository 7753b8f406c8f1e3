package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// auditDir holds the pinned npm package of the GraphQL-over-HTTP audit.
var auditDir = filepath.Join("..", "..", "schema", "testdata", "audit")

// The server audits of graphql-http, the reference implementation of
// GraphQL over HTTP, run by node against the real server: every MUST and
// every SHOULD passes, and so do the MAYs. The test installs the pinned
// package (npm ci) when it is missing, and skips only without node.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: the GraphQL-over-HTTP audit needs Node.js and npm")
	}
	if _, err := os.Stat(filepath.Join(auditDir, "node_modules", "graphql-http")); err != nil {
		npm := exec.CommandContext(t.Context(), "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		npm.Dir = auditDir
		if out, err := npm.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", auditDir, err, out)
		}
	}
	s := startServer(t, t.TempDir())
	cmd := exec.CommandContext(t.Context(), node, "audit.mjs", s.url)
	cmd.Dir = auditDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node audit.mjs: %v\n%s", err, stderr.String())
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r struct{ ID, Name, Status, Reason string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		n++
		switch r.Status {
		case "ok":
		case "error", "warn", "notice":
			// error: a MUST failed; warn: a SHOULD; notice: a MAY.
			t.Errorf("%s %s: %s: %s", r.ID, r.Name, r.Status, r.Reason)
		default:
			t.Errorf("%s %s: status %q", r.ID, r.Name, r.Status)
		}
	}
	if n < 50 {
		t.Errorf("only %d audits ran:\n%s", n, out)
	}
	t.Logf("%d audits ran", n)
	s.stop(t)
}
