package ingest

import (
	"bytes"
	"context"
	_ "embed"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/graphd/graphd/graph"
)

// The default tagger is trained on the train month of PolNeAR (see the
// README: `graphd train polnear`) and embedded in the binary.
//
//go:embed model/tagger.bin
var defaultModelFile []byte

var defaultModel = sync.OnceValue(func() *Model {
	if len(defaultModelFile) == 0 {
		return nil
	}
	m, err := LoadModel(bytes.NewReader(defaultModelFile))
	if err != nil {
		return nil
	}
	return m
})

// cueBias is added to the score of a cue's first token: the first stage is
// trained for cues alone and errs on the side of precision; this evens it
// out. Tuned on the PolNeAR dev month for attribution-level F1.
const cueBias = 8

// cueReach is how far from a word that was a cue in training the first
// stage looks for a cue's tokens.
const cueReach = 4

// scratchPool keeps tagging buffers from article to article.
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// DefaultModel returns the embedded tagger, or nil when the binary has none.
func DefaultModel() *Model { return defaultModel() }

// Extract finds every attribution in a, with the rules and the embedded
// tagger. It does no I/O.
func Extract(a Article) []Attribution {
	return ExtractWith(defaultModel(), a)
}

// ExtractWith finds every attribution in a with the rules and, when m is not
// nil, the tagger m.
func ExtractWith(m *Model, a Article) []Attribution {
	atts, _ := extractWith(context.Background(), m, a.Text, 0)
	return atts
}

// extractText finds every attribution in one piece of text (see
// maxChunkBytes); first tells whether the piece opens the article, with
// its headline.
func extractText(m *Model, text string, first bool) []Attribution {
	src := sourcePool.Get().(*source)
	defer func() {
		src.s = "" // let the article's text go
		sourcePool.Put(src)
	}()
	d := newDocFrom(src.reset(text))
	d.piece = !first
	d.attributeAll()
	var lex *Lexicon
	if m != nil {
		d.applyTaggerBiased(m, m.cueBiasOf())
		lex = m.lex
	}
	d.afterTagger(lex)
	if m != nil && m.verifier != nil {
		d.verify(m.verifier, lex)
	}
	d.findVenues()
	return d.oncePerSpan(d.results())
}

// afterTagger runs the passes over the whole article that follow the
// tagger, up to the speakers.
func (d *doc) afterTagger(lex *Lexicon) {
	d.wholeQuotations()
	d.headline()
	d.partialClauses()
	d.joinSameCue()
	d.resolveSpeakers(lex)
}

// sourcePool keeps the rune buffers of articles: nothing an extraction
// returns points into them.
var sourcePool = sync.Pool{New: func() any { return new(source) }}

type tspan struct{ start, end int }

// runs returns the spans labelled b (begin) and b+1 (inside).
func runs(toks []ttok, labs []int, b int) []tspan {
	var out []tspan
	for i := 0; i < len(labs); i++ {
		if labs[i] != b && labs[i] != b+1 {
			continue
		}
		j := i + 1
		for j < len(labs) && labs[j] == b+1 {
			j++
		}
		out = append(out, tspan{toks[i].start, toks[j-1].end})
		i = j - 1
	}
	return out
}

// sentenceOf returns the sentence of paragraph p holding offset pos, as a
// range of offsets.
func (d *doc) sentenceOf(p *para, pos int) (int, int, int) {
	for si, se := range p.sents {
		s, e := p.toks[se[0]].start, p.toks[se[1]-1].end
		if pos >= s && pos < e || si == len(p.sents)-1 {
			return si, s, e
		}
	}
	return 0, p.start, p.end
}

// tokRange returns the doc tokens of p inside [s, e).
func tokRange(p *para, s, e int) (int, int) {
	i := sort.Search(len(p.toks), func(k int) bool { return p.toks[k].start >= s })
	j := i
	for j < len(p.toks) && p.toks[j].end <= e {
		j++
	}
	return i, j
}

