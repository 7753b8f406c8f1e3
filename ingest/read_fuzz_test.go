package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// seed adds the fixtures matching pattern to the fuzz corpus.
func seed(f *testing.F, pattern string) {
	f.Helper()
	names, err := filepath.Glob(filepath.Join(readdata, pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkRead fails unless each article has non-blank valid UTF-8 text and
// each error is a *ReadError.
func checkRead(t *testing.T, a Article, err error) {
	t.Helper()
	if err != nil {
		if _, ok := errors.AsType[*ReadError](err); !ok {
			t.Fatalf("error %v (%T) is not a *ReadError", err, err)
		}
		return
	}
	if len(bytes.TrimSpace([]byte(a.Text))) == 0 {
		t.Fatalf("article with blank text %q", a.Text)
	}
	for _, s := range []string{a.Text, a.Title, a.URL, a.Outlet, a.ID} {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in article: %q", s)
		}
	}
}

func FuzzReadText(f *testing.F) {
	seed(f, "*.txt")
	f.Add([]byte(" date 2025-02-17 Headline\r\nText"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := readText("fuzz.txt", data)
		checkRead(t, a, err)
		if err == nil && len(data) > 0 && !bytes.HasPrefix(data, utf8BOM) && utf8.Valid(data) && a.Text != string(data) {
			t.Fatalf("Text %q is not the input %q", a.Text, data)
		}
	})
}

func FuzzReadJSONL(f *testing.F) {
	seed(f, "*.jsonl")
	seed(f, "*.json")
	f.Add([]byte(`{"id": 1e3, "source": {"name": 7}, "text": "\u0000"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := readJSONL(t.Context(), "fuzz.jsonl", bytes.NewReader(data), func(a Article, err error) error {
			checkRead(t, a, err)
			return nil
		})
		checkRead(t, Article{Text: "x"}, err)
		err = readJSON("fuzz.json", data, func(a Article, err error) error {
			checkRead(t, a, err)
			return nil
		})
		checkRead(t, Article{Text: "x"}, err)
	})
}

func FuzzReadHTML(f *testing.F) {
	seed(f, "*.html")
	f.Add([]byte("<article><p>a<br>b</p><time datetime=x></article>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := readHTML("fuzz.html", data)
		checkRead(t, a, err)
	})
}
