package ingest

import (
	"strings"
	"unicode"

	"github.com/graphd/graphd/graph"
)

// The extractor works paragraph by paragraph, since sentence splitters break
// multi-sentence quotations:
//
//  1. paragraphs are lines; quotation segments are found in each, and a
//     quotation left open at the end of a paragraph continues into the next
//     when that one opens with a mark;
//  2. each paragraph is tokenized with every quotation as one token, and
//     split into sentences around them;
//  3. the people of the article are collected with their fullest names and
//     titles, so that "Peskov" resolves to Dmitry Peskov;
//  4. each quotation is attributed by the shape of its sentence: a speaker
//     and cue after it ("…,” he said"), a colon before it, a reporting verb
//     with its subject earlier in the sentence (partial quotes), a
//     continuation of the previous speaker, or nobody; sentences without
//     quotation marks are tried for indirect speech.

type para struct {
	start, end int
	toks       []token
	sents      [][2]int // token index ranges
}

type attr struct {
	segs     []int // quotation segments, in order
	content  [2]int
	contents []tspan // the reported content, as the tagger marks it
	kind     string
	para     int
	sent     int
	how      string // right, colon, left, quoting, join, cont, none, indirect, tagger, headline
	src      *Mention
	person   int // index into people, or -1
	name     string
	titles   []string
	cue      *Mention
	venue    *Venue
	conf     float64
	prev     *attr // the attribution a continuation ("cont") continues
	goesOn   *attr // the attribution of its sentence whose source a sourceless cue goes on with ("said, adding")
	// what speaker resolution decided (speaker.go)
	speaker string
	stype   string
	stitles []string

	// tcue tells that the cue is the first stage's, and margin is that
	// stage's score for its first word as a cue over the best other label,
	// before the cue bias (the verifier's features, verify.go)
	tcue   bool
	margin float32
}

type doc struct {
	r      []rune
	src    *source
	paras  []para
	segs   []segment
	segAtt map[int]*attr
	people []*person
	ments  []mention
	atts   []*attr
	// piece: the text is a piece of a longer article after its first
	// (maxChunkBytes), so its first paragraph is no headline
	piece bool
}

func newDoc(text string) *doc { return newDocFrom(newSource(text)) }

// newDocFrom reads the paragraphs, quotations, tokens and people of src.
func newDocFrom(src *source) *doc {
	r := src.r
	// quotation marks typed as two apostrophes are read as double ones
	// while the quotations and tokens are found (a search of the string
	// is cheaper than a look at every rune, and most texts have none)
	var changed []int
	if strings.Contains(src.s, "''") {
		changed = doubledApostrophes(r, nil)
	}
	d := &doc{r: r, src: src, segAtt: make(map[int]*attr)}
	var starts []int
	for i := 0; i <= len(r); {
		j := i
		for j < len(r) && r[j] != '\n' {
			j++
		}
		s, e := trimSpace(r, i, j)
		if e > s {
			d.paras = append(d.paras, para{start: s, end: e})
			starts = append(starts, s)
		}
		i = j + 1
	}
	for pi := range d.paras {
		p := &d.paras[pi]
		first := len(d.segs)
		d.segs = append(d.segs, findSegments(r, p.start, p.end, pi)...)
		p.toks = tokenize(d.src, p.start, p.end, d.segs[first:], first)
		p.sents = splitSentences(r, d.segs, p.toks)
	}
	linkParagraphs(d.segs, starts, r)
	restoreApostrophes(r, changed)
	d.collectPeople()
	return d
}

// maxSentenceTokens is the longest sentence the rules read; a longer run
// of tokens without a sentence end (a list, a text without punctuation) is
// cut into sentences of that many.
const maxSentenceTokens = 250