// cueWindows appends to wins the stretches of toks the first stage decodes:
// cues are short and made of words that were cues in training, so only the
// tokens within cueReach of such a word, outside quotations, are looked at.
func (m *Model) cueWindows(toks []ttok, wins [][2]int) [][2]int {
	n := len(toks)
	for a := 0; a < n; {
		if toks[a].inq || !m.isCueWord(toks[a].wh) {
			a++
			continue
		}
		lo, hi := max(0, a-cueReach), min(n, a+cueReach+1)
		for b := a + 1; b < hi; b++ {
			if !toks[b].inq && m.isCueWord(toks[b].wh) {
				hi = min(n, b+cueReach+1)
			}
		}
		wins = append(wins, [2]int{lo, hi})
		a = hi
	}
	return wins
}

// applyTaggerBiased runs the tagger over every paragraph, with bias added
// to the first stage's score of a cue's first word, and merges what it
// finds with the rule attributions.
func (d *doc) applyTaggerBiased(m *Model, bias float32) {
	mask := uint32(1)<<m.bits - 1
	var out []*attr
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	for _, s := range d.taggerSeqs(sc) {
		if !m.mayHold(s.toks) {
			continue
		}
		n := len(s.toks)
		wins := m.cueWindows(s.toks, sc.wins[:0])
		sc.wins = wins
		sc.need = grow(sc.need, n)
		for _, w := range wins {
			for i := w[0]; i < w[1]; i++ {
				sc.need[i] = true
			}
			// the features of a token look at its neighbours' classes
			m.lex.classify(sc, s.toks[max(0, w[0]-1):min(n, w[1]+1)])
		}
		// the features of each word alone are summed once a word
		feats := sc.features(s.toks, mask, sc.need, false)
		base := m.localSums(sc, s.toks, sc.need)
		var cues [][2]int
		var margins []float32
		for _, w := range wins {
			lo, hi := w[0], w[1]
			labs := m.decodeBiased(sc, feats[lo:hi], bias, nil, base[lo:hi])
			for i := 0; i < len(labs); i++ {
				if labs[i] != labBCue && labs[i] != labICue {
					continue
				}
				j := i + 1
				for j < len(labs) && labs[j] == labICue {
					j++
				}
				if len(cues) == 0 || cues[len(cues)-1][1] <= lo+i {
					cues = append(cues, [2]int{lo + i, lo + j})
					var em [numLabels]float32
					m.emissions(feats[lo+i], &base[lo+i], &em)
					margins = append(margins, em[labBCue]-max(em[labO], em[labICue]))
				}
				i = j - 1
			}
		}
		if len(cues) == 0 {
			continue
		}
		lo, _ := roleWindowOf(n, cues[0][0], cues[0][1])
		_, hi := roleWindowOf(n, cues[len(cues)-1][0], cues[len(cues)-1][1])
		m.lex.classify(sc, s.toks[max(0, lo-1):hi])
		sc.sent = sentences(s.toks, sc.sent)
		var taken []tspan // the contents of the paragraph's cues so far
		for ci, c := range cues {
			src, cons := d.cueRoles(m.roles, sc, s.toks, sc.sent, c[0], c[1])
			cue := tspan{s.toks[c[0]].start, s.toks[c[1]-1].end}
			cons = d.dropClaimed(cue, d.trimNarrative(cue, src, cons))
			// two cues of one statement ("said", "in a statement") give it once
			cons = slices.DeleteFunc(cons, func(x tspan) bool {
				return slices.Contains(taken, x)
			})
			if len(cons) == 0 {
				continue
			}
			taken = append(taken, cons...)
			a := d.tagged(s.para, cue, src, cons)
			a.tcue, a.margin = true, margins[ci]
			out = append(out, a)
		}
	}
	d.atts = d.merge(d.atts, out)
	kept := d.atts[:0]
	for _, a := range d.atts {
		if a.src == nil && a.cue != nil {
			d.speakerBesideQuote(a)
		}
		if a.src == nil && a.cue != nil {
			d.participleSubject(a)
		}
		if a.src == nil && a.cue != nil {
			d.subjectSource(a)
		}
		// reported speech with no one to report it ("is expected to",
		// "was labelled") is no statement anyone can check
		if a.src == nil && !hasSpeaker(a) && a.how == "tagger" && a.kind == graph.KindIndirect {
			continue
		}
		kept = append(kept, a)
	}
	d.atts = kept
	for _, a := range d.atts {
		d.trimOwnCue(a)
	}
}

