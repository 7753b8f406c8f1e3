package polnear

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/graphd/graphd/ingest"
)

// textBound is one T line: a typed, possibly discontinuous span.
type textBound struct {
	typ   string
	spans []ingest.Span
	line  int
}

// event is one E line, its arguments resolved after the whole file is read,
// since an E line may name a T line that comes after it.
type event struct {
	id   string
	args [][2]string // role, T id
	line int
}

// ReadAnn reads a brat standoff file and returns its attributions in the
// order of their E lines. T lines of type Source, Cue, Content, Attribution
// and Attribution-no-source are the spans; other T types (Discuss, Discard),
// notes (#), attributes and relations are skipped. An E line without a
// Content argument carries nothing to score and is skipped too.
//
// A T line's covered text may hold newlines, so the lines after it are taken
// as part of it until the text is as long as its offsets say (fragments
// joined by one space, as brat writes them); the text itself is not trusted
// otherwise. A line that cannot be parsed, an E argument naming an unknown T
// or a covered text of the wrong length is an error wrapping ErrMalformed
// that names the line.
func ReadAnn(r io.Reader) ([]Attribution, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read annotations: %w", err)
	}
	lines := strings.Split(string(data), "\n")
	tbs := map[string]textBound{}
	var events []event
	for i := 0; i < len(lines); i++ {
		n := i + 1
		line := strings.TrimSuffix(lines[i], "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		id, rest, ok := strings.Cut(line, "\t")
		if !ok || len(id) < 1 {
			return nil, fmt.Errorf("line %d: no id and tab: %w", n, ErrMalformed)
		}
		switch id[0] {
		case 'T':
			typ, spans, covered, err := parseTextBound(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			want := len(spans) - 1
			for _, s := range spans {
				want += s.End - s.Start
			}
			got := utf8.RuneCountInString(covered)
			for got < want && i+1 < len(lines) {
				i++
				next := strings.TrimSuffix(lines[i], "\r")
				got += 1 + utf8.RuneCountInString(next)
			}
			if got != want {
				return nil, fmt.Errorf("line %d: %s covers %d characters, its offsets %d: %w", n, id, got, want, ErrMalformed)
			}
			if _, dup := tbs[id]; dup {
				return nil, fmt.Errorf("line %d: %s defined twice: %w", n, id, ErrMalformed)
			}
			tbs[id] = textBound{typ: typ, spans: spans, line: n}
		case 'E':
			ev := event{id: id, line: n}
			for _, arg := range strings.Fields(rest) {
				role, ref, ok := strings.Cut(arg, ":")
				if !ok || role == "" || ref == "" {
					return nil, fmt.Errorf("line %d: argument %q is not ROLE:ID: %w", n, arg, ErrMalformed)
				}
				ev.args = append(ev.args, [2]string{role, ref})
			}
			events = append(events, ev)
		case '#', 'A', 'M', 'R', 'N', '*':
			// notes, attributes, relations, normalisations: not scored
		default:
			return nil, fmt.Errorf("line %d: unknown annotation %q: %w", n, id, ErrMalformed)
		}
	}

	var out []Attribution
	for _, ev := range events {
		a := Attribution{ID: ev.id}
		for _, arg := range ev.args {
			tb, ok := tbs[arg[1]]
			if !ok {
				return nil, fmt.Errorf("line %d: %s names %s, which is not defined: %w", ev.line, ev.id, arg[1], ErrMalformed)
			}
			// brat numbers repeated roles: Content, Content2, …
			switch strings.TrimRight(arg[0], "0123456789") {
			case "Attribution", "Attribution-no-source":
				// the trigger; its span repeats the cue's
			case "Source":
				a.Source = append(a.Source, tb.spans...)
			case "Cue":
				a.Cue = append(a.Cue, tb.spans...)
			case "Content":
				a.Content = append(a.Content, tb.spans...)
			default:
				return nil, fmt.Errorf("line %d: %s has unknown role %q: %w", ev.line, ev.id, arg[0], ErrMalformed)
			}
		}
		if len(a.Content) > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

// parseTextBound parses what follows a T id: "TYPE S E;S E\tCOVERED".
func parseTextBound(rest string) (typ string, spans []ingest.Span, covered string, err error) {
	head, covered, _ := strings.Cut(rest, "\t")
	typ, offs, ok := strings.Cut(head, " ")
	if !ok || typ == "" {
		return "", nil, "", fmt.Errorf("no type and offsets in %q: %w", head, ErrMalformed)
	}
	for frag := range strings.SplitSeq(offs, ";") {
		f := strings.Fields(frag)
		if len(f) != 2 {
			return "", nil, "", fmt.Errorf("fragment %q is not START END: %w", frag, ErrMalformed)
		}
		s, err1 := strconv.Atoi(f[0])
		e, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || s < 0 || e < s {
			return "", nil, "", fmt.Errorf("fragment %q: bad offsets: %w", frag, ErrMalformed)
		}
		spans = append(spans, ingest.Span{Start: s, End: e})
	}
	return typ, spans, covered, nil
}