// splitSentences splits a paragraph's tokens at sentence ends outside
// quotations.
func splitSentences(r []rune, segs []segment, toks []token) [][2]int {
	var out [][2]int
	s := 0
	paren := 0 // open parentheses: a period inside one ends no sentence ("Rep. Jane Roe (D-N.C.) said")
	for i, t := range toks {
		end := false
		switch t.kind {
		case tokPunct:
			switch t.text {
			case "(":
				paren++
			case ")":
				paren = max(0, paren-1)
			}
			end = (t.text == "." || t.text == "!" || t.text == "?") && (paren == 0 || i-s >= maxSentenceTokens/2)
		case tokQuote:
			q := segs[t.quote]
			if q.end > q.start {
				c := r[q.end-1]
				end = (c == '.' || c == '!' || c == '?') && i+1 < len(toks) &&
					(toks[i+1].kind == tokQuote || toks[i+1].capital && !speakerFollows(toks, i+1))
			}
		}
		if end && i+1 < len(toks) && toks[i+1].kind == tokPunct && strings.ContainsAny(toks[i+1].text, ")],;") {
			end = false
		}
		// an abbreviation's period: "Jane Roe, of Dayton, Va., said", "Va. officials"
		if end && t.text == "." && i+1 < len(toks) && toks[i+1].kind == tokWord && !toks[i+1].capital && i > 0 && toks[i-1].capital {
			end = false
		}
		if i+1-s >= maxSentenceTokens {
			end = true // a run-on "sentence" is cut, for the rules scan sentences per quotation
		}
		if end {
			out = append(out, [2]int{s, i + 1})
			s = i + 1
			paren = 0
		}
	}
	if s < len(toks) {
		out = append(out, [2]int{s, len(toks)})
	}
	return out
}

// speakerFollows reports whether the tokens from toks[j] on, after a
// quotation that ends in a period, a question or an exclamation mark, are
// its speaker and cue closing the sentence: “…?” Graham asked. “…!” the
// crowd chanted, waving flags. They are not when the cue introduces a
// quotation of its own (“A.” She adds, “B”) or a clause (“A.” Officials
// found that …): then the quotation's sentence has ended.
func speakerFollows(toks []token, j int) bool {
	k := j
	for k < len(toks) && k-j < 7 && toks[k].kind == tokWord && !(cueVerbs[toks[k].lower] && !toks[k].capital) {
		k++
	}
	if k == j || k >= len(toks) || toks[k].kind != tokWord || !cueVerbs[toks[k].lower] || toks[k].capital || weakCues[toks[k].lower] {
		return false
	}
	// what follows the cue: a few words (a time, a place, an addressee)
	// up to the sentence's end or a comma that opens no quotation
	m := k + 1
	for ; m < len(toks) && m <= k+8; m++ {
		t := toks[m]
		switch {
		case t.kind == tokQuote:
			return false
		case t.kind == tokPunct && t.text == ",":
			return m+1 >= len(toks) || toks[m+1].kind != tokQuote && !toks[m+1].is("that")
		case t.kind == tokPunct:
			return t.text != ":"
		case t.is("that"):
			return false
		}
	}
	return m >= len(toks)
}

func isPronounTok(t token) bool {
	_, ok := personPronouns[t.lower]
	return ok && t.kind == tokWord
}

func (d *doc) isCue(t token, sentStart bool) bool {
	if t.kind != tokWord || (t.capital && !sentStart) {
		return false
	}
	return cueVerbs[t.lower]
}

// attributeAll attributes every quotation and indirect statement.
func (d *doc) attributeAll() {
	var last *attr
	for pi := range d.paras {
		p := &d.paras[pi]
		for si, se := range p.sents {
			hasQuote := false
			for k := se[0]; k < se[1]; k++ {
				t := p.toks[k]
				if t.kind != tokQuote {
					continue
				}
				hasQuote = true
				seg := t.quote
				if prev := d.segs[seg].prev; prev >= 0 && d.segAtt[prev] != nil {
					a := d.segAtt[prev]
					a.segs = append(a.segs, seg)
					d.segAtt[seg] = a
					continue
				}
				if d.segAtt[seg] != nil {
					continue // joined to an earlier attribution
				}
				a := d.attribute(pi, si, k, last)
				if a == nil {
					continue
				}
				if a.how != "join" {
					d.atts = append(d.atts, a)
				}
				if a.person >= 0 || a.name != "" {
					last = a
				}
			}
			if !hasQuote {
				if a := d.indirect(pi, si); a != nil {
					d.atts = append(d.atts, a)
				}
			}
		}
	}
}