// joinSameCue makes one attribution of the quotations a cue introduces
// together: Kim called the plan “reckless,” “costly” and “late” is one
// statement whose content runs from the first quotation to the last.
func (d *doc) joinSameCue() {
	byCue := map[[2]int]*attr{}
	kept := d.atts[:0]
	for _, a := range d.atts {
		if a.cue == nil || a.how == "cont" {
			kept = append(kept, a)
			continue
		}
		k := [2]int{a.cue.Start, a.cue.End}
		first := byCue[k]
		if first == nil {
			byCue[k] = a
			kept = append(kept, a)
			continue
		}
		fr, ar := d.contentOf(first), d.contentOf(a)
		if len(fr) == 0 || len(ar) == 0 || d.paraAt(fr[0].start) != d.paraAt(ar[0].start) {
			kept = append(kept, a)
			continue
		}
		from, to := fr[len(fr)-1].end, ar[0].start
		if len(first.segs) > 0 && len(a.segs) > 0 {
			from, to = d.segs[first.segs[len(first.segs)-1]].closeEnd, d.segs[a.segs[0]].open
		}
		if d.verbBetween(min(from, to), max(from, to)) {
			kept = append(kept, a) // “any deal” and accused it of “appeasement”: a cue of its own
			continue
		}
		lo, hi := min(fr[0].start, ar[0].start), max(fr[len(fr)-1].end, ar[len(ar)-1].end)
		first.segs = append(first.segs, a.segs...)
		slices.Sort(first.segs)
		first.contents = []tspan{{lo, hi}}
		if first.src == nil {
			first.src, first.person, first.name, first.titles = a.src, a.person, a.name, a.titles
		}
	}
	d.atts = kept
}

// verbBetween reports whether a reporting verb stands between offsets s
// and e of one paragraph, outside quotations.
func (d *doc) verbBetween(s, e int) bool {
	pi := d.paraAt(s)
	if pi < 0 {
		return false
	}
	p := &d.paras[pi]
	i, j := tokRange(p, s, e)
	for k := i; k < j; k++ {
		if t := p.toks[k]; t.kind == tokWord && !t.capital && cueVerbs[t.lower] {
			return true
		}
	}
	return false
}

// contentOf returns the content spans of a: the tagger's, or those of its
// quotations or reported clause.
func (d *doc) contentOf(a *attr) []tspan {
	if len(a.contents) > 0 {
		return a.contents
	}
	if a.how == "indirect" {
		return []tspan{{a.content[0], a.content[1]}}
	}
	var out []tspan
	for _, si := range a.segs {
		out = append(out, tspan{d.segs[si].open, d.segs[si].closeEnd})
	}
	return out
}

