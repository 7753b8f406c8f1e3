package ingest

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// maxTextTitle is the length in code points past which a title taken from the
// first line of a text file is cut, at a word boundary where possible: a
// file without a headline gives its first paragraph.
const maxTextTitle = 200

// textDateHeader matches a first line such as " date 2025-02-17 Kremlin and
// Washington confirm …", which some article dumps put before the text.
var textDateHeader = regexp.MustCompile(`^(?i:date):?[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+(.*))?$`)

// readText reads a plain text article. Text is the whole content as read,
// less a byte order mark; Title is the first non-empty line, or what
// follows the date of a date header line, whose date becomes Published.
// It returns a *ReadError wrapping ErrTooLarge, ErrBinary or ErrNoText.
func readText(path string, data []byte) (Article, error) {
	data, err := prepareFile(path, data)
	if err != nil {
		return Article{}, err
	}
	text := fixUTF8(string(data))
	if strings.TrimSpace(text) == "" {
		return Article{}, &ReadError{Path: path, Err: ErrNoText}
	}
	a := Article{Path: path, Text: text}
	rest := text
	for rest != "" && a.Title == "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if a.Published.IsZero() {
			if m := textDateHeader.FindStringSubmatch(line); m != nil {
				if t, err := time.Parse(time.DateOnly, m[1]); err == nil {
					a.Published = t
					line = strings.TrimSpace(m[2])
				}
			}
		}
		a.Title = clipTitle(line, maxTextTitle)
	}
	return a, nil
}

// clipTitle shortens s to at most n code points, cutting at the last space if
// there is one in the second half and marking the cut with "…".
func clipTitle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n-1 {
			break
		}
		count++
	}
	cut := s[:i]
	if sp := strings.LastIndexByte(cut, ' '); sp > len(cut)/2 {
		cut = cut[:sp]
	}
	return strings.TrimSpace(cut) + "…"
}
