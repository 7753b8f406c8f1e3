package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const readdata = "testdata/read"

// problem is what a test checks of a read error: where and which sentinel.
type problem struct {
	Path string
	Line int
	Is   error
}

var sentinels = []error{ErrNoText, ErrTooLarge, ErrBinary, ErrEncoding, ErrMalformed, ErrUnsupported, fs.ErrNotExist}

// problems flattens err, possibly joined, into problems. It fails the test
// if an error is not a *ReadError, wraps no known sentinel, or does not
// name its path and line in its message.
func problems(t *testing.T, err error) []problem {
	t.Helper()
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var ps []problem
	for _, err := range errs {
		re, ok := errors.AsType[*ReadError](err)
		if !ok {
			t.Errorf("error %v (%T) is not a *ReadError", err, err)
			continue
		}
		p := problem{Path: re.Path, Line: re.Line}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				p.Is = s
				break
			}
		}
		if p.Is == nil {
			t.Errorf("error %q wraps no sentinel", err)
		}
		want := re.Path + ": "
		if re.Line > 0 {
			want = fmt.Sprintf("%s line %d: ", re.Path, re.Line)
		}
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %q does not start with %q", err, want)
		}
		ps = append(ps, p)
	}
	return ps
}

var cmpErrors = cmp.Comparer(func(a, b error) bool { return a == b })

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestReadFile(t *testing.T) {
	p := func(name string) string { return filepath.Join(readdata, name) }
	tests := []struct {
		file string
		want []Article
		errs []problem
	}{
		{
			file: "dated.txt",
			want: []Article{{
				Path:      p("dated.txt"),
				Title:     "Ministers agree to meet in Geneva on Tuesday",
				Published: date("2025-02-17T00:00:00Z"),
				Text:      " date 2025-02-17 Ministers agree to meet in Geneva on Tuesday\n\nForeign ministers from both countries will meet in Geneva on Tuesday, officials said.\n\n\"We are ready to talk,\" the spokeswoman told reporters on Monday.\n",
			}},
		},
		{
			file: "plain.txt",
			want: []Article{{
				Path:  p("plain.txt"),
				Title: "Council approves budget after long debate",
				Text:  "Council approves budget after long debate\n\nThe city council approved the budget late on Thursday.\n\n\"It was not easy,\" Mayor Ana Ruiz said after the vote.\n",
			}},
		},
		{
			file: "crlf.txt", // byte order mark dropped, CRLF kept
			want: []Article{{
				Path:  p("crlf.txt"),
				Title: "Harbour reopens after storm",
				Text:  "Harbour reopens after storm\r\n\r\n\"The port is open again,\" the harbour master said.\r\n",
			}},
		},
		{file: "blank.txt", errs: []problem{{p("blank.txt"), 0, ErrNoText}}},
		{file: "binary.txt", errs: []problem{{p("binary.txt"), 0, ErrBinary}}},
		{file: "latin1.txt", errs: []problem{{p("latin1.txt"), 0, ErrEncoding}}},
		{file: "notes.md", errs: []problem{{p("notes.md"), 0, ErrUnsupported}}},
		{file: "missing.txt", errs: []problem{{p("missing.txt"), 0, fs.ErrNotExist}}},
		{
			file: "object.json",
			want: []Article{{
				Path:      p("object.json"),
				ID:        "4711",
				URL:       "https://example.com/news/rail-strike",
				Title:     "Rail strike called off",
				Outlet:    "Example News",
				Published: date("2024-05-03T08:30:00+02:00"),
				Text:      "The rail strike planned for Monday has been called off, the union said.",
			}},
		},
		{
			file: "array.json",
			want: []Article{
				{
					Path:      p("array.json"),
					ID:        "a1",
					Title:     "Bridge to close for repairs",
					Outlet:    "Daily Example",
					Published: date("2023-11-20T00:00:00Z"),
					Text:      "The old bridge will close for six weeks, the council said.",
				},
				{
					Path:      p("array.json"),
					ID:        "a4",
					Title:     "Ferry service resumes",
					Published: date("2006-01-02T15:04:05-07:00"),
					Text:      "Ferries run again.",
				},
			},
			errs: []problem{
				{p("array.json"), 9, ErrNoText},
				{p("array.json"), 14, ErrMalformed},
			},
		},
		{file: "broken.json", errs: []problem{{p("broken.json"), 1, ErrMalformed}}},
		{
			file: "news.jsonl",
			want: []Article{
				{
					Path:      p("news.jsonl"),
					Line:      1,
					ID:        "1",
					Title:     "Minister resigns",
					Outlet:    "Wire",
					Published: date("2022-03-04T10:00:00Z"),
					Text:      "The minister resigned on Friday, her office said.",
				},
				{
					Path:      p("news.jsonl"),
					Line:      7,
					ID:        "5",
					Title:     "Talks continue",
					Published: date("2022-03-05T00:00:00Z"),
					Text:      "\"We will meet again,\" the envoy said.",
				},
				{
					Path:  p("news.jsonl"),
					Line:  8,
					ID:    "w1",
					Title: "Windows line",
					Text:  "Line endings.",
				},
			},
			errs: []problem{
				{p("news.jsonl"), 2, ErrMalformed},
				{p("news.jsonl"), 4, ErrNoText},
				{p("news.jsonl"), 5, ErrMalformed},
				{p("news.jsonl"), 6, ErrMalformed},
			},
		},
		{
			file: "page.html",
			want: []Article{{
				Path:      p("page.html"),
				URL:       "https://times.example/port-strike",
				Title:     "Port strike ends after talks",
				Outlet:    "Example Times",
				Published: date("2024-09-12T18:45:00Z"),
				Text: "The strike at the port ended on Thursday after three days of talks, the union said.\n\n" +
					"What they said\n\n" +
					"“We got what we asked for,” said union leader Maria Lopes & her deputy.\n\n" +
					"\"This is a fair deal,\" the company said.\n\n" +
					"Wages up 4%\n\n" +
					"No job cuts\n\n" +
					"Work resumes Friday.\n\n" +
					"Ships are queuing.",
			}},
		},
		{
			file: "plain.html",
			want: []Article{{
				Path:      p("plain.html"),
				URL:       "https://news.example/election",
				Title:     "Election results delayed",
				Outlet:    "News Example",
				Published: date("2021-06-07T09:00:00+01:00"),
				Text:      "Results will be late, the commission said.\n\nEarlier counts were slow.",
			}},
		},
		{file: "empty.html", errs: []problem{{p("empty.html"), 0, ErrNoText}}},
		{
			file: "wire", // no extension: sniffed as JSON Lines
			want: []Article{
				{Path: p("wire"), Line: 1, ID: "x1", Title: "Sniffed lines", Text: "First."},
				{Path: p("wire"), Line: 2, ID: "x2", Title: "Second", Text: "Second."},
			},
		},
		{
			file: "note", // no extension: sniffed as text
			want: []Article{{
				Path:  p("note"),
				Title: "Sniffed headline",
				Text:  "Sniffed headline\n\nA text file without an extension.\n",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ReadFile(p(tt.file))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadFile(%q) articles (-want +got):\n%s", tt.file, diff)
			}
			if diff := cmp.Diff(tt.errs, problems(t, err), cmpErrors); diff != "" {
				t.Errorf("ReadFile(%q) errors (-want +got):\n%s\nerror: %v", tt.file, diff, err)
			}
		})
	}
}

