package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// FieldError is a field of a JSON record that graphd cannot take: its
// name, in lower case, and why ("field published: cannot parse date
// \"soon\""). Errors of the readers wrap it where a field is to blame.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return "field " + e.Field + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// RecordReader reads articles from a stream of JSON Lines records, one
// record at a time, as the records arrive: Next returns as soon as a
// record's line has ended, and reads the stream no further than its
// buffer of 64 KiB past it. So a caller that asks for the next article
// only when it can take one makes a sender that is faster wait, rather
// than having the stream pile up in memory. The records are those of a
// .jsonl file (see ReadFile), with the same limits and errors.
type RecordReader struct {
	name  string
	lines boundedLines
	max   int
	err   error // the stream itself failed: no further record
}

// NewRecordReader reads records from r, naming the stream name in its
// errors. A line may hold at most max bytes (MaxArticleBytes when max is
// 0 or less); the text of the article it holds meets the article limits
// later, when it is stored (CheckLimits).
func NewRecordReader(r io.Reader, name string, max int) *RecordReader {
	if max <= 0 {
		max = MaxArticleBytes
	}
	return newRecordReader(bufio.NewReaderSize(r, 64<<10), name, max)
}

func newRecordReader(br *bufio.Reader, name string, max int) *RecordReader {
	return &RecordReader{name: name, lines: boundedLines{r: br, max: max}, max: max}
}

// Next returns the next article, skipping blank lines and a byte order
// mark at the start. A record graphd cannot take gives a *ReadError
// naming its line and wrapping ErrTooLarge (a line longer than the
// limit, read to its end and dropped), ErrEncoding, ErrMalformed (with a
// *FieldError for a field of the wrong type or a date that does not
// parse) or ErrNoText; the next call reads on. Next returns io.EOF after
// the last record, and an error of the stream itself as a *ReadError of
// line 0, after which it returns that error again.
func (rr *RecordReader) Next() (Article, error) {
	for {
		if rr.err != nil {
			return Article{}, rr.err
		}
		line, long, err := rr.lines.next()
		if err == io.EOF {
			return Article{}, io.EOF
		}
		if err != nil {
			rr.err = fsError(rr.name, err)
			return Article{}, rr.err
		}
		if rr.lines.line == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		switch {
		case long:
			return Article{}, &ReadError{Path: rr.name, Line: rr.lines.line, Err: fmt.Errorf("%w: line longer than %d bytes", ErrTooLarge, rr.max)}
		case len(bytes.TrimSpace(line)) == 0:
			continue
		}
		if err := CheckUTF8(line); err != nil {
			return Article{}, &ReadError{Path: rr.name, Line: rr.lines.line, Err: err}
		}
		return decodeRecord(rr.name, rr.lines.line, line)
	}
}

// Line returns the number of the line of the record Next last returned,
// counting from 1.
func (rr *RecordReader) Line() int { return rr.lines.line }