// attribute finds the speaker of the quotation token k of sentence si.
func (d *doc) attribute(pi, si, k int, last *attr) *attr {
	p := &d.paras[pi]
	s0, s1 := p.sents[si][0], p.sents[si][1]
	seg := p.toks[k].quote
	a := &attr{segs: []int{seg}, para: pi, sent: si, person: -1, kind: graph.KindDirect}
	d.segAtt[seg] = a

	if d.isTitle(p, s0, k) {
		a.how, a.kind, a.conf = "none", graph.KindPartial, 0.3
		return a
	}
	if d.attrRight(a, p, s0, s1, k) || d.attrColon(a, p, s0, k) || d.attrColonAbove(a, pi, si, k) {
		a.conf = 0.95
		d.joinAfter(a, p, s1, k)
	} else if d.attrQuoting(a, p, s0, s1, k) || d.attrLeft(a, p, s0, s1, k) {
		a.conf = 0.85
		a.kind = d.embeddedKind(seg, p, s0, s1, k)
	} else if d.onlyQuote(p, s0, s1, k) && last != nil && last.kind == graph.KindDirect && last.how != "none" &&
		(last.para == pi || last.para == pi-1 && d.paraIsQuote(pi)) {
		if last.para == pi && last.how != "cont" && (last.sent == si-1) {
			// “A,” he said. “B.”: one attribution in several spans.
			last.segs = append(last.segs, seg)
			d.segAtt[seg] = last
			a.how = "join"
			return a
		}
		a.how = "cont"
		a.person, a.name, a.titles, a.prev = last.person, last.name, last.titles, last
		a.conf = 0.7
	} else {
		a.how = "none"
		a.kind = d.embeddedKind(seg, p, s0, s1, k)
		a.conf = 0.3
	}
	if a.person < 0 && a.name == "" && a.how != "none" {
		a.conf -= 0.25
	}
	if a.src != nil && isPronounWord(a.src.Text) {
		a.conf -= 0.1
	}
	return a
}

func isPronounWord(s string) bool {
	_, ok := personPronouns[strings.ToLower(s)]
	return ok
}

// titleWords name what a quoted title is the title of: "the film “13th”".
var titleNouns = set(`show program programme film movie documentary book memoir album song series episode
	segment column article essay ad video titled entitled dubbed named`)

// isTitle reports whether the quotation token k of the sentence from s0
// is a title, not words anyone said: a few capitalized words after a
// possessive or a noun of what is titled ("on CBS's “Face the Nation,”",
// "the 30-second spot, titled “Arrogant,”", "the documentary “13th”").
func (d *doc) isTitle(p *para, s0, k int) bool {
	if k == s0 {
		return false
	}
	prev := p.toks[k-1]
	if prev.text == "," && k-2 >= s0 {
		prev = p.toks[k-2]
	}
	if prev.kind != tokWord || !(prev.poss && prev.capital || titleNouns[prev.lower] || prev.is("on")) {
		return false
	}
	q := d.segs[p.toks[k].quote]
	words := 0
	for _, w := range strings.Fields(string(d.r[q.start:q.end])) {
		w = strings.Trim(w, ",.!?;:")
		if w == "" {
			continue
		}
		words++
		if c := []rune(w)[0]; len(w) > 3 && unicode.IsLower(c) || words > 8 {
			return false
		}
	}
	if words == 0 || strings.ContainsAny(string(d.r[q.start:q.end]), ".!?") && !(words <= 4 && prev.poss) {
		return false
	}
	// "on" alone titles only a show: "on “Face the Nation,” Sen. Roe said"
	return !prev.is("on") || words >= 2
}

// onlyQuote reports whether the sentence holds nothing but the quotation and
// punctuation.
func (d *doc) onlyQuote(p *para, s0, s1, k int) bool {
	for i := s0; i < s1; i++ {
		if i != k && p.toks[i].kind == tokWord {
			return false
		}
	}
	return true
}

// paraIsQuote reports whether paragraph pi opens with a quotation.
func (d *doc) paraIsQuote(pi int) bool {
	p := &d.paras[pi]
	return len(p.toks) > 0 && p.toks[0].kind == tokQuote
}