// trimOwnCue keeps a content from running over its own source or cue:
// what comes after them belongs to the statement only when a quotation
// opens there (“A,” she said, “B.”), not when the narrative goes on
// (“A,” she said, and then …).
func (d *doc) trimOwnCue(a *attr) {
	if len(a.contents) == 0 || a.cue == nil {
		return
	}
	lo, hi := a.cue.Start, a.cue.End
	if a.src != nil {
		lo, hi = min(lo, a.src.Start), max(hi, a.src.End)
	}
	var out []tspan
	for _, c := range a.contents {
		if c.end <= lo || c.start >= hi {
			out = append(out, c)
			continue
		}
		if c.start < lo {
			e := lo
			for e > c.start && (isSpaceRune(d.r[e-1]) || d.r[e-1] == ',') {
				e--
			}
			if e > c.start {
				out = append(out, tspan{c.start, e})
			}
		}
		if c.end > hi {
			s := hi
			for s < c.end && (isSpaceRune(d.r[s]) || d.r[s] == ',' || d.r[s] == ':') {
				s++
			}
			if s < c.end && (c.start >= lo || isDoubleOpen(d.r[s]) || d.r[s] == '"') {
				out = append(out, tspan{s, c.end})
			}
		}
	}
	if len(out) > 0 {
		a.contents = out
	}
}

// subjectSource gives an attribution the tagger found no source for the
// subject of its sentence, when one stands before the cue: "Rival Jane
// Doe had mocked the complaint, saying …", "She praised the plan and
// called for …". A fronted adjunct ("At Monday's debate, …") is skipped.
func (d *doc) subjectSource(a *attr) {
	pi := d.paraAt(a.cue.Start)
	if pi < 0 {
		return
	}
	p := &d.paras[pi]
	ci, _ := tokRange(p, a.cue.Start, a.cue.End)
	s0 := 0
	for k, se := range p.sents {
		if ci >= se[0] && ci < se[1] {
			s0 = se[0]
			// a lower-case cue opening its sentence follows an
			// abbreviation the splitter took for an end: "Jane Roe, of
			// Dayton, Ohio, said …"
			opens := true
			for m := s0; m < ci; m++ {
				opens = opens && p.toks[m].kind == tokPunct
			}
			if opens && k > 0 && !p.toks[ci].capital {
				s0 = p.sents[k-1][0]
			}
			break
		}
	}
	// a cue that goes on from another one of its sentence ("Rendell
	// recalled, suggesting …", "“…,” she said, emphasizing …") has its
	// speaker
	var prev *attr
	for _, b := range d.atts {
		if b == a || b.src == nil || b.cue == nil || b.cue.End > a.cue.Start || b.cue.Start < p.toks[s0].start {
			continue
		}
		if prev == nil || b.cue.Start > prev.cue.Start {
			prev = b
		}
	}
	if prev != nil {
		// the same source; who it is, speaker resolution decides once
		a.src, a.person, a.name, a.titles, a.goesOn = prev.src, prev.person, prev.name, prev.titles, prev
		return
	}
	j := s0
	for j < ci && (p.toks[j].kind == tokQuote || p.toks[j].kind == tokPunct) {
		j++
	}
	if j < ci && p.toks[j].kind == tokWord && (commonCapitalized[p.toks[j].lower] && !isPronounTok(p.toks[j]) && !determiners[p.toks[j].lower] || strings.HasSuffix(p.toks[j].lower, "ly")) {
		// a fronted adjunct ends at a comma, which may stand inside a
		// quotation's marks (On “Face the Nation,” Sen. Jane Roe said)
		f := j
		for j < ci && p.toks[j].text != "," && !d.quoteEndsInComma(p.toks[j]) {
			j++
		}
		j++
		if j >= ci && sourcePreps[p.toks[f].lower] {
			// or, with no comma, at its subject: "On September 27
			// they published …"
			j = f + 1
			for j < ci && (p.toks[j].kind == tokWord && !isPronounTok(p.toks[j]) && !p.toks[j].is("it") &&
				(p.toks[j].capital || determiners[p.toks[j].lower] || timeWords[p.toks[j].lower] || isDay(p.toks[j].lower) ||
					p.toks[j].lower[0] >= '0' && p.toks[j].lower[0] <= '9')) {
				j++
			}
			if j >= ci || !isPronounTok(p.toks[j]) && !p.toks[j].is("it") {
				return
			}
		}
	}
	if j >= ci {
		return
	}
	if p.toks[j].is("it") && j+1 < ci && p.toks[j+1].kind == tokWord {
		// an organisation's "it": who it is, speaker resolution decides
		t := p.toks[j]
		a.para = pi
		// ("it’s" is the word "it" of four characters: the mention is
		// the word)
		a.src = &Mention{Text: t.text, Start: t.start, End: t.start + utf8.RuneCountInString(t.text)}
		return
	}
	e := npForward(p.toks, j, ci)
	if e == j || e > ci {
		return
	}
	// the subject is followed by its verb, not by more of a clause before the cue
	a.para = pi
	d.setSpeaker(a, p, j, e)
	if a.person < 0 && a.name == "" && !isPronounTok(p.toks[j]) && !d.npIsRole(p, j, e) {
		a.src, a.titles = nil, nil
	}
}

