package ingest

import "unicode"

// segment is one run of quoted text inside one paragraph: from its opening
// mark to its closing mark (or to the end of the paragraph when the mark is
// never closed).
type segment struct {
	open, closeEnd int // the whole segment, marks included
	start, end     int // the quoted text, trimmed
	closed         bool
	para           int
	next           int // index of the segment that continues this quotation in the next paragraph, or -1
	prev           int // index of the segment this one continues, or -1
}

func isDoubleOpen(c rune) bool {
	return c == '“' || c == '„' || c == '«' || c == '‟' || c == '〝'
}
func isDoubleClose(c rune) bool { return c == '”' || c == '»' || c == '〞' || c == '〟' }

func isOpenContext(r []rune, i, start int) bool {
	if i == start {
		return true
	}
	p := r[i-1]
	return unicode.IsSpace(p) || p == '(' || p == '[' || p == '—' || p == '–' || p == '-' || p == ':' || p == '/'
}

// doubledApostrophes rewrites, in place, the quotation marks typed as two
// apostrophes in a row (the house style of some newspapers, and of text
// converted from TeX) as one straight double mark and a space, rune for rune,
// so that offsets into the text stay as they are, while the quotations and
// tokens are found; it appends to changed the offsets it rewrote, for the
// apostrophes to be put back (restoreApostrophes). Of a run of three, a
// single mark beside a double one, the double mark is the outer one: the
// first two when it opens, the last two when it closes. Longer runs are left
// alone.
func doubledApostrophes(r []rune, changed []int) []int {
	for i := 0; i+1 < len(r); i++ {
		if r[i] != '\'' || r[i+1] != '\'' {
			continue
		}
		k := 2
		for i+k < len(r) && r[i+k] == '\'' {
			k++
		}
		if k <= 3 {
			if isOpenContext(r, i, 0) && i+k < len(r) && !unicode.IsSpace(r[i+k]) {
				r[i], r[i+1] = ' ', '"'
				changed = append(changed, i, i+1)
			} else if !isOpenContext(r, i, 0) {
				r[i+k-2], r[i+k-1] = '"', ' '
				changed = append(changed, i+k-2, i+k-1)
			}
		}
		i += k - 1
	}
	return changed
}

// restoreApostrophes undoes doubledApostrophes, so that the text of what is
// found is the article's.
func restoreApostrophes(r []rune, changed []int) {
	for _, i := range changed {
		r[i] = '\''
	}
}

func nextIsText(r []rune, i, end int) bool {
	return i+1 < end && !unicode.IsSpace(r[i+1])
}

// findSegments finds the quotations of the paragraph r[start:end]. Double
// marks (curly, straight, guillemets, low-9) make the top level; single
// marks count as quotation marks only outside double ones and only when
// they close within the paragraph, since they double as apostrophes.
func findSegments(r []rune, start, end, para int) []segment {
	var segs []segment
	open := -1
	var openCh rune
	emit := func(closeAt int, closed bool) {
		closeEnd := closeAt
		if closed {
			closeEnd = closeAt + 1
		}
		s := segment{open: open, closeEnd: closeEnd, closed: closed, para: para, next: -1, prev: -1}
		s.start, s.end = trimSpace(r, open+1, closeAt)
		if s.end > s.start {
			segs = append(segs, s)
		}
		open = -1
	}
	for i := start; i < end; i++ {
		c := r[i]
		switch {
		case open >= 0 && openCh == '„' && (c == '“' || c == '”'):
			emit(i, true)
		case isDoubleOpen(c):
			if open >= 0 {
				// A new opening mark while one is open: the earlier
				// quotation was never closed; end it here.
				emit(i, false)
			}
			open, openCh = i, c
		case isDoubleClose(c):
			if open >= 0 {
				emit(i, true)
			} else if c == '”' && isOpenContext(r, i, start) && nextIsText(r, i, end) {
				// A closing mark used as an opening one.
				open, openCh = i, c
			}
		case c == '"':
			if open >= 0 {
				emit(i, true)
			} else if nextIsText(r, i, end) {
				open, openCh = i, c
			}
		}
	}
	if open >= 0 {
		emit(end, false)
	}
	return singleQuotes(r, start, end, para, segs)
}

// singleQuotes adds the quotations marked with single marks in the parts of
// r[start:end] outside segs.
func singleQuotes(r []rune, start, end, para int, segs []segment) []segment {
	var out []segment
	from := start
	add := func(to int) {
		for i := from; i < to; i++ {
			c := r[i]
			if (c != '‘' && c != '\'' && c != '‹') || !isOpenContext(r, i, start) || i+1 >= to || !isWordRune(r[i+1]) {
				continue
			}
			// Whether a mark closes does not depend on the opening one,
			// so a mark that finds no close before the line's end tells
			// the same of every mark after it: the scan goes on from there,
			// and each rune is looked at a bounded number of times.
			j := i + 2
			for ; j < to; j++ {
				d := r[j]
				if d == '\n' {
					break
				}
				if (d == '’' || d == '\'' || d == '›') && !unicode.IsSpace(r[j-1]) && (j+1 >= to || !isWordRune(r[j+1])) {
					s := segment{open: i, closeEnd: j + 1, closed: true, para: para, next: -1, prev: -1}
					s.start, s.end = trimSpace(r, i+1, j)
					out = append(out, s)
					break
				}
			}
			if j < to && r[j] != '\n' {
				i = j // after the closing mark
			} else {
				i = j - 1 // no close: on from the line's end
			}
		}
	}
	for _, s := range segs {
		add(s.open)
		out = append(out, s)
		from = s.closeEnd
	}
	add(end)
	return out
}

func trimSpace(r []rune, i, j int) (int, int) {
	for i < j && unicode.IsSpace(r[i]) {
		i++
	}
	for j > i && unicode.IsSpace(r[j-1]) {
		j--
	}
	return i, j
}

// linkParagraphs joins quotations that run over several paragraphs: a
// paragraph whose last quotation is not closed, followed by one that opens
// with a quotation mark.
func linkParagraphs(segs []segment, paraStarts []int, r []rune) {
	for i := 0; i+1 < len(segs); i++ {
		a, b := &segs[i], &segs[i+1]
		if a.closed || b.para != a.para+1 {
			continue
		}
		// b must open its paragraph.
		ps := paraStarts[b.para]
		k := ps
		for k < b.open && unicode.IsSpace(r[k]) {
			k++
		}
		// and with a mark of the same kind: a paragraph opened by a
		// straight mark and never closed, then one opened by a curly
		// mark, is an excerpt's narrative quoted whole (the writer's
		// block quotation) before a line of its dialogue, not one
		// quotation
		if k == b.open && (r[a.open] == '"') == (r[b.open] == '"') {
			a.next, b.prev = i+1, i
		}
	}
}
