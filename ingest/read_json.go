package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The names a JSON record may give each field, in order of preference.
// Names match without regard to case.
var (
	jsonIDKeys        = []string{"id"}
	jsonURLKeys       = []string{"url"}
	jsonTitleKeys     = []string{"title", "headline"}
	jsonOutletKeys    = []string{"outlet", "source"}
	jsonPublishedKeys = []string{"published", "date", "published_at", "publishedat", "datepublished"}
	jsonTextKeys      = []string{"text", "body", "content"}
)

// readJSON reads a JSON file holding one article object or an array of
// them, handing each article, or the error of each bad element or of the
// file, to emit. A syntax error ends the file. Errors name the line where
// the element starts, but Article.Line, meant for JSON Lines, stays 0. It
// returns the first error returned by emit.
func readJSON(path string, data []byte, emit func(Article, error) error) error {
	fail := func(err error) error { return emitError(emit, err) }
	data, err := prepareFile(path, data)
	if err != nil {
		return fail(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	lines := jsonLines{data: data}
	start := skipJSONSpace(data, 0)
	if start == len(data) {
		return fail(&ReadError{Path: path, Err: fmt.Errorf("%w: empty file", ErrMalformed)})
	}
	if data[start] != '[' {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(jsonError(path, &lines, err))
		}
		if err := jsonTrailing(path, dec, &lines); err != nil {
			return fail(err)
		}
		a, err := decodeRecord(path, lines.at(start), raw)
		if err != nil {
			return fail(err)
		}
		a.Line = 0
		return emit(a, nil)
	}
	if _, err := dec.Token(); err != nil {
		return fail(jsonError(path, &lines, err))
	}
	for dec.More() {
		line := lines.at(skipJSONSpace(data, int(dec.InputOffset())))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(jsonError(path, &lines, err))
		}
		a, err := decodeRecord(path, line, raw)
		if err != nil {
			err = fail(err)
		} else {
			a.Line = 0
			err = emit(a, nil)
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing "]"
		return fail(jsonError(path, &lines, err))
	}
	if err := jsonTrailing(path, dec, &lines); err != nil {
		return fail(err)
	}
	return nil
}

// readJSONL reads a JSON Lines file, one article object a line, handing
// each article, or the error of each bad line or of the file, to emit.
// Blank lines are skipped; a line longer than MaxArticleBytes gives
// ErrTooLarge and the lines after it are still read. It returns ctx.Err()
// or the first error returned by emit.
func readJSONL(ctx context.Context, path string, r io.Reader, emit func(Article, error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	// NUL bytes at the start make a binary file; each line is checked
	// for UTF-8 on its own.
	head, _ := br.Peek(len(utf8BOM) + sniffBytes)
	if bytes.HasPrefix(head, utf8BOM) {
		br.Discard(len(utf8BOM))
		head = head[len(utf8BOM):]
	}
	if looksBinary(head) {
		return emitError(emit, &ReadError{Path: path, Err: ErrBinary})
	}
	rr := newRecordReader(br, path, MaxArticleBytes)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, err := rr.Next()
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			err = emitError(emit, err)
			if rr.err != nil {
				return err
			}
		default:
			err = emit(a, nil)
		}
		if err != nil {
			return err
		}
	}
}

// decodeRecord turns one JSON object, found at line in path, into an Article. It
// returns a *ReadError wrapping ErrMalformed or ErrNoText.
func decodeRecord(path string, line int, raw []byte) (Article, error) {
	fail := func(err error) (Article, error) {
		return Article{}, &ReadError{Path: path, Line: line, Err: err}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		if ute, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			return fail(fmt.Errorf("%w: record is a JSON %s, not an object", ErrMalformed, ute.Value))
		}
		return fail(fmt.Errorf("%w: %v", ErrMalformed, jsonReason(err)))
	}
	if obj == nil {
		return fail(fmt.Errorf("%w: record is null, not an object", ErrMalformed))
	}
	fields := make(map[string]json.RawMessage, len(obj))
	for k, v := range obj {
		fields[strings.ToLower(k)] = v
	}
	a := Article{Path: path, Line: line}
	var err error
	if a.ID, err = recordField(fields, jsonIDKeys, idValue); err != nil {
		return fail(err)
	}
	if a.URL, err = recordField(fields, jsonURLKeys, stringValue); err != nil {
		return fail(err)
	}
	if a.Title, err = recordField(fields, jsonTitleKeys, stringValue); err != nil {
		return fail(err)
	}
	if a.Outlet, err = recordField(fields, jsonOutletKeys, outletValue); err != nil {
		return fail(err)
	}
	if a.Text, err = recordField(fields, jsonTextKeys, stringValue); err != nil {
		return fail(err)
	}
	name, date, err := recordFieldName(fields, jsonPublishedKeys, stringValue)
	if err != nil {
		return fail(err)
	}
	if date != "" {
		if a.Published, err = parseArticleDate(date); err != nil {
			return fail(fmt.Errorf("%w: %w", ErrMalformed, &FieldError{Field: name, Err: err}))
		}
	}
	if strings.TrimSpace(a.Text) == "" {
		return fail(ErrNoText)
	}
	a.Title = collapseSpace(a.Title)
	a.Outlet = collapseSpace(a.Outlet)
	a.URL = fixUTF8(strings.TrimSpace(a.URL))
	a.ID = fixUTF8(strings.TrimSpace(a.ID))
	a.Text = fixUTF8(a.Text)
	return a, nil
}

