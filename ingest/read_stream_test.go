package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestRecordReader reads a stream of good and bad records: each bad one
// gets its own error naming its line (and its field, where a field is to
// blame), and the records after it are read.
func TestRecordReader(t *testing.T) {
	long := `{"text": "` + strings.Repeat("x", 200) + `"}`
	stream := "\uFEFF" + `{"id": 1, "title": "One", "text": "“Yes,” said Mayor Tom Baker."}` + "\n" +
		"\n" +
		`{"title": "No date", "published": "soon", "text": "t"}` + "\n" +
		`{"title": 7, "text": "t"}` + "\n" +
		`{"title": "No text"}` + "\n" +
		long + "\n" +
		"{\"text\": \"caf\xe9\"}\n" +
		`not json` + "\n" +
		`{"id": "last", "text": "the end"}` // no final newline
	type got struct {
		Line  int
		ID    string
		Is    error
		Field string
	}
	var all []got
	rr := NewRecordReader(strings.NewReader(stream), "POST /ingest", 100)
	for {
		a, err := rr.Next()
		if err == io.EOF {
			break
		}
		g := got{Line: rr.Line(), ID: a.ID}
		if err != nil {
			re, ok := errors.AsType[*ReadError](err)
			if !ok || re.Line != rr.Line() {
				t.Fatalf("line %d: error %v is not a *ReadError of that line", rr.Line(), err)
			}
			for _, s := range []error{ErrNoText, ErrTooLarge, ErrEncoding, ErrMalformed} {
				if errors.Is(err, s) {
					g.Is = s
				}
			}
			if fe, ok := errors.AsType[*FieldError](err); ok {
				g.Field = fe.Field
			}
		} else if a.Line != rr.Line() {
			t.Errorf("article of line %d says line %d", rr.Line(), a.Line)
		}
		all = append(all, g)
	}
	want := []got{
		{Line: 1, ID: "1"},
		{Line: 3, Is: ErrMalformed, Field: "published"},
		{Line: 4, Is: ErrMalformed, Field: "title"},
		{Line: 5, Is: ErrNoText},
		{Line: 6, Is: ErrTooLarge},
		{Line: 7, Is: ErrEncoding},
		{Line: 8, Is: ErrMalformed},
		{Line: 9, ID: "last"},
	}
	if d := cmp.Diff(want, all, cmpErrors); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Next returns a record as soon as its line ends, without waiting for
// more of the stream, and reads no further than its buffer past it: a
// sender that writes faster than Next is called waits.
func TestRecordReaderStreams(t *testing.T) {
	pr, pw := io.Pipe()
	defer pr.Close()
	cr := &countingReader{r: pr}
	rr := NewRecordReader(cr, "stream", 0)
	line := `{"text": "` + strings.Repeat("word ", 2000) + `"}` + "\n"
	written := make(chan int64)
	go func() {
		var n int64
		defer func() { written <- n }()
		for range 1000 { // 10 MB, far more than any buffer
			k, err := io.WriteString(pw, line)
			n += int64(k)
			if err != nil {
				return
			}
		}
		pw.Close()
	}()
	if _, err := rr.Next(); err != nil {
		t.Fatal(err)
	}
	// The writer is blocked now: the pipe hands over only what is read.
	if got, bound := cr.n.Load(), int64(len(line)+64<<10); got > bound {
		t.Errorf("read %d bytes of the stream to return the first record, want at most %d", got, bound)
	}
	for range 9 {
		if _, err := rr.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if got, bound := cr.n.Load(), int64(10*len(line)+64<<10); got > bound {
		t.Errorf("read %d bytes for 10 records, want at most %d", got, bound)
	}
	pr.CloseWithError(errors.New("enough"))
	if n := <-written; n >= int64(1000*len(line)) {
		t.Errorf("the writer wrote the whole stream (%d bytes) while the reader took 10 records", n)
	}
	// An interactive sender: one line, then it waits for the answer.
	pr2, pw2 := io.Pipe()
	defer pw2.Close()
	rr2 := NewRecordReader(pr2, "interactive", 0)
	go io.WriteString(pw2, `{"id": "a", "text": "t"}`+"\n")
	if a, err := rr2.Next(); err != nil || a.ID != "a" {
		t.Errorf("first record of an open stream: %+v, %v", a, err)
	}
}

func FuzzRecordReader(f *testing.F) {
	seed(f, "*.jsonl")
	f.Add([]byte("{\"text\": \"a\"}\n\n\uFEFF{\"text\": 1}\n{\"text\": \"\xff\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rr := NewRecordReader(bytes.NewReader(data), "fuzz", 64)
		last := 0
		for {
			a, err := rr.Next()
			if err == io.EOF {
				break
			}
			checkRead(t, a, err)
			if rr.Line() <= last && err == nil {
				t.Fatalf("line %d after line %d", rr.Line(), last)
			}
			last = rr.Line()
			if err == nil && !utf8.ValidString(a.Text) {
				t.Fatalf("invalid text %q", a.Text)
			}
		}
	})
}