// quoteEndsInComma reports whether t is a quotation whose comma stands
// inside its closing mark: “Face the Nation,”.
func (d *doc) quoteEndsInComma(t token) bool {
	if t.kind != tokQuote {
		return false
	}
	q := d.segs[t.quote]
	return q.end > q.start && d.r[q.end-1] == ','
}

// merge joins the rule attributions with the tagger's. Where both found
// the same statement, the rule attribution stays, for its resolved
// speaker, quotation spans and venue, and takes the tagger's content and,
// where they agree, its source and cue spans, which follow the annotation
// conventions. What only one of them found is kept as it is.
func (d *doc) merge(rules, tagged []*attr) []*attr {
	ranges := func(a *attr) []tspan {
		if len(a.contents) > 0 {
			return a.contents
		}
		if a.how == "indirect" {
			return []tspan{{a.content[0], a.content[1]}}
		}
		var out []tspan
		for _, si := range a.segs {
			out = append(out, tspan{d.segs[si].open, d.segs[si].closeEnd})
		}
		return out
	}
	overlap := func(a, b []tspan) int {
		n := 0
		for _, x := range a {
			for _, y := range b {
				if lo, hi := max(x.start, y.start), min(x.end, y.end); hi > lo {
					n += hi - lo
				}
			}
		}
		return n
	}
	used := make([]bool, len(rules))
	match := make([]int, len(tagged))
	// First the pairs whose contents overlap, then, among what is left,
	// the pairs that share their reporting verb.
	for pass := range 2 {
		for k, t := range tagged {
			if pass == 1 && match[k] >= 0 {
				continue
			}
			best, bestN := -1, 0
			for i, r := range rules {
				if used[i] {
					continue
				}
				n := overlap(ranges(t), ranges(r))
				sameCue := t.cue != nil && r.cue != nil && mentionsOverlap(t.cue, r.cue)
				if pass == 1 && sameCue {
					n = 1
				}
				// of the quotations of one statement (“A,” she said.
				// “B.”), the one its cue belongs to
				if pass == 0 && n > 0 && sameCue {
					n += len(d.r)
				}
				if n > bestN {
					best, bestN = i, n
				}
			}
			match[k] = best
			if best >= 0 {
				used[best] = true
			}
		}
	}
	out := make([]*attr, 0, len(rules)+len(tagged))
	for k, t := range tagged {
		if match[k] < 0 {
			out = append(out, t)
			continue
		}
		r := rules[match[k]]
		r.contents = t.contents
		agree := r.src == nil || t.src != nil && mentionsOverlap(t.src, r.src)
		if !agree && t.src != nil && takeTaggerSource(r) {
			r.src, r.person, r.name, r.titles = t.src, t.person, t.name, t.titles
			agree = true
		}
		if t.src != nil && agree {
			r.src = t.src
		}
		// The content was found from the tagger's cue, so they go together,
		// unless the rules' speaker is not the tagger's source: then the
		// rules' cue stays with their speaker.
		if t.cue != nil && (agree || r.cue == nil || mentionsOverlap(t.cue, r.cue)) {
			r.cue, r.tcue, r.margin = t.cue, t.tcue, t.margin
		}
		out = append(out, r)
	}
	// A quotation the rules found no speaker or cue for, and the tagger no
	// attribution around, is a scare quote, a title or a term ("the
	// “historic” vote", a film called “Open Roads”), not a statement.
	for i, r := range rules {
		if !used[i] && r.how != "none" {
			out = append(out, r)
		}
	}
	// A quotation belongs to one attribution: the first with a speaker
	// keeps it; another left with no quotation of its own goes.
	sort.SliceStable(out, func(i, j int) bool { return hasSpeaker(out[i]) && !hasSpeaker(out[j]) })
	taken := map[int]bool{}
	kept := out[:0]
	for _, a := range out {
		had := len(a.segs)
		segs := a.segs[:0:0]
		for _, si := range a.segs {
			if !taken[si] {
				taken[si] = true
				segs = append(segs, si)
			}
		}
		a.segs = segs
		if had > 0 && len(segs) == 0 {
			continue
		}
		kept = append(kept, a)
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].pos(d) < kept[j].pos(d) })
	return kept
}

