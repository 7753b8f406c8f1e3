package ingest

import (
	"slices"
)

// The passes here settle where a statement's content begins and ends once
// its cue is known, by the shape of the sentence around the quotation:
//
//   - a quotation closed before its speaker and cue (“A,” she said …) is
//     the statement; what follows the cue in that sentence is the writer's
//     narrative (“A,” she said several months later, and …), unless it
//     opens another quotation of the same statement (“A,” she said, “B.”);
//   - the quotations the rules join into one statement (“A,” she said.
//     “B.”, a quotation going on in the next paragraph) are all of its
//     content, whole, however the tagger cut them.

// trimNarrative drops from the contents cons of the cue c (with source
// src, empty when none) what follows the cue in its sentence when a
// quotation closed right before the speaker and cue: “A,” she said after
// the hearing, and … keeps “A”. A quotation after the cue stays, from its
// opening mark (“A,” she said, but “B”), unless another reporting verb
// stands before it, whose content it is (“A,” she said, adding that “B”).
func (d *doc) trimNarrative(c, src tspan, cons []tspan) []tspan {
	pi := d.paraAt(c.start)
	if pi < 0 || len(cons) < 2 && (len(cons) == 0 || cons[0].end <= c.end) {
		return cons
	}
	p := &d.paras[pi]
	ci, ce := tokRange(p, c.start, c.end)
	if ci >= ce {
		return cons
	}
	s0, s1 := 0, len(p.toks)
	for _, se := range p.sents {
		if ci >= se[0] && ci < se[1] {
			s0, s1 = se[0], se[1]
			break
		}
	}
	if !d.quoteBeforeCue(p, s0, ci, src) {
		return cons
	}
	sentEnd := p.toks[s1-1].end
	out := cons[:0:0]
	for _, x := range cons {
		if x.end <= c.end || x.start >= sentEnd {
			out = append(out, x)
			continue
		}
		if x.start < c.end {
			out = append(out, x) // over the cue: trimOwnCue's to settle
			continue
		}
		// x starts after the cue in its sentence
		i, j := tokRange(p, x.start, min(x.end, sentEnd))
		q := -1
		for k := i; k < j; k++ {
			t := p.toks[k]
			if t.kind == tokQuote {
				q = k
				break
			}
			if t.kind == tokWord && !t.capital && cueVerbs[t.lower] {
				break // another cue's content
			}
		}
		switch {
		case q >= 0:
			out = append(out, tspan{d.segs[p.toks[q].quote].open, x.end})
		case x.end > sentEnd:
			// the part in the next sentences stays
			if k := s1; k < len(p.toks) && p.toks[k].start < x.end {
				out = append(out, tspan{p.toks[k].start, x.end})
			}
		}
	}
	if len(out) == 0 {
		return cons
	}
	return out
}