func (d *doc) embeddedKind(seg int, p *para, s0, s1, k int) string {
	q := d.segs[seg]
	words := len(strings.Fields(string(d.r[q.start:q.end])))
	first := d.r[q.start]
	lastc := d.r[q.end-1]
	standalone := k == s0 || p.toks[k-1].text == ":" || p.toks[k-1].text == ","
	if standalone && unicode.IsUpper(first) && words >= 4 {
		return graph.KindDirect
	}
	if words < 6 && !(unicode.IsUpper(first) && strings.ContainsRune(".!?", lastc) && words >= 3) {
		return graph.KindPartial
	}
	return graph.KindDirect
}

// attrRight matches a speaker and cue after the quotation: “…,” he said;
// “…,” said Peskov; “…” ― Name.
func (d *doc) attrRight(a *attr, p *para, s0, s1, k int) bool {
	i := k + 1
	dash := false
	for i < s1 && p.toks[i].kind == tokPunct && strings.ContainsAny(p.toks[i].text, ",—–―-") {
		if p.toks[i].text != "," {
			dash = true
		}
		i++
	}
	if i >= s1 {
		return false
	}
	cueAt, npFrom, npTo := -1, -1, -1
	if d.isCue(p.toks[i], false) {
		cueAt = i
		npFrom = i + 1
		npTo = npForward(p.toks, npFrom, s1)
		if npTo == npFrom {
			return false
		}
	} else {
		npFrom = i
		npTo = npForward(p.toks, i, s1)
		if npTo == npFrom {
			return false
		}
		j := skipParenthesis(p.toks, npTo, s1)
		// a noun phrase with a prepositional phrase after its head: “…?”
		// a narrator in the ad asks; “…,” the mayor of Dayton said
		if j < s1 && j == npTo && p.toks[j].is("of", "for", "in", "at", "with", "from") {
			k := j + 1
			for k < s1 && k-j <= 6 && p.toks[k].kind == tokWord && !d.isCue(p.toks[k], false) {
				k++
			}
			if k < s1 && k > j+1 && d.isCue(p.toks[k], false) {
				npTo, j = k, k
			}
		}
		for j < s1 && p.toks[j].kind == tokWord && skipWords[p.toks[j].lower] && !d.isCue(p.toks[j], false) {
			j++
		}
		if j < s1 && d.isCue(p.toks[j], false) {
			cueAt = j
		} else if dash && npTo > npFrom {
			// “…” ― Name
			t := p.toks[i-1]
			a.cue = &Mention{Text: t.text, Start: t.start, End: t.end}
		} else {
			return false
		}
	}
	a.how = "right"
	d.setSpeaker(a, p, npFrom, npTo)
	if cueAt >= 0 {
		d.setCue(a, p, cueAt)
	}
	return a.person >= 0 || a.name != "" || a.src != nil
}

// skipParenthesis returns the index after a short parenthesis opening at
// toks[j], a party and state after a name ("Rep. Jane Roe (D-Ohio)
// said"), or j when none opens there.
func skipParenthesis(toks []token, j, s1 int) int {
	if j >= s1 || toks[j].text != "(" {
		return j
	}
	for k := j + 1; k < s1 && k <= j+6; k++ {
		if toks[k].text == ")" {
			return k + 1
		}
		if toks[k].kind == tokQuote {
			break
		}
	}
	return j
}

// colonReach is how many words before a colon its cue may be.
const colonReach = 6

// attrColon matches "Name said: “…”", "Name said in a statement: “…”" and
// "Name: ‘…’".
func (d *doc) attrColon(a *attr, p *para, s0, k int) bool {
	if k-1 < s0 || p.toks[k-1].text != ":" {
		return false
	}
	j := k - 1
	cueAt := -1
	// the cue, and between it and the colon words of the venue: "said
	// in a statement:", "told reporters:"
	for c := j - 1; c >= s0 && c >= j-colonReach; c-- {
		t := p.toks[c]
		if t.kind != tokWord {
			break
		}
		if d.isCue(t, c == s0) {
			cueAt = c
			j = c
			break
		}
	}
	i, e := npBackward(p.toks, s0, j)
	if i == e {
		return false
	}
	a.how = "colon"
	d.setSpeaker(a, p, i, e)
	if cueAt >= 0 {
		d.setCue(a, p, cueAt)
	} else {
		t := p.toks[k-1]
		a.cue = &Mention{Text: t.text, Start: t.start, End: t.end}
	}
	return a.person >= 0 || a.name != ""
}

