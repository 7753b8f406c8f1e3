package export_test

import (
	"bytes"
	"testing"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
)

// Import reads files from elsewhere: whatever it is given, it must not
// panic, and a load it accepts must leave a consistent store.
func FuzzImport(f *testing.F) {
	full, _ := exportOf(f, fixture(f), export.JSONL, export.Options{})
	f.Add(full)
	for _, line := range bytes.Split(full, []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`{"quoteID":"01a1fdd3-c35b-7de6-a3b7-c2ee30e8dce5","occurrences":[{}]}`))
	f.Add([]byte(`{"article":{"id":"01a1fdd3-c35b-7de6-a3b7-c2ee30e8dce5","text":"x","hash":"zz"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := graph.Open("", graph.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := export.Import(t.Context(), s, bytes.NewReader(data)); err != nil {
			return
		}
		if err := s.Check(t.Context()); err != nil {
			t.Errorf("import accepted %q but left: %v", data, err)
		}
	})
}
