package ingest

// The passes here find a statement's source by the shape of its sentence
// where the tagger gives none or gives one that cannot be a speaker: a
// source is a noun phrase, so a span that opens with a preposition, a
// time or an adverb ("on Saturday night at the gala", "this month on
// CNBC", "despite"), or a possessive right after the cue ("cited Trump's
// remarks"), is none.

// sourcePreps open a phrase that is never a source.
var sourcePreps = set(`to on in at for with by from of about during after before despite since through via
	into onto over under upon than while although though because if unless until whether`)

// badSource reports whether the tagger's source span src of the cue c
// cannot be a speaker.
func (d *doc) badSource(p *para, src, c tspan) bool {
	i, e := tokRange(p, src.start, src.end)
	if i >= e {
		return false
	}
	t := p.toks[i]
	switch {
	case t.kind != tokWord:
		return t.kind == tokPunct
	case sourcePreps[t.lower]:
		return true
	case !t.capital && len(t.lower) > 4 && t.lower[len(t.lower)-2:] == "ly" && e-i == 1:
		return true // "egregiously"
	case (t.is("this", "last", "next", "earlier", "later") || timeWords[t.lower] || isDay(t.lower)) && !t.capital &&
		(i+1 >= e || timeWords[p.toks[i+1].lower] || isDay(p.toks[i+1].lower)):
		return true // "this month on CNBC"
	}
	// a possessive right after the cue is the object's: "cited Trump's
	// past references"
	if src.start >= c.end && p.toks[e-1].poss {
		k, _ := tokRange(p, c.end, src.start)
		if k == i {
			return true
		}
	}
	return false
}

// speakerBesideQuote gives a statement with no source the speaker that
// stands beside its quotation and cue: the noun phrase between them
// (“A,” the ruling said), or the one after a cue that follows the
// quotation and closes the sentence (“A,” said 9/11 widow Jane Roe.).
func (d *doc) speakerBesideQuote(a *attr) {
	pi := d.paraAt(a.cue.Start)
	if pi < 0 {
		return
	}
	p := &d.paras[pi]
	ci, ce := tokRange(p, a.cue.Start, a.cue.End)
	if ci >= ce {
		return
	}
	s0, s1 := 0, len(p.toks)
	for _, se := range p.sents {
		if ci >= se[0] && ci < se[1] {
			s0, s1 = se[0], se[1]
		}
	}
	if !d.quoteBeforeCue(p, s0, ci, tspan{}) {
		return
	}
	q := ci - 1
	for q >= s0 && p.toks[q].kind != tokQuote {
		q--
	}
	i, e := q+1, ci
	for i < e && p.toks[i].kind == tokPunct {
		i++
	}
	if i == e {
		// “A,” said Jane Roe, a neighbour. / “A,” said Jane Roe.
		i, e = ce, ce
		for e < s1 && e-i < 12 && (p.toks[e].kind == tokWord || p.toks[e].text == "/" || p.toks[e].text == "-") {
			e++
		}
		e = skipParenthesis(p.toks, e, s1)
		if i == e || e < s1 && p.toks[e].text != "," && p.toks[e].text != "." || sourcePreps[p.toks[i].lower] ||
			timeWords[p.toks[i].lower] || isDay(p.toks[i].lower) {
			return
		}
	}
	for e > i && (p.toks[e-1].kind != tokWord || skipWords[p.toks[e-1].lower] || isDay(p.toks[e-1].lower)) {
		e--
	}
	if e-i > 12 || i >= e || sourcePreps[p.toks[i].lower] {
		return
	}
	a.para = pi
	d.setSpeaker(a, p, i, e)
}

// participleSubject gives a cue that opens its sentence as a participle
// ("Bemoaning the “phony system,” Trump accused …", "After saying her
// foot was “swollen,” she was …") the subject of the main clause: the
// noun phrase after the participle's clause ends with a comma.
func (d *doc) participleSubject(a *attr) {
	pi := d.paraAt(a.cue.Start)
	if pi < 0 {
		return
	}
	p := &d.paras[pi]
	ci, ce := tokRange(p, a.cue.Start, a.cue.End)
	if ci >= ce || p.toks[ci].kind != tokWord || len(p.toks[ci].lower) < 5 || p.toks[ci].lower[len(p.toks[ci].lower)-3:] != "ing" {
		return
	}
	s0, s1 := 0, len(p.toks)
	for _, se := range p.sents {
		if ci >= se[0] && ci < se[1] {
			s0, s1 = se[0], se[1]
		}
	}
	// the participle opens the sentence, or follows one preposition
	if !(ci == s0 || ci == s0+1 && p.toks[s0].is("after", "before", "while", "by", "upon", "on", "in", "when", "since")) {
		return
	}
	for k := ce; k < s1 && k < ce+30; k++ {
		t := p.toks[k]
		comma := t.kind == tokPunct && t.text == ","
		if t.kind == tokQuote {
			q := d.segs[t.quote]
			comma = q.end > q.start && d.r[q.end-1] == ','
		}
		if !comma {
			continue
		}
		e := npForward(p.toks, k+1, s1)
		if e == k+1 || e >= s1 || p.toks[e].kind != tokWord || p.toks[e].capital {
			return
		}
		a.para = pi
		d.setSpeaker(a, p, k+1, e)
		// the participle's content ends where the main clause begins
		cut := t.start
		if t.kind == tokQuote {
			cut = d.segs[t.quote].closeEnd
		}
		out := a.contents[:0]
		for _, c := range a.contents {
			if c.start < cut {
				out = append(out, tspan{c.start, min(c.end, cut)})
			}
		}
		if len(out) > 0 {
			a.contents = out
		}
		return
	}
}