// attrColonAbove matches a quotation that opens a paragraph below one
// that ends in a colon: "The minister said in a statement:" and, as the
// next paragraph, “…”.
func (d *doc) attrColonAbove(a *attr, pi, si, k int) bool {
	if si != 0 || k != 0 || pi == 0 {
		return false
	}
	qi := pi - 1 // blank lines are no paragraphs
	q := &d.paras[qi]
	n := len(q.toks)
	if n == 0 || len(q.sents) == 0 || q.toks[n-1].text != ":" {
		return false
	}
	last := len(q.sents) - 1
	a.para, a.sent = qi, last // where the speaker is, for pronouns
	ok := d.attrColon(a, q, q.sents[last][0], n)
	a.para, a.sent = pi, si
	return ok
}

// attrQuoting matches "Reuters, quoting Peskov, reported that … “…”": the
// quoted person speaks and the medium is the venue.
func (d *doc) attrQuoting(a *attr, p *para, s0, s1, k int) bool {
	for i := s0; i < k; i++ {
		t := p.toks[i]
		if t.kind != tokWord || !t.is("quoting", "citing", "cited", "quoted") {
			continue
		}
		e := npForward(p.toks, i+1, k)
		if e == i+1 {
			continue
		}
		a.how = "quoting"
		d.setSpeaker(a, p, i+1, e)
		if a.person < 0 {
			a.src, a.name, a.titles = nil, "", nil
			a.how = ""
			continue
		}
		// the cue is the reporting verb of the sentence, else the citing word
		cueAt := i
		for c := e; c < k; c++ {
			if d.isCue(p.toks[c], false) {
				cueAt = c
				break
			}
		}
		d.setCue(a, p, cueAt)
		// the medium is the subject before "quoting"
		j := i
		for j > s0 && p.toks[j-1].kind == tokPunct {
			j--
		}
		if ms, me := npBackward(p.toks, s0, j); me > ms {
			if v := d.mediumVenue(p, ms, me); v != nil {
				a.venue = v
			}
		}
		if a.venue == nil && cueAt != i {
			ms, me := npBackward(p.toks, s0, cueAt)
			if me > ms {
				a.venue = d.mediumVenue(p, ms, me)
			}
		}
		return true
	}
	return false
}

// attrLeft matches a reporting verb with its subject earlier in the sentence:
// "Peskov said the meeting “will be …”", "Kallas warned Trump against “…”",
// or "…, according to Name".
func (d *doc) attrLeft(a *attr, p *para, s0, s1, k int) bool {
	for c := s0; c < k; c++ {
		t := p.toks[c]
		if t.kind == tokWord && t.lower == "according" && c+1 < s1 && p.toks[c+1].lower == "to" {
			e := npForward(p.toks, c+2, s1)
			if e > c+2 {
				a.how = "left"
				d.setSpeaker(a, p, c+2, e)
				a.cue = &Mention{Text: string(d.r[t.start:p.toks[c+1].end]), Start: t.start, End: p.toks[c+1].end}
				return true
			}
		}
		if !d.isCue(t, c == s0) || isPassive(p.toks, s0, c) {
			continue
		}
		i, e := npBackward(p.toks, s0, c)
		if i == e {
			continue
		}
		if weakCues[t.lower] && !d.npHasName(p, i, e) {
			continue
		}
		a.how = "left"
		d.setSpeaker(a, p, i, e)
		if a.person < 0 && a.name == "" && !d.npIsRole(p, i, e) {
			a.how, a.src, a.titles = "", nil, nil
			continue
		}
		d.setCue(a, p, c)
		return true
	}
	// “…”, according to Name.
	for c := k + 1; c+1 < s1; c++ {
		t := p.toks[c]
		if t.lower == "according" && p.toks[c+1].lower == "to" {
			e := npForward(p.toks, c+2, s1)
			if e > c+2 {
				a.how = "left"
				d.setSpeaker(a, p, c+2, e)
				a.cue = &Mention{Text: string(d.r[t.start:p.toks[c+1].end]), Start: t.start, End: p.toks[c+1].end}
				return true
			}
		}
	}
	return false
}