// takeTaggerSource reports whether, where the rules and the tagger name
// different sources for one statement, the tagger's wins: its source spans
// follow the annotation, and the rules' nearest subject is more often
// another statement's speaker than the tagger's.
func takeTaggerSource(r *attr) bool {
	// "Reuters, quoting Peskov, reported …": the rules know the medium
	// is not the speaker
	return r.how != "quoting"
}

func hasSpeaker(a *attr) bool { return a.person >= 0 || a.name != "" }

func mentionsOverlap(a, b *Mention) bool { return max(a.Start, b.Start) < min(a.End, b.End) }

// mayHold reports whether a paragraph has a word that can be a cue.
func (m *Model) mayHold(toks []ttok) bool {
	for _, t := range toks {
		if m.isCueWord(t.wh) {
			return true
		}
	}
	return false
}

func (a *attr) pos(d *doc) int {
	switch {
	case len(a.contents) > 0:
		return a.contents[0].start
	case len(a.segs) > 0:
		return d.segs[a.segs[0]].open
	}
	return a.content[0]
}

// tagged builds the attribution of a cue from the spans the tagger gave it.
func (d *doc) tagged(pi int, c, src tspan, cons []tspan) *attr {
	p := &d.paras[pi]
	si, _, _ := d.sentenceOf(p, c.start)
	a := &attr{para: pi, sent: si, person: -1, how: "tagger", contents: cons}
	a.cue = &Mention{Text: string(d.r[c.start:c.end]), Start: c.start, End: c.end}
	if src.end > src.start && !d.badSource(p, src, c) {
		src = wholeName(p, src, c)
		if i, e := tokRange(p, src.start, src.end); i < e {
			// resolve the noun phrase without trailing adverbs ("last week")
			for e > i && p.toks[e-1].kind == tokWord && !p.toks[e-1].capital && (skipWords[p.toks[e-1].lower] || isDay(p.toks[e-1].lower)) {
				e--
			}
			if i < e {
				d.setSpeaker(a, p, i, e)
			}
		}
		a.src = &Mention{Text: string(d.r[src.start:src.end]), Start: src.start, End: src.end}
	}
	d.quotesOf(a)
	return a
}

// wholeName returns the source src taken out to the ends of a name it cuts
// ("Jane" of "Jane Roe said"), short of the cue c: a name is never half a
// source.
func wholeName(p *para, src, c tspan) tspan {
	i, e := tokRange(p, src.start, src.end)
	if i >= e {
		return src
	}
	for e < len(p.toks) && p.toks[e].end <= c.start && isNameWord(p.toks[e-1]) && isNameWord(p.toks[e]) {
		e++
	}
	for i > 0 && (p.toks[i-1].start >= c.end || c.start >= src.end) && isNameWord(p.toks[i]) && isNameWord(p.toks[i-1]) {
		i--
	}
	return tspan{min(src.start, p.toks[i].start), max(src.end, p.toks[e-1].end)}
}

