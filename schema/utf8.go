package schema

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/graphd/graphd/ingest"
)

// checkBodyUTF8 refuses a request body that is not UTF-8, as the command
// line refuses such a file (ingest.CheckUTF8): decoding it would turn each
// bad byte, a Windows-1252 curly quote say, into U+FFFD. The error names
// the member of the JSON request that holds the first bad byte
// ("variables.input.text"), or "query" for an application/graphql body.
func checkBodyUTF8(body []byte, graphqlBody bool) error {
	if utf8.Valid(body) {
		return nil
	}
	off := 0
	for off < len(body) {
		c, n := utf8.DecodeRune(body[off:])
		if c == utf8.RuneError && n <= 1 {
			break
		}
		off += n
	}
	if graphqlBody {
		return inputErrorf("query: %v", ingest.CheckUTF8(body))
	}
	path, start := jsonMemberAt(body, off)
	if path == "" {
		return inputErrorf("request body: %v", ingest.CheckUTF8(body))
	}
	return inputErrorf("%s: %v", path, ingest.CheckUTF8(decodedUpTo(body, start, off)))
}

// decodedUpTo returns the text of the JSON string starting at body[start]
// as far as the bad byte at off, decoded, with that byte, so that the line
// and column CheckUTF8 tells are those of the text, as for a file. A
// string with a line break anywhere gets a line number.
func decodedUpTo(body []byte, start, off int) []byte {
	var s string
	if json.Unmarshal(append(append([]byte{'"'}, body[start:off]...), '"'), &s) != nil {
		return body[start : off+1]
	}
	out := append([]byte(s), body[off])
	if end := bytes.IndexByte(body[off:], '"'); strings.Contains(s, "\n") ||
		end > 0 && bytes.Contains(body[off:off+end], []byte(`\n`)) {
		out = append(out, '\n')
	}
	return out
}

// jsonMemberAt returns the path of the JSON string value (or key) of body
// that holds byte off, and where its text starts; "" when off is in no
// string or body is not JSON.
func jsonMemberAt(body []byte, off int) (string, int) {
	type frame struct {
		object bool
		key    string
		index  int
		isKey  bool // the next string of an object is a key
	}
	var stack []frame
	name := func() string {
		var b bytes.Buffer
		for i, f := range stack {
			switch {
			case f.object:
				if i > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			default:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			}
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return "", 0
		}
		after := int(dec.InputOffset())
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top >= 0 && !stack[top].object {
					stack[top].index++
				}
				stack = append(stack, frame{object: d == '{', isKey: true, index: -1})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].object {
					stack[top-1].isKey = true
				}
			}
			continue
		}
		s, isString := tok.(string)
		key := top >= 0 && stack[top].object && stack[top].isKey
		if top >= 0 && !stack[top].object {
			stack[top].index++
		}
		if key {
			stack[top].key, stack[top].isKey = s, false
		} else if top >= 0 && stack[top].object {
			stack[top].isKey = true
		}
		if off < after {
			if !isString {
				return "", 0
			}
			start := before + bytes.IndexByte(body[before:after], '"') + 1
			return name(), start
		}
	}
}