// joinAfter adds to a the quotations that continue it within the sentence:
// “A,” he said, “B.”
func (d *doc) joinAfter(a *attr, p *para, s1, k int) {
	for i := k + 1; i < s1; i++ {
		t := p.toks[i]
		if t.kind == tokWord && !t.capital && cueVerbs[t.lower] && (a.cue == nil || t.start != a.cue.Start) {
			return // “A,” she said, suggesting … “B”: another cue's
		}
		if t.kind == tokQuote {
			if d.segAtt[t.quote] == nil && i > 0 && p.toks[i-1].text == "," {
				a.segs = append(a.segs, t.quote)
				d.segAtt[t.quote] = a
			}
			return
		}
	}
}

func (d *doc) setCue(a *attr, p *para, c int) {
	t := p.toks[c]
	a.cue = &Mention{Text: string(d.r[t.start:t.end]), Start: t.start, End: t.end}
}

// indirect tries the sentence for reported speech without quotation marks:
// "Name said (that) …", "…, Name said." and "According to Name, …".
func (d *doc) indirect(pi, si int) *attr {
	p := &d.paras[pi]
	s0, s1 := p.sents[si][0], p.sents[si][1]
	end := s1
	for end > s0 && p.toks[end-1].kind == tokPunct {
		end--
	}
	if end-s0 < 5 {
		return nil
	}
	a := &attr{para: pi, sent: si, person: -1, kind: graph.KindIndirect, how: "indirect"}
	// According to Name, content.
	if p.toks[s0].lower == "according" && s0+1 < end && p.toks[s0+1].lower == "to" {
		e := npForward(p.toks, s0+2, end)
		if e > s0+2 && e < end && p.toks[e].text == "," {
			d.setSpeaker(a, p, s0+2, e)
			t := p.toks[s0]
			a.cue = &Mention{Text: string(d.r[t.start:p.toks[s0+1].end]), Start: t.start, End: p.toks[s0+1].end}
			return d.finishIndirect(a, p, e+1, end)
		}
	}
	for c := s0; c < end; c++ {
		t := p.toks[c]
		if t.lower == "according" && c+1 < end && p.toks[c+1].lower == "to" && c > s0 && p.toks[c-1].text == "," {
			e := npForward(p.toks, c+2, end)
			if e > c+2 && e == end {
				d.setSpeaker(a, p, c+2, e)
				a.cue = &Mention{Text: string(d.r[t.start:p.toks[c+1].end]), Start: t.start, End: p.toks[c+1].end}
				return d.finishIndirect(a, p, s0, c-1)
			}
		}
		if !d.isCue(t, c == s0) || weakCues[t.lower] || t.lower == "saying" || strings.HasSuffix(t.lower, "ing") || isPassive(p.toks, s0, c) {
			continue
		}
		i, e := npBackward(p.toks, s0, c)
		if i == e {
			continue
		}
		d.setSpeaker(a, p, i, e)
		if a.person < 0 && a.name == "" {
			a.src, a.titles = nil, nil
			continue
		}
		d.setCue(a, p, c)
		// Content, Name said.
		if i > s0 && p.toks[i-1].text == "," && d.onlyAdjuncts(p, c+1, end) {
			return d.finishIndirect(a, p, s0, i-1)
		}
		// Name said (to X) (that) content.
		j := c + 1
		if t.is("told", "tell", "tells", "telling") {
			j = npForward(p.toks, j, end)
		}
		j = d.skipAdjuncts(p, j, end)
		if j < end && p.toks[j].is("that") {
			j++
		}
		if j < end && (p.toks[j].is("to", "of", "for", "about", "on", "in", "with", "against", "at", "by", "from")) {
			return nil
		}
		return d.finishIndirect(a, p, j, end)
	}
	return nil
}

func (d *doc) finishIndirect(a *attr, p *para, i, e int) *attr {
	for e > i && p.toks[e-1].kind == tokPunct {
		e--
	}
	for i < e && p.toks[i].kind == tokPunct {
		i++
	}
	if e-i < 3 {
		return nil
	}
	a.content = [2]int{p.toks[i].start, p.toks[e-1].end}
	a.conf = 0.6
	if a.person < 0 {
		a.conf = 0.45
	}
	return a
}