// dropClaimed drops from the contents cons of the cue c the spans that
// begin in a later sentence holding a reporting verb of its own, outside
// quotations and outside the contents: that sentence's quotation is its
// cue's (“A,” Kim said. “B” to the committee, she added, …).
func (d *doc) dropClaimed(c tspan, cons []tspan) []tspan {
	pi := d.paraAt(c.start)
	if pi < 0 {
		return cons
	}
	p := &d.paras[pi]
	_, cs, ce := d.sentenceOf(p, c.start)
	out := cons[:0:0]
	for _, x := range cons {
		if x.start < ce || x.start < cs {
			out = append(out, x)
			continue
		}
		qi := d.paraAt(x.start)
		if qi < 0 {
			out = append(out, x)
			continue
		}
		q := &d.paras[qi]
		si, _, _ := d.sentenceOf(q, x.start)
		se := q.sents[si]
		claimed := false
		for k := se[0]; k < se[1] && !claimed; k++ {
			t := q.toks[k]
			if t.kind != tokWord || t.capital || !cueVerbs[t.lower] {
				continue
			}
			inside := false
			for _, y := range cons {
				inside = inside || t.start >= y.start && t.end <= y.end
			}
			claimed = !inside
		}
		if !claimed {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return cons
	}
	return out
}

// quoteBeforeCue reports whether a quotation opening the sentence from
// p.toks[s0] stands right before the cue at p.toks[ci], with only the
// speaker (src, or a short noun phrase), commas and adverbs between:
// “A,” she said; “A?” Graham asked; “A,” said Kim.
func (d *doc) quoteBeforeCue(p *para, s0, ci int, src tspan) bool {
	for k := ci - 1; k >= s0 && k >= ci-9; k-- {
		t := p.toks[k]
		switch {
		case t.kind == tokQuote:
			// the quotation opens the sentence: not one inside a
			// fronted phrase (Bemoaning the “phony system,” Trump
			// accused Holt of …)
			for m := s0; m < k; m++ {
				if p.toks[m].kind == tokWord {
					return false
				}
			}
			return true
		case src.end > src.start && t.start >= src.start && t.end <= src.end:
		case t.kind == tokPunct:
			if t.text != "," && t.text != "—" && t.text != "–" {
				return false
			}
		case t.kind == tokWord && (t.capital || skipWords[t.lower] || determiners[t.lower] || titleWords[t.lower] || isPronounTok(t)):
		default:
			return false
		}
	}
	return false
}

// wholeQuotations makes every quotation of a statement part of its
// content, whole: the tagger reads a window of words around the cue, so
// it may cut a long quotation short or leave out the quotation the rules
// joined to it (“A,” she said. “B.”). A statement that goes on from another
// in a new quotation with no cue of its own (“A,” she said. ¶ “B.”) is
// made one with it.
func (d *doc) wholeQuotations() {
	in := make(map[*attr]bool, len(d.atts))
	for _, a := range d.atts {
		in[a] = true
	}
	kept := d.atts[:0]
	for _, a := range d.atts {
		b := a.prev
		for b != nil && !in[b] && b.how == "cont" {
			b = b.prev // what it went on from went on from another
		}
		if a.how == "cont" && b != nil && in[b] && a.cue == nil && !d.cueLater(a) {
			cs := append(slices.Clone(d.contentOf(b)), d.contentOf(a)...)
			b.contents = cs
			b.segs = append(b.segs, a.segs...)
			slices.Sort(b.segs)
			in[a] = false
			continue
		}
		kept = append(kept, a)
	}
	d.atts = kept
	// a quotation no one was given that goes on right where a content
	// ends (“… questions, including,” “Mr. Trump, …?”) is its end
	owned := make(map[int]bool, len(d.segs))
	for _, a := range d.atts {
		for _, si := range a.segs {
			owned[si] = true
		}
	}
	for si, s := range d.segs {
		if owned[si] {
			continue
		}
		for _, a := range d.atts {
			if n := len(a.contents); n > 0 && a.contents[n-1].end <= s.open && d.onlyPunctBetween(a.contents[n-1].end, s.open) {
				a.contents[n-1].end = s.closeEnd
				a.segs = append(a.segs, si)
				owned[si] = true
				break
			}
		}
	}
	for _, a := range d.atts {
		if len(a.contents) == 0 || len(a.segs) == 0 {
			continue
		}
		cs := slices.Clone(a.contents)
		for _, si := range a.segs {
			s := d.segs[si]
			if d.segOpens(a, s) {
				cs = append(cs, tspan{s.open, s.closeEnd})
			}
		}
		a.contents = unionSpans(cs)
	}
}

// segOpens reports whether the quotation s of a opens a part of its
// statement: it overlaps a's content, or only punctuation stands between
// it and the start of its sentence or a's content, cue, source or another
// of its quotations (“A,” she said, “B.”). A quotation inside a fronted
// phrase (Bemoaning the “phony system,” Trump accused Holt of …) does not.
func (d *doc) segOpens(a *attr, s segment) bool {
	for _, c := range a.contents {
		if c.start < s.closeEnd && s.open < c.end {
			return true
		}
	}
	pi := d.paraAt(s.open)
	if pi < 0 {
		return false
	}
	p := &d.paras[pi]
	k, _ := tokRange(p, s.open, s.closeEnd)
	s0 := 0
	for _, se := range p.sents {
		if k >= se[0] && k < se[1] {
			s0 = se[0]
		}
	}
	within := func(m *Mention, t token) bool { return m != nil && t.start >= m.Start && t.end <= m.End }
	// after its cue in the sentence, with no other reporting verb between:
	// “A,” Kim told the paper on Monday, “B.”
	if a.cue != nil && a.cue.End <= s.open && a.cue.Start >= p.toks[s0].start {
		other := false
		for j := k - 1; j >= s0 && p.toks[j].start >= a.cue.End; j-- {
			if t := p.toks[j]; t.kind == tokWord && !t.capital && cueVerbs[t.lower] || t.kind == tokQuote {
				other = true
			}
		}
		if !other {
			return true
		}
	}
	for j := k - 1; j >= s0; j-- {
		t := p.toks[j]
		switch {
		case t.kind == tokQuote && slices.Contains(a.segs, t.quote), within(a.cue, t), within(a.src, t):
			return true
		case t.kind == tokPunct:
		default:
			for _, c := range a.contents {
				if t.start >= c.start && t.end <= c.end {
					return true
				}
			}
			return false
		}
	}
	return true
}

// cueLater reports whether another statement's cue follows the last
// quotation of a in its paragraph (“A.” ― Jane Roe; “A. B,” she said):
// then a is that statement's, not a continuation.
func (d *doc) cueLater(a *attr) bool {
	if len(a.segs) == 0 {
		return false
	}
	s := d.segs[a.segs[len(a.segs)-1]]
	pi := d.paraAt(s.open)
	for _, b := range d.atts {
		if b != a && b.cue != nil && b.cue.Start >= s.closeEnd && d.paraAt(b.cue.Start) == pi {
			return true
		}
	}
	return false
}

// onlyPunctBetween reports whether only spaces and punctuation other than
// sentence ends stand between offsets i and j of one paragraph.
func (d *doc) onlyPunctBetween(i, j int) bool {
	if j-i > 6 || d.paraAt(i) != d.paraAt(j) {
		return false
	}
	for k := i; k < j; k++ {
		switch r := d.r[k]; {
		case isSpaceRune(r), r == ',', r == ':', r == '"', isDoubleClose(r), r == '’':
		default:
			return false
		}
	}
	return true
}

// unionSpans sorts spans and merges those that overlap.
func unionSpans(cs []tspan) []tspan {
	slices.SortFunc(cs, func(x, y tspan) int { return x.start - y.start })
	out := cs[:0]
	for _, c := range cs {
		if n := len(out); n > 0 && c.start < out[n-1].end {
			out[n-1].end = max(out[n-1].end, c.end)
			continue
		}
		out = append(out, c)
	}
	return out
}