// quotesOf sets the quotation spans and the kind of a tagged attribution
// from the quotation marks inside its content.
func (d *doc) quotesOf(a *attr) {
	inQuotes, total := 0, 0
	for _, c := range a.contents {
		for i := c.start; i < c.end; i++ {
			if !isSpaceRune(d.r[i]) {
				total++
			}
		}
		for si, s := range d.segs {
			if s.start >= c.start && s.end <= c.end || s.open >= c.start && s.open < c.end && s.end > c.end {
				if s.start >= c.start && s.end <= c.end {
					a.segs = append(a.segs, si)
					inQuotes += s.end - s.start
				}
			}
		}
	}
	switch {
	case len(a.segs) == 0:
		a.kind = graph.KindIndirect
		a.content = [2]int{a.contents[0].start, a.contents[len(a.contents)-1].end}
		a.conf = 0.6
	case float64(inQuotes) >= 0.8*float64(total):
		a.kind = graph.KindDirect
		a.conf = 0.85
	default:
		words := 0
		for _, si := range a.segs {
			words += len(strings.Fields(string(d.r[d.segs[si].start:d.segs[si].end])))
		}
		a.kind = graph.KindPartial
		if words >= 6 {
			a.kind = graph.KindDirect
		}
		a.conf = 0.8
	}
	if a.person < 0 && a.name == "" {
		a.conf -= 0.25
	}
}

func isSpaceRune(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\u00a0'
}

// headlineRubrics open headlines with a colon that names no speaker.
var headlineRubrics = set(`latest breaking update updated exclusive watch read live opinion analysis editorial
	video photos photo report review explainer factbox timeline`)

// headline attributes the headline, the article's first paragraph, in the
// two shapes headlines give a statement: "Name: what was said" and "What
// was said, Name Says". Other headline text is left to the rules and the
// tagger, which keep no unattributed quotation.
func (d *doc) headline() {
	if len(d.paras) < 2 || d.piece {
		return
	}
	p := &d.paras[0]
	n := len(p.toks)
	if n < 4 || n > 40 {
		return
	}
	for _, a := range d.atts {
		if a.para == 0 {
			return
		}
	}
	end := n
	for end > 0 && p.toks[end-1].kind == tokPunct {
		end--
	}
	a := &attr{para: 0, person: -1, how: "headline", kind: graph.KindIndirect, conf: 0.6}
	// Name: what was said
	for k := 1; k <= 4 && k < end-2; k++ {
		if p.toks[k].text != ":" {
			continue
		}
		for i := range k {
			t := p.toks[i]
			if t.kind != tokWord || !t.capital || i == 0 && (determiners[t.lower] || headlineRubrics[t.lower]) {
				return
			}
		}
		d.setSpeaker(a, p, 0, k)
		c := p.toks[k]
		a.cue = &Mention{Text: c.text, Start: c.start, End: c.end}
		a.contents = []tspan{{p.toks[k+1].start, p.toks[end-1].end}}
		d.quotesOf(a)
		d.atts = append([]*attr{a}, d.atts...)
		return
	}
	// What was said, Name Says.
	last := p.toks[end-1]
	if last.kind != tokWord || !last.is("says", "said") {
		return
	}
	c := end - 2
	for c > 0 && p.toks[c].text != "," {
		c--
	}
	if c < 3 || end-1-c-1 < 1 || end-1-c-1 > 6 {
		return
	}
	d.setSpeaker(a, p, c+1, end-1)
	a.cue = &Mention{Text: last.text, Start: last.start, End: last.end}
	a.contents = []tspan{{p.toks[0].start, p.toks[c-1].end}}
	d.quotesOf(a)
	d.atts = append([]*attr{a}, d.atts...)
}