// TestReadFileMessages pins the wording of a few errors users will see.
func TestReadFileMessages(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"news.jsonl", []string{
			"testdata/read/news.jsonl line 2: malformed input: unexpected end of JSON input",
			"testdata/read/news.jsonl line 4: article has no text",
			`testdata/read/news.jsonl line 5: malformed input: field datepublished: cannot parse date "31/02/2022"`,
			"testdata/read/news.jsonl line 6: malformed input: record is a JSON array, not an object",
		}},
		{"array.json", []string{
			"testdata/read/array.json line 9: article has no text",
			`testdata/read/array.json line 14: malformed input: field published: cannot parse date "last Tuesday"`,
		}},
		{"notes.md", []string{`testdata/read/notes.md: unsupported format: extension ".md"`}},
		{"missing.txt", []string{"testdata/read/missing.txt: open: no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := ReadFile(readdata + "/" + tt.file)
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.Split(err.Error(), "\n")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadFileLimits(t *testing.T) {
	dir := t.TempDir()

	big := filepath.Join(dir, "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: the size is checked before anything is read.
	if err := f.Truncate(MaxArticleBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// One line of a JSON Lines file is too long; the lines around it are read.
	long := filepath.Join(dir, "long.jsonl")
	text := strings.Repeat("x", MaxArticleBytes)
	jsonl := `{"text": "before"}` + "\n" + `{"text": "` + text + `"}` + "\n" + `{"text": "after"}` + "\n"
	if err := os.WriteFile(long, []byte(jsonl), 0o644); err != nil {
		t.Fatal(err)
	}

	// A directory where a file is expected cannot be read.
	notFile := filepath.Join(dir, "dir.txt")
	if err := os.Mkdir(notFile, 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path  string
		texts []string
		errs  []problem
	}{
		{big, nil, []problem{{big, 0, ErrTooLarge}}},
		{long, []string{"before", "after"}, []problem{{long, 2, ErrTooLarge}}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			arts, err := ReadFile(tt.path)
			var texts []string
			for _, a := range arts {
				texts = append(texts, a.Text)
			}
			if diff := cmp.Diff(tt.texts, texts); diff != "" {
				t.Errorf("texts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.errs, problems(t, err), cmpErrors); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		arts, err := ReadFile(notFile)
		if len(arts) != 0 || err == nil {
			t.Fatalf("ReadFile(%q) = %v, %v; want an error", notFile, arts, err)
		}
		if re, ok := errors.AsType[*ReadError](err); !ok || re.Path != notFile {
			t.Errorf("error %v does not name %s", err, notFile)
		}
	})
}

func TestWalk(t *testing.T) {
	walk := filepath.Join(readdata, "walk")
	paths := []string{
		walk,
		filepath.Join(readdata, "notes.md"), // named, so unsupported is an error
		filepath.Join(readdata, "missing"),
		filepath.Join(readdata, "plain.txt"),
	}
	var got []string
	err := Walk(t.Context(), paths, func(a Article, err error) error {
		if err != nil {
			var re *ReadError
			if !errors.As(err, &re) {
				t.Errorf("error %v is not a *ReadError", err)
			}
			if a.Path != re.Path || a.Line != re.Line {
				t.Errorf("article %s:%d with error naming %s:%d", a.Path, a.Line, re.Path, re.Line)
			}
			got = append(got, "error "+err.Error())
			return nil
		}
		got = append(got, fmt.Sprintf("article %s:%d %q", a.Path, a.Line, a.Text))
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	want := []string{
		`article testdata/read/walk/a.txt:0 "Walk one\n\nText one.\n"`,
		`article testdata/read/walk/b/c.jsonl:1 "Good line."`,
		`error testdata/read/walk/b/c.jsonl line 2: malformed input: invalid character 'b' looking for beginning of object key string`,
		`article testdata/read/walk/b/c.jsonl:3 "Another good line."`,
		`error testdata/read/walk/b/empty.txt: article has no text`,
		`article testdata/read/walk/z.html:0 "Page text."`,
		`error testdata/read/notes.md: unsupported format: extension ".md"`,
		`error testdata/read/missing: stat: no such file or directory`,
		`article testdata/read/plain.txt:0 "Council approves budget after long debate\n\nThe city council approved the budget late on Thursday.\n\n\"It was not easy,\" Mayor Ana Ruiz said after the vote.\n"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Walk events (-want +got):\n%s", diff)
	}
}

func TestWalkStops(t *testing.T) {
	paths := []string{filepath.Join(readdata, "news.jsonl"), filepath.Join(readdata, "plain.txt")}
	stop := errors.New("stop")

	t.Run("fn", func(t *testing.T) {
		n := 0
		err := Walk(t.Context(), paths, func(a Article, err error) error {
			n++
			if err != nil {
				return stop
			}
			return nil
		})
		if err != stop {
			t.Errorf("Walk = %v, want %v", err, stop)
		}
		if n != 2 { // line 1, then the error on line 2
			t.Errorf("fn called %d times, want 2", n)
		}
	})
	t.Run("fn in a directory", func(t *testing.T) {
		n := 0
		err := Walk(t.Context(), []string{filepath.Join(readdata, "walk")}, func(a Article, err error) error {
			n++
			return filepath.SkipDir // not a signal to WalkDir: it stops the walk
		})
		if err != filepath.SkipDir || n != 1 {
			t.Errorf("Walk = %v after %d calls, want %v after 1", err, n, filepath.SkipDir)
		}
	})
	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		n := 0
		err := Walk(ctx, paths, func(a Article, err error) error {
			n++
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Walk = %v, want %v", err, context.Canceled)
		}
		if n != 1 {
			t.Errorf("fn called %d times, want 1", n)
		}
	})
}

func TestReadTextTitle(t *testing.T) {
	long := strings.Repeat("word ", 60)
	tests := []struct {
		name      string
		in        string
		title     string
		published time.Time
	}{
		{"plain", "Headline\nBody.", "Headline", time.Time{}},
		{"leading blank lines", "\n\n  Headline  \r\nBody.", "Headline", time.Time{}},
		{"date header", " date 2025-02-17 Kremlin and Washington confirm talks\n\nBody.", "Kremlin and Washington confirm talks", date("2025-02-17T00:00:00Z")},
		{"date header with colon", "Date: 2024-01-31 Headline\nBody.", "Headline", date("2024-01-31T00:00:00Z")},
		{"date header alone", "date 2024-01-31\n\nHeadline on its own line\nBody.", "Headline on its own line", date("2024-01-31T00:00:00Z")},
		{"impossible date", "date 2024-02-31 Headline\nBody.", "date 2024-02-31 Headline", time.Time{}},
		{"date in prose", "Dated 2024-01-31 memo leaks\nBody.", "Dated 2024-01-31 memo leaks", time.Time{}},
		{"long first line", long, strings.TrimSpace(strings.Repeat("word ", 39)) + "…", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := readText("x.txt", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if a.Text != tt.in {
				t.Errorf("Text = %q, want the input", a.Text)
			}
			if a.Title != tt.title {
				t.Errorf("Title = %q, want %q", a.Title, tt.title)
			}
			if !a.Published.Equal(tt.published) {
				t.Errorf("Published = %v, want %v", a.Published, tt.published)
			}
		})
	}
}

func TestParseArticleDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-05-03T08:30:00Z", date("2024-05-03T08:30:00Z")},
		{"2024-05-03T08:30:00.123+02:00", date("2024-05-03T08:30:00.123+02:00")},
		{"2024-05-03T08:30:00+0200", date("2024-05-03T08:30:00+02:00")},
		{"2024-05-03T08:30:00", date("2024-05-03T08:30:00Z")},
		{"2024-05-03 08:30:00", date("2024-05-03T08:30:00Z")},
		{"2024-05-03", date("2024-05-03T00:00:00Z")},
		{" 2024-05-03 ", date("2024-05-03T00:00:00Z")},
		{"2024/05/03", date("2024-05-03T00:00:00Z")},
		{"Fri, 03 May 2024 08:30:00 +0000", date("2024-05-03T08:30:00Z")},
		{"Fri, 3 May 2024 08:30:00 -0400", date("2024-05-03T08:30:00-04:00")},
		{"May 3, 2024", date("2024-05-03T00:00:00Z")},
		{"3 May 2024", date("2024-05-03T00:00:00Z")},
		{"May 3 2024", time.Time{}},
		{"03/05/2024", time.Time{}},
		{"yesterday", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseArticleDate(tt.in)
			if tt.want.IsZero() {
				if err == nil {
					t.Errorf("parseArticleDate(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("parseArticleDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestReadHTMLText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"body", "<p>One</p><p>Two</p>", "One\n\nTwo"},
		{"inline", "<p>a<b>b</b> <i>c</i>d</p>", "ab cd"},
		{"entities", "<p>&ldquo;Yes,&rdquo; she said &mdash; twice&#33;</p>", "“Yes,” she said — twice!"},
		{"white space", "<p>  a \n\t b&nbsp;&nbsp;c  </p>", "a b c"},
		{"nested blocks", "<div>a<div>b</div>c</div>", "a\n\nb\n\nc"},
		{"longest article", "<article><p>Teaser</p></article><article><p>The real story.</p></article>", "The real story."},
		{"empty article", "<article><nav>x</nav></article><main><p>Main text.</p></main>", "Main text."},
		{"svg and hidden", `<p>a<svg><text>svg</text></svg></p><p aria-hidden="true">b</p><p>c</p>`, "a\n\nc"},
		{"table", "<table><tr><td>a</td><td>b</td></tr></table>", "a\n\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := readHTML("x.html", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if a.Text != tt.want {
				t.Errorf("Text = %q, want %q", a.Text, tt.want)
			}
		})
	}
}

func TestReadHTMLDate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"og", `<meta property="og:published_time" content="2020-02-03"><p>x</p>`, date("2020-02-03T00:00:00Z")},
		{"name date", `<meta name="date" content="2020-02-03"><p>x</p>`, date("2020-02-03T00:00:00Z")},
		{"itemprop meta", `<meta itemprop="datePublished" content="2020-02-03"><p>x</p>`, date("2020-02-03T00:00:00Z")},
		{"itemprop time", `<article><time itemprop="datePublished" datetime="2020-02-03">Feb 3</time><p>x</p></article>`, date("2020-02-03T00:00:00Z")},
		{"preference", `<meta name="date" content="2020-01-01"><meta property="article:published_time" content="2020-02-03"><p>x</p>`, date("2020-02-03T00:00:00Z")},
		{"bad meta falls through", `<meta property="article:published_time" content="soon"><meta name="pubdate" content="2020-02-03"><p>x</p>`, date("2020-02-03T00:00:00Z")},
		{"json-ld array", `<script type="application/ld+json">[{"@type":"NewsArticle","datePublished":"2020-02-03"}]</script><p>x</p>`, date("2020-02-03T00:00:00Z")},
		{"time in article", `<time datetime="2019-01-01">x</time><article><time datetime="2020-02-03T10:00:00Z">x</time><p>x</p></article>`, date("2020-02-03T10:00:00Z")},
		{"none", `<p>x</p>`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := readHTML("x.html", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !a.Published.Equal(tt.want) {
				t.Errorf("Published = %v, want %v", a.Published, tt.want)
			}
		})
	}
}

func TestSniffFormat(t *testing.T) {
	tests := []struct {
		in   string
		want fileFormat
	}{
		{"", formatText},
		{"Headline\n\nText.", formatText},
		{"\uFEFF  [{\"text\": \"x\"}]", formatJSON},
		{`{"text": "x"}`, formatJSON},
		{"{\"text\": \"x\"}\n{\"text\": \"y\"}\n", formatJSONL},
		{"{not json", formatJSONL},
		{"\n<!DOCTYPE html><html></html>", formatHTML},
		{"<p>Para</p>", formatHTML},
		{"<3 love letters", formatText},
	}
	for _, tt := range tests {
		if got := sniffFormat([]byte(tt.in)); got != tt.want {
			t.Errorf("sniffFormat(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestLooksBinary(t *testing.T) {
	if looksBinary([]byte(strings.Repeat("a", sniffBytes-1) + "\xff and more")) {
		t.Error("invalid UTF-8 is taken for binary; it is an encoding error")
	}
	if !looksBinary([]byte("text\x00more")) {
		t.Error("a NUL byte is not taken for binary")
	}
}

func TestCheckUTF8(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for valid
	}{
		{"plain text", ""},
		{"“curly” — ok", ""},
		{"", ""},
		{"caf\xe9", "byte 0xE9 at column 4"},
		{"line one\nsaid \x93yes\x94", "byte 0x93 at line 2, column 6"},
		{"é\n\n\xff", "byte 0xFF at line 3, column 1"},
		{"cut \xe2\x80", "byte 0xE2 at column 5"},
	}
	for _, tt := range tests {
		err := CheckUTF8([]byte(tt.in))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckUTF8(%q) = %v, want nil", tt.in, err)
		case tt.want != "" && (!errors.Is(err, ErrEncoding) || !strings.Contains(fmt.Sprint(err), tt.want)):
			t.Errorf("CheckUTF8(%q) = %v, want ErrEncoding with %q", tt.in, err, tt.want)
		}
	}
}