// skipAdjuncts skips time phrases and venue phrases after a cue ("on
// Sunday", "this week", "in a statement", "at a news conference in Moscow").
func (d *doc) skipAdjuncts(p *para, j, end int) int {
	for j < end {
		t := p.toks[j]
		if t.kind == tokPunct && t.text == "," {
			j++
			continue
		}
		if t.kind != tokWord {
			return j
		}
		if skipWords[t.lower] && !t.is("that", "this") || t.is("this") && j+1 < end && skipWords[p.toks[j+1].lower] {
			j++
			continue
		}
		if t.is("on", "at", "in", "during", "over", "to") && j+1 < end {
			// a short prepositional phrase that names a time or a venue
			e := j + 1
			for e < end && e-j <= 8 && p.toks[e].kind == tokWord && !p.toks[e].is("that") {
				if venueHeads[p.toks[e].lower] != "" || skipWords[p.toks[e].lower] || audienceWords[p.toks[e].lower] {
					for e < end && p.toks[e].kind == tokWord && !p.toks[e].is("that") && e-j <= 8 {
						e++
					}
					if e < end && p.toks[e].is("that") || e < end && p.toks[e].text == "," {
						j = e
						goto next
					}
					return j
				}
				e++
			}
			return j
		}
		return j
	next:
	}
	return j
}

// onlyAdjuncts reports whether tokens i..e hold only adjuncts: time words
// and venue phrases ("on Sunday", "in a statement", "told reporters").
func (d *doc) onlyAdjuncts(p *para, i, e int) bool {
	if e-i > 12 {
		return false
	}
	for j := i; j < e; j++ {
		t := p.toks[j]
		switch {
		case t.kind == tokPunct:
		case t.kind == tokQuote:
			return false
		case t.capital, skipWords[t.lower], isDay(t.lower), determiners[t.lower],
			venueHeads[t.lower] != "", audienceWords[t.lower], mediaWords[t.lower] != "",
			t.is("on", "at", "in", "during", "to", "over", "before", "after", "with", "a", "an", "news", "press", "interview"):
		default:
			return false
		}
	}
	return true
}

// isPassive reports whether the cue at c is a passive participle ("the
// talks were confirmed"), which has no speaker before it.
func isPassive(toks []token, s0, c int) bool {
	for j := c - 1; j >= s0 && j >= c-3; j-- {
		switch toks[j].lower {
		case "was", "were", "is", "are", "been", "be", "being", "get", "got", "gets":
			return true
		}
		if !skipWords[toks[j].lower] {
			return false
		}
	}
	return false
}

// results converts the attributions to the exported form in text order.
func (d *doc) results() []Attribution {
	out := make([]Attribution, 0, len(d.atts))
	for _, a := range d.atts {
		var at Attribution
		for _, c := range a.contents {
			at.Content = append(at.Content, Span{c.start, c.end})
		}
		if a.kind == graph.KindIndirect {
			if len(a.contents) == 0 {
				at.Spans = []Span{{a.content[0], a.content[1]}}
			}
			var parts []string
			at.Spans = append(at.Spans, at.Content...)
			for _, sp := range at.Spans {
				parts = append(parts, string(d.r[sp.Start:sp.End]))
			}
			at.Quote = strings.Join(parts, " ")
			if len(at.Content) == 0 {
				at.Content = at.Spans
			}
		} else {
			if len(at.Content) == 0 {
				for _, si := range a.segs {
					at.Content = append(at.Content, Span{d.segs[si].open, d.segs[si].closeEnd})
				}
			}
			var parts []string
			for _, si := range a.segs {
				s := d.segs[si]
				st, en := s.start, s.end
				for en > st && (d.r[en-1] == ',' || d.r[en-1] == ' ') {
					en--
				}
				if en <= st {
					continue
				}
				parts = append(parts, string(d.r[st:en]))
				at.Spans = append(at.Spans, Span{st, en})
			}
			if len(parts) == 0 {
				continue
			}
			at.Quote = strings.Join(parts, " ")
		}
		at.Kind = a.kind
		at.Speaker, at.SpeakerType, at.Titles = a.speaker, a.stype, a.stitles
		at.Source = a.src
		at.Cue = a.cue
		at.CueKind = cueKind(a.cue)
		at.Venue = a.venue
		c := a.conf
		if c < 0.05 {
			c = 0.05
		}
		if c > 1 {
			c = 1
		}
		at.Confidence = float64(int(c*100+0.5)) / 100
		out = append(out, at)
	}
	return out
}