// partialClauses gives a partial quotation that the rules attributed by a
// reporting verb before it ("Kim said the plan was “reckless” and late")
// the whole reported clause as its content, from the verb to the end of the
// sentence; the quoted words stay the quotation's text.
func (d *doc) partialClauses() {
	for _, a := range d.atts {
		if len(a.contents) > 0 || a.kind != graph.KindPartial || a.how != "left" || a.cue == nil || len(a.segs) == 0 {
			continue
		}
		q := d.segs[a.segs[0]]
		pi := d.paraAt(a.cue.Start)
		if pi < 0 || q.open < a.cue.End || d.paraAt(q.open) != pi {
			continue
		}
		p := &d.paras[pi]
		ci, _ := tokRange(p, a.cue.Start, a.cue.End)
		for _, se := range p.sents {
			if ci < se[0] || ci >= se[1] {
				continue
			}
			_, ce := tokRange(p, a.cue.Start, a.cue.End)
			for ce < se[1] && p.toks[ce].kind == tokPunct {
				ce++ // She adds, “…”
			}
			e := se[1]
			for e > ce && p.toks[e-1].kind == tokPunct {
				e--
			}
			if ce < e && p.toks[e-1].end >= q.closeEnd {
				a.contents = []tspan{{p.toks[ce].start, p.toks[e-1].end}}
			}
			break
		}
	}
}

// oncePerSpan keeps every quotation span in one attribution only, the
// first: two cues may give one clause as the content of both (a statement
// and one nested in it). An attribution left with no span of its own goes.
func (d *doc) oncePerSpan(as []Attribution) []Attribution {
	seen := make(map[Span]bool, len(as))
	kept := as[:0]
	for _, a := range as {
		n := 0
		for _, s := range a.Spans {
			if seen[s] {
				n++
			}
		}
		if n == len(a.Spans) && n > 0 {
			continue
		}
		if n > 0 {
			spans := a.Spans[:0:0]
			for _, s := range a.Spans {
				if !seen[s] {
					spans = append(spans, s)
				}
			}
			a.Spans = spans
			parts := make([]string, len(spans))
			for i, sp := range spans {
				parts[i] = string(d.r[sp.Start:sp.End])
			}
			a.Quote = strings.Join(parts, " ")
		}
		for _, s := range a.Spans {
			seen[s] = true
		}
		kept = append(kept, a)
	}
	return kept
}

// stanceVerbs are the cue verbs that report a belief, a feeling, an
// intention or a judgement rather than words said.
var stanceVerbs = set(`
believe believes believed believing think thinks thought thinking fear fears feared fearing
hope hopes hoped hoping agree agrees agreed agreeing estimate estimates estimated estimating
find finds found finding show shows showed showing shown indicate indicates indicated indicating
conclude concludes concluded concluding criticize criticizes criticized criticizing criticise
criticises criticised praise praises praised praising decry decries decried decrying dismiss
dismisses dismissed dismissing blast blasts blasted blasting slam slams slammed slamming
`)

// speechWords mark a cue of words said or written besides the reporting
// verbs: "in a statement", "according to", "interview".
var speechWords = set(`according statement statements interview remarks speech tweet tweets letter
	email memo testimony wrote written quoted quoting citing cited talk talks talked talking speak speaks
	spoke speaking discuss discusses discussed discussing question questions questioned questioning
	refer refers referred referring address addresses addressed addressing`)

// cueKind tells a cue of speech from one of stance; see Attribution.CueKind.
func cueKind(c *Mention) string {
	if c == nil {
		return ""
	}
	speech := false
	for _, w := range strings.FieldsFunc(strings.ToLower(c.Text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '-' || r >= 0x80)
	}) {
		if stanceVerbs[w] {
			return CueStance
		}
		if cueVerbs[w] || tellVerbs[w] || speechWords[w] {
			speech = true
		}
	}
	if speech || strings.TrimSpace(c.Text) == ":" || strings.ContainsAny(c.Text, "—–―-") && len([]rune(c.Text)) <= 2 {
		return CueSpeech
	}
	return CueStance
}