// recordField returns the first non-empty value of the fields named names,
// decoded by value.
func recordField(fields map[string]json.RawMessage, names []string, value func(json.RawMessage) (string, error)) (string, error) {
	_, v, err := recordFieldName(fields, names, value)
	return v, err
}

// recordFieldName is recordField that also says which name the value came from.
func recordFieldName(fields map[string]json.RawMessage, names []string, value func(json.RawMessage) (string, error)) (string, string, error) {
	for _, name := range names {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		v, err := value(raw)
		if err != nil {
			return name, "", fmt.Errorf("%w: %w", ErrMalformed, &FieldError{Field: name, Err: err})
		}
		if strings.TrimSpace(v) != "" {
			return name, v, nil
		}
	}
	return "", "", nil
}

// stringValue decodes a JSON string; null is "".
func stringValue(raw json.RawMessage) (string, error) {
	var s *string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("want a string, have %s", jsonKind(raw))
	}
	if s == nil {
		return "", nil
	}
	return *s, nil
}

// idValue decodes a string or a number, kept as written.
func idValue(raw json.RawMessage) (string, error) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil && raw[0] != '"' {
		return n.String(), nil
	}
	s, err := stringValue(raw)
	if err != nil {
		return "", fmt.Errorf("want a string or a number, have %s", jsonKind(raw))
	}
	return s, nil
}

// outletValue decodes a string or an object with a name field.
func outletValue(raw json.RawMessage) (string, error) {
	if raw[0] != '{' {
		s, err := stringValue(raw)
		if err != nil {
			return "", fmt.Errorf("want a string or an object with a name, have %s", jsonKind(raw))
		}
		return s, nil
	}
	var obj struct {
		Name *string `json:"name"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", fmt.Errorf("name: want a string")
	}
	if obj.Name == nil {
		return "", nil
	}
	return *obj.Name, nil
}

// collapseSpace trims s and collapses its runs of white space into one space.
func collapseSpace(s string) string {
	return fixUTF8(strings.Join(strings.Fields(s), " "))
}

// jsonKind names the JSON type of raw for error messages.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// articleDateLayouts are the forms of date the readers accept, tried in order. A
// date without a zone is taken as UTC.
var articleDateLayouts = []string{
	time.RFC3339,
	time.DateOnly,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006/01/02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	time.RFC850,
	time.RFC822Z,
	time.RFC822,
	time.UnixDate,
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
}

// parseArticleDate parses s in one of articleDateLayouts.
func parseArticleDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range articleDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse date %q", clipTitle(s, 40))
}

// jsonTrailing checks that nothing but white space follows the value dec
// has decoded from lines.data.
func jsonTrailing(path string, dec *json.Decoder, lines *jsonLines) error {
	off := skipJSONSpace(lines.data, int(dec.InputOffset()))
	switch _, err := dec.Token(); err {
	case io.EOF:
		return nil
	case nil:
		return &ReadError{Path: path, Line: lines.at(off), Err: fmt.Errorf("%w: more than one top-level value (JSON Lines belong in a .jsonl file)", ErrMalformed)}
	default:
		return jsonError(path, lines, err)
	}
}

// jsonError turns an error decoding the file into a *ReadError naming the
// line it occurred on, when the decoder says where.
func jsonError(path string, lines *jsonLines, err error) error {
	line := 0
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		line = lines.at(int(se.Offset) - 1)
	} else if err == io.ErrUnexpectedEOF {
		line = lines.at(len(lines.data))
	}
	return &ReadError{Path: path, Line: line, Err: fmt.Errorf("%w: %v", ErrMalformed, jsonReason(err))}
}

// jsonReason words a JSON syntax error without the "json:" or Go type
// noise of encoding/json.
func jsonReason(err error) string {
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return "unexpected end of JSON"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// skipJSONSpace returns the offset of the first byte at or after i in data
// that is neither JSON white space nor a comma.
func skipJSONSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n', ',':
			i++
		default:
			return i
		}
	}
	return i
}

// jsonLines maps byte offsets of data to 1-based line numbers. Offsets
// asked for are mostly increasing, so it counts on from the last one.
type jsonLines struct {
	data []byte
	off  int // offset counted up to
	line int // newlines before off
}

func (c *jsonLines) at(off int) int {
	off = max(0, min(off, len(c.data)))
	if off < c.off {
		c.off, c.line = 0, 0
	}
	c.line += bytes.Count(c.data[c.off:off], []byte("\n"))
	c.off = off
	return c.line + 1
}
