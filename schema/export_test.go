package schema

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestExportHTTP(t *testing.T) {
	s := newSchema(t)
	get := func(query string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/export?"+query, nil))
		return w
	}
	// GraphML of Lavrov's quotations: Sergei's two and Pavel's one.
	w := get("format=graphml&speaker=Lavrov")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/graphml+xml; charset=utf-8" ||
		!strings.Contains(w.Header().Get("Content-Disposition"), `filename="graphd-export.graphml"`) {
		t.Fatalf("status %d, headers %v", w.Code, w.Header())
	}
	var doc struct {
		Nodes []struct {
			Data []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"graph>node"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, n := range doc.Nodes {
		for _, d := range n.Data {
			if d.Key == "type" {
				types[d.Value]++
			}
		}
	}
	if types["Quote"] != 3 || types["Speaker"] != 2 {
		t.Errorf("nodes %v, want 3 quotes by 2 speakers", types)
	}
	// jsonl, newest first, the whole graph by default.
	w = get("order=newest&kind=partial")
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if w.Code != http.StatusOK || len(lines) != 2 || !strings.Contains(lines[0], "prices have never been lower") {
		t.Errorf("jsonl: status %d:\n%s", w.Code, w.Body)
	}
	// CSV is a zip of its files.
	w = get("format=csv")
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "quotes.csv" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			if n := strings.Count(string(b), "\n"); n != 7 {
				t.Errorf("quotes.csv has %d lines, want a header and 6", n)
			}
		}
	}
	if len(names) != 7 {
		t.Errorf("zip holds %v", names)
	}
	// A name nobody has: an empty export.
	if w = get("format=nquads&speaker=Nobody+Atall"); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("nobody: status %d, %d bytes", w.Code, w.Body.Len())
	}
	for _, q := range []string{"format=xls", "from=yesterday", "kind=sung", "order=random", "minConfidence=x"} {
		if w = get(q); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", q, w.Code)
		}
	}
}
