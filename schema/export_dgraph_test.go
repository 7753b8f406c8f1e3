package schema

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/graphd/graphd/export"
)

// A Dgraph export over HTTP is a zip of the two files graphd export
// writes into a directory: the schema, then the N-Quads.
func TestExportDgraphHTTP(t *testing.T) {
	s := newSchema(t)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/export?format=dgraph&speaker=Lavrov", nil))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/zip" ||
		!strings.Contains(w.Header().Get("Content-Disposition"), `filename="graphd-export.zip"`) {
		t.Fatalf("status %d, headers %v", w.Code, w.Header())
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		switch f.Name {
		case "graphd.schema":
			if string(b) != export.DgraphSchema {
				t.Errorf("graphd.schema is not the schema")
			}
		case "graphd.rdf":
			// Sergei Lavrov's two quotations and Pavel Lavrov's one.
			if n := strings.Count(string(b), `<dgraph.type> "Quote" .`); n != 3 {
				t.Errorf("graphd.rdf has %d quotes, want 3", n)
			}
		}
	}
	if strings.Join(names, " ") != strings.Join(export.DgraphFiles, " ") {
		t.Errorf("zip holds %v", names)
	}
}
