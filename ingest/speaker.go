package ingest

import (
	"slices"
	"sort"
	"strings"

	"github.com/graphd/graphd/graph"

	"github.com/graphd/graphd/fold"
)

// Speaker resolution runs once the attributions of an article are found,
// as two passes over the whole article: the mentions pass (cast.go)
// collects who and what the article names; the coreference pass (this
// file) takes each attribution's source in text order and decides what it
// refers to:
//
//   - a name ("Sen. Elizabeth Warren", "Mr. Obama", "Warren", "The Post",
//     "the Trump campaign", "A Bloomberg poll") is the person,
//     organisation, campaign or document it names, under its fullest name,
//     without titles or appositives;
//   - a pronoun is the most salient entity of its kind and gender;
//   - a relative pronoun ("…, who said") is what the noun phrase before it
//     refers to;
//   - a role noun with "the" or a possessive ("the spokeswoman", "his
//     campaign manager", "the president", "the campaign", "the poll") is
//     the entity the article gives that role, or the one that fits it best;
//   - anyone else ("experts", "a source", "critics", "officials") is no
//     one in particular.
//
// Each source resolved becomes a mention of its own, the most salient
// kind, so that "he" after a quotation is its speaker.

// speakerRef is what a source refers to: an entity of the cast, or none,
// and the type of the source.
type speakerRef struct {
	ent  int // -1 when no one named
	kind string
}

var generic = speakerRef{-1, graph.SpeakerGeneric}

// resolveSpeakers decides the speaker and its type of every attribution
// of d, with the WordNet classes of lex (nil without a model).
func (d *doc) resolveSpeakers(lex *Lexicon) {
	c := d.newCast(lex)
	atts := make([]*attr, len(d.atts))
	copy(atts, d.atts)
	pos := func(a *attr) int {
		if a.src != nil {
			return a.src.Start
		}
		if a.cue != nil {
			return a.cue.Start
		}
		return a.pos(d)
	}
	sort.SliceStable(atts, func(i, j int) bool { return pos(atts[i]) < pos(atts[j]) })
	done := map[*attr]speakerRef{}
	defer func() {
		// a type is known once the whole article is read: "Politifact" is
		// an organisation unless a title or a pronoun said otherwise
		for a, ref := range done {
			if ref.ent >= 0 && (ref.kind == graph.SpeakerPerson || ref.kind == graph.SpeakerOrganization) && c.ents[ref.ent].owner < 0 {
				a.stype = c.kindOf(ref.ent)
			}
		}
	}()
	in := make(map[*attr]bool, len(atts))
	for _, a := range atts {
		in[a] = true
	}
	// resolve decides a's speaker once; a continuation, and a cue that
	// goes on with the source of another of its sentence ("said,
	// adding"), have the speaker of the one they go on from, resolved
	// first when it comes later in the order
	var resolve func(a *attr) speakerRef
	resolve = func(a *attr) speakerRef {
		if ref, ok := done[a]; ok {
			return ref
		}
		done[a] = generic // no cycle goes round again
		ref := generic
		switch {
		case a.goesOn != nil && in[a.goesOn]:
			ref = resolve(a.goesOn)
		case a.src != nil:
			ref = c.source(a)
		case a.how == "cont" && a.prev != nil && in[a.prev]:
			ref = resolve(a.prev)
		}
		done[a] = ref
		return ref
	}
	for _, a := range atts {
		resolve(a)
	}
	c.lede(atts, done)
	for _, a := range atts {
		ref := done[a]
		a.stype = ref.kind
		a.speaker, a.stitles = "", nil
		if ref.ent >= 0 {
			e := c.ents[ref.ent]
			a.speaker = e.name(c)
			if e.kind == graph.SpeakerPerson {
				a.stitles = e.titles
			}
		}
		// the confidence the rules gave counted a speaker they could not
		// name as none; it follows the speaker named now
		switch had := a.person >= 0 || a.name != ""; {
		case !had && a.speaker != "" && a.how != "none":
			a.conf += 0.25
		case had && a.speaker == "":
			a.conf -= 0.25
		}
	}
}

// lede resolves the role noun that opens a story and names no one yet
// ("A former party chairman says …", "Ohio's tax commissioner says …", "A
// new poll shows …") to the one the next attribution names, when the
// article names it there for the first time: the news lede introduces a
// speaker by role and names them in the next sentence or paragraph ("…,
// said Jane Roe, who led the party from 1995 to 1997").
func (c *cast) lede(atts []*attr, done map[*attr]speakerRef) {
	d := c.d
	for n, a := range atts {
		if ref := done[a]; a.src == nil || a.goesOn != nil || ref.ent >= 0 || ref.kind != graph.SpeakerGeneric && ref.kind != graph.SpeakerDocument {
			continue
		}
		pi := d.paraOf(a.src.Start)
		if pi < 0 || c.headline[pi] || !c.opensStory(pi) {
			continue
		}
		p := &d.paras[pi]
		i, e := tokRange(p, a.src.Start, a.src.End)
		i, e = trimSource(p.toks, i, e)
		if i >= e || sentenceStart(p, i) != firstSentence(p) {
			continue
		}
		want := c.ledeKind(p, i, e)
		if want == "" {
			continue
		}
		// the next attribution that names someone, in the two paragraphs
		// after the lede at most
		for _, b := range atts[n+1:] {
			if b.src == nil || b.goesOn != nil || done[b].ent < 0 {
				continue
			}
			bp := d.paraOf(b.src.Start)
			if bp < 0 || bp > pi+2 {
				break
			}
			ref := done[b]
			q := &d.paras[bp]
			if f := c.firstNamed(ref.ent); ref.kind == want && f >= b.src.Start && f < b.src.End && !isPronounTok(q.toks[firstTok(q, b.src.Start)]) {
				if want != graph.SpeakerPerson || c.fitsLede(c.ents[ref.ent], p, i, e) {
					done[a] = ref
				}
			}
			break
		}
	}
}

// fitsLede reports whether person e may be the one the lede's role noun
// phrase toks[i:end] stands for: of its gender, and, when the article
// gives e roles, holding the lede's or working for the one it names ("A
// spokeswoman for Jane Roe" is "Roe communications director Kim Park";
// "a veteran diplomat" is not "Kim Park, communications director for a
// PAC").
func (c *cast) fitsLede(e *entity, p *para, i, end int) bool {
	toks := p.toks
	h, comp := end-1, -1
	for k := i + 1; k < end; k++ {
		if tk := toks[k]; tk.kind == tokWord && !tk.capital && tk.is("of", "for", "to", "at", "with", "in", "on") {
			h, comp = k-1, k
			break
		}
	}
	if g := genderedNouns[toks[h].lower]; g != 0 && e.gender != 0 && e.gender != g {
		return false
	}
	return !c.titled(e) || e.roles[canonRole(toks[h].lower)] || c.rolesName(e, p, comp, end)
}

// firstTok returns the index of the token of p at or after offset pos.
func firstTok(p *para, pos int) int {
	i, _ := tokRange(p, pos, pos+1)
	return min(i, len(p.toks)-1)
}

// firstSentence returns where the first sentence of p starts.
func firstSentence(p *para) int {
	if len(p.sents) > 0 {
		return p.sents[0][0]
	}
	return 0
}

// opensStory reports whether paragraph pi opens a story: the first
// paragraph of text after the headline, or the first after a line of a
// few words that heads an item of a running story ("12:25 p.m.").
func (c *cast) opensStory(pi int) bool {
	d := c.d
	for k := pi - 1; k >= 0; k-- {
		if c.headline[k] || len(d.paras[k].toks) == 0 {
			continue
		}
		// a quotation's paragraph is no heading: "“…,” he said."
		return len(d.paras[k].toks) <= 4 && !slices.ContainsFunc(d.paras[k].toks, func(t token) bool { return t.kind == tokQuote })
	}
	return true
}

// ledeKind returns the type of the one an indefinite role noun phrase
// toks[i:e] stands for, before it is named: a person ("A former party
// chairman", "Ohio's tax commissioner"), an organisation ("A federal
// appeals court", "A union representing nurses"), a document ("A new
// poll"); or "" for any other source.
func (c *cast) ledeKind(p *para, i, e int) string {
	toks := p.toks
	t := toks[i]
	bare := false
	switch {
	case t.is("a", "an") && !t.capital || t.is("a", "an") && i == firstSentence(p):
	case t.poss && t.capital && classOf(t)&spkPlace != 0:
	case i == firstSentence(p) && !determiners[t.lower] && c.underHeadline(p) && c.commonCap(toks, i, i, c.d.paraIndex(p)) && c.nounFile(t.lower) == wnNounPerson:
		// a line under the headline drops its article: "Member of House
		// panel says …"
		bare = true
		i--
	default:
		return ""
	}
	// the head: the last word before a complement
	h := e - 1
	for k := i + 1; k < e; k++ {
		if tk := toks[k]; tk.kind == tokWord && !tk.capital && (tk.is("of", "for", "by", "at", "from", "with", "in", "on", "to", "who", "that") || strings.HasSuffix(tk.lower, "ing") && k > i+1) {
			h = k - 1
			break
		}
	}
	if h <= i {
		return ""
	}
	head := toks[h]
	if head.kind != tokWord || head.capital && !(bare && h == i+1) || isPlural(head.lower) || genericHeads[head.lower] && !titleWords[head.lower] {
		return ""
	}
	switch l := head.lower; {
	case docNouns[l]:
		return graph.SpeakerDocument
	case orgNouns[l] || c.nounFile(l) == wnNounGroup:
		return graph.SpeakerOrganization
	case titleWords[l] || speakerTitles[l] || genderedNouns[l] != 0 || c.nounFile(l) == wnNounPerson:
		return graph.SpeakerPerson
	}
	return ""
}

// underHeadline reports whether paragraph p comes right after the
// headline.
func (c *cast) underHeadline(p *para) bool {
	pi := c.d.paraIndex(p)
	return pi > 0 && c.headline[pi-1] && !c.headline[pi]
}

// firstNamed returns where the article first names entity id outside a
// headline, or -1.
func (c *cast) firstNamed(id int) int {
	for _, m := range c.ments {
		if m.ent == id && !c.headline[c.d.paraOf(m.start)] {
			return m.start
		}
	}
	return -1
}

// source resolves the source of a.
func (c *cast) source(a *attr) speakerRef {
	d := c.d
	pi := d.paraOf(a.src.Start)
	if pi < 0 {
		return generic
	}
	p := &d.paras[pi]
	i, e := tokRange(p, a.src.Start, a.src.End)
	i, e = trimSource(p.toks, i, e)
	// and an adverb the span runs into: "the state [incorrectly] stated"
	for e-i > 1 && p.toks[e-1].kind == tokWord && !p.toks[e-1].capital && strings.HasSuffix(p.toks[e-1].lower, "ly") && c.adverbOnly(p.toks[e-1].lower) {
		e--
	}
	if i >= e {
		return generic
	}
	// a span that stops inside a name ("High Representative … for Foreign
	// Affairs and Security" of "… and Security Policy Kaja Kallas"): the
	// name goes on to its end, outside headlines, whose every word is
	// capitalized
	if !c.headline[pi] {
		for e < len(p.toks) && e-1 > i && p.toks[e-1].kind == tokWord && p.toks[e-1].capital &&
			p.toks[e].kind == tokWord && p.toks[e].capital && !isDay(p.toks[e].lower) && !isPronounTok(p.toks[e]) {
			e++
		}
	}
	// a span cut inside the noun phrase that is the cue's subject
	if a.cue != nil && a.cue.Start >= p.toks[e-1].end && a.cue.Start < p.end {
		i, e = c.wholeSubject(p, i, e, a.cue.Start)
	}
	// a span that opens with a fronted adjunct ("In a meeting with the
	// editorial board of the Washington Post Trump"): the name that ends it
	if p.toks[i].is("in", "at", "on", "during", "after", "before", "with", "from", "following", "since", "like", "unlike", "as") && e-i > 3 {
		if k := lastRunStart(p.toks, i, e); k > i && p.toks[k-1].kind == tokWord && !p.toks[k-1].capital && !connectors[p.toks[k-1].lower] {
			i = k
		}
	}
	// "Reuters, quoting Peskov,": the one quoted speaks
	for k := i; k+1 < e; k++ {
		if p.toks[k].is("quoting", "citing") {
			if n := npForward(p.toks, k+1, e); n > k+1 {
				i, e = k+1, n
			}
			break
		}
	}
	ref := c.phrase(p, pi, i, e, 0)
	if ref.ent < 0 && ref.kind == graph.SpeakerGeneric {
		// the source is an appositive of a name that opens the sentence:
		// "David Kamin, an outside adviser …, and [an associate
		// professor]"
		if s := sentenceStart(p, i); s < i-1 && (p.toks[i-1].text == "," || p.toks[i-1].is("and")) {
			k := s
			for k < i && p.toks[k].text != "," && p.toks[k].kind == tokWord && !cueVerbs[p.toks[k].lower] {
				k++
			}
			clean := k < i && p.toks[k].text == ","
			for m := s; m < k && clean; m++ {
				// a name with its titles, not a clause ending in one
				t := p.toks[m]
				clean = t.capital || titleWords[t.lower] || speakerTitles[t.lower] || determiners[t.lower] || connectors[t.lower] || nameParticles[t.lower]
			}
			for m := k; m < i && clean; m++ {
				clean = p.toks[m].kind != tokQuote && !(cueVerbs[p.toks[m].lower] && !p.toks[m].capital)
			}
			if clean {
				if r := c.nounPhrase(p, s, k); r.ent >= 0 && r.kind == graph.SpeakerPerson {
					ref = r
				}
			}
		}
	}
	if ref.ent < 0 && ref.kind == graph.SpeakerGeneric && !c.namesIn(p.toks, i, e) {
		// a name in apposition right after the source: "Another critic,
		// Jane Roe, said"
		if k := e; k+1 < len(p.toks) && p.toks[k].text == "," && c.capTok(p.toks[k+1]) {
			n := k + 1
			for n < len(p.toks) && n-k < 8 && p.toks[n].text != "," && p.toks[n].kind != tokQuote && !(p.toks[n].kind == tokWord && !p.toks[n].capital && !nameParticles[p.toks[n].lower]) {
				n++
			}
			if n < len(p.toks) && p.toks[n].text == "," {
				if r := c.nounPhrase(p, k+1, n); r.ent >= 0 && r.kind == graph.SpeakerPerson {
					ref = r
				}
			}
		}
	}
	if ref.ent >= 0 {
		c.mention(p.toks[i].start, p.toks[e-1].end, ref.ent, wSpeaker)
		c.lastSpeaker, c.lastSpoke = ref.ent, c.sentence(p.toks[i].start)
	}
	if ref.kind == graph.SpeakerDocument {
		c.lastDoc, c.lastDocSent = ref, c.sentence(p.toks[i].start)
	}
	return ref
}

// subjectPreps are the prepositions of a phrase inside a noun phrase
// ("the wife of a man shot by police", "polls in Ohio").
var subjectPreps = set(`of by in for from at with on among to`)

// wholeSubject widens the source span toks[i:e], which the cue at offset
// cue follows with at most adverbs and auxiliaries between, to the noun
// phrase it was cut from: forward to the head after a possessive or a
// name ("Jane Roe's [family] has called", "Trump [campaign officials]
// said"), back to the head before a phrase of a preposition ("[The wife
// of a man shot by] police said", "[Recent polls in] Ohio show"). The
// head decides who speaks, so a span cut to a name inside the phrase does
// not make that name the speaker.
func (cs *cast) wholeSubject(p *para, i, e, cue int) (int, int) {
	toks := p.toks
	c := e
	for c < len(toks) && toks[c].start < cue {
		c++
	}
	if c >= len(toks) || toks[c].start != cue {
		return i, e
	}
	last := toks[e-1]
	if last.kind != tokWord || isPronounTok(last) || pronounKinds[pronounPart(last.lower)] != 0 {
		return i, e
	}
	k := e
	if last.poss || last.capital {
		for k < c && toks[k].kind == tokWord && !toks[k].capital && !toks[k].poss && cs.nounWord(toks[k].lower) {
			k++
		}
	}
	for m := k; m < c; m++ {
		if toks[m].kind != tokWord || !skipWords[toks[m].lower] {
			return i, e // the cue does not follow the phrase
		}
	}
	if k > e {
		// after a possessive, a head that can speak: someone's family,
		// campaign, lawyers or report, not their "claim" or "strength"
		if h := toks[k-1].lower; !last.poss || cs.speakingNoun(h) {
			return i, k
		}
		return i, e
	}
	// not the owner of a noun cue ("Politifact seized on Trump's claim"),
	// nor the subject of a participle ("footage of Jane Roe asking")
	if last.poss || strings.HasSuffix(toks[c].lower, "ing") {
		return i, e
	}
	// past the names listed before it: "polls in Ohio and [Iowa]"
	s0 := sentenceStart(p, i)
	j := i
	if j > s0 && toks[j-1].is("the", "a", "an") {
		j--
	}
	for j-2 > s0 && toks[j-1].is("and", "or") && toks[j-2].capital && toks[j-2].kind == tokWord {
		j -= 2
		for j > s0 && toks[j-1].capital && toks[j-1].kind == tokWord {
			j--
		}
	}
	if j < 2 || toks[j-1].kind != tokWord || toks[j-1].capital || !subjectPreps[toks[j-1].lower] {
		return i, e
	}
	// back over the phrase: nouns, adjectives, prepositions, and a verb
	// only as the participle of a passive ("shot by", "obtained by")
	s := j - 1
	for s > s0 && s > i-12 {
		t := toks[s-1]
		if t.kind != tokWord || cueVerbs[t.lower] && !docNouns[t.lower] || relatives[t.lower] || t.is("where", "when", "while", "as", "because", "after", "before", "if") ||
			isPronounTok(t) || auxiliaries[t.lower] || !t.capital && cs.verbWord(t.lower) && !toks[s].is("by") {
			break
		}
		s--
		// a determiner opens the phrase unless a preposition joins it to
		// the noun before: "the wife of a man"
		if (determiners[t.lower] || indefinites[t.lower]) && !(s > s0 && subjectPreps[toks[s-1].lower]) {
			break
		}
	}
	t := toks[s]
	opens := determiners[t.lower] || indefinites[t.lower] || t.capital && !runStop[t.lower] && !subjectPreps[t.lower]
	if s < j-1 && opens && (s == s0 || toks[s-1].kind == tokPunct) {
		return s, e
	}
	return i, e
}

// nounWord reports whether a lower-case word after a name or a
// possessive goes on its noun phrase: a noun by its most frequent sense
// (WordNet), no function word. Without WordNet, none does.
func (c *cast) nounWord(l string) bool {
	if c.lex == nil || c.lex.m == nil || runStop[l] || connectors[l] || subjectPreps[l] || skipWords[l] || determiners[l] || cueVerbs[l] || strings.HasSuffix(l, "ly") {
		return false
	}
	cl := c.lex.m[uint32(newHash(1).s(l))]
	return cl.pos()&1 != 0 && cl.pos()>>4&3 == 0
}

// verbWord reports whether a word is a verb: ending as a participle
// does, or a verb WordNet knows as no noun.
func (c *cast) verbWord(l string) bool {
	if strings.HasSuffix(l, "ed") || strings.HasSuffix(l, "ing") {
		return true
	}
	if c.lex == nil || c.lex.m == nil {
		return false
	}
	cl := c.lex.m[uint32(newHash(1).s(l))]
	return cl.pos()&3 == 2
}

// speakingNoun reports whether a noun after a possessive names who or
// what speaks for its owner: a person, a group, an organisation, a
// campaign or a document ("Roe's family", "his lawyers", "Roe's
// campaign", "the agency's report").
func (c *cast) speakingNoun(l string) bool {
	s := singular(l)
	if docNouns[l] || orgNouns[l] || orgNouns[s] || genericHeads[l] || titleWords[l] || titleWords[s] || kinNouns[l] || l == "camp" {
		return true
	}
	switch c.nounFile(s) {
	case wnNounPerson, wnNounGroup, wnNounCommunication:
		return true
	}
	return false
}

// auxiliaries are the verbs that show a clause, not a noun phrase.
var auxiliaries = set(`is are was were be been being has have had do does did will would can could may might must shall should`)

// lastRunStart returns where the capitalized words that end toks[i:e]
// begin, or e.
func lastRunStart(toks []token, i, e int) int {
	k := e
	for k > i && toks[k-1].kind == tokWord && toks[k-1].capital {
		k--
	}
	return k
}

// paraOf returns the paragraph holding offset pos, or -1.
func (d *doc) paraOf(pos int) int {
	k := sort.Search(len(d.paras), func(k int) bool { return d.paras[k].end > pos })
	if k < len(d.paras) && d.paras[k].start <= pos {
		return k
	}
	return -1
}

// trimSource drops what opens or closes a source span without being part
// of the noun phrase: conjunctions, adverbs, punctuation.
func trimSource(toks []token, i, e int) (int, int) {
	for i < e && (toks[i].kind != tokWord || leadWords[toks[i].lower] && e-i > 1) {
		i++
	}
	for e > i && (toks[e-1].kind == tokPunct && !strings.Contains(")", toks[e-1].text) || toks[e-1].kind == tokQuote ||
		toks[e-1].kind == tokWord && e-i > 1 && (!toks[e-1].capital && skipWords[toks[e-1].lower] || isDay(toks[e-1].lower))) {
		e--
	}
	return i, e
}

// leadWords open a source span without being part of it.
var leadWords = set(`but and or so yet then however though although also even still instead meanwhile later earlier now`)

// relatives are the relative pronouns a source may be.
var relatives = set(`who which that whom whose`)

// phrase resolves the noun phrase toks[i:e] of paragraph pi; depth
// bounds the recursion through relatives and appositives.
func (c *cast) phrase(p *para, pi, i, e, depth int) speakerRef {
	toks := p.toks
	if e-i == 1 {
		t := toks[i]
		if t.kind == tokWord {
			if _, ok := pronounKinds[pronounPart(t.lower)]; ok {
				return c.pronoun(p, i)
			}
			if relatives[t.lower] {
				return c.relative(p, pi, i, depth)
			}
		}
	}
	// a span that runs from a relative pronoun into its clause ("who
	// signed the law", "who in 2010"): the pronoun, unless a comma opens
	// another phrase in it
	if t := toks[i]; e-i > 1 && t.kind == tokWord && !t.capital && t.is("who", "which", "whom") &&
		!slices.ContainsFunc(toks[i+1:e], func(t token) bool { return t.text == "," }) {
		return c.relative(p, pi, i, depth)
	}
	// parentheticals ("(R-Ga.)") and what follows a relative pronoun or
	// a clause go
	i, e = cutClause(toks, i, e)
	i, e = trimSource(toks, i, e)
	if i >= e {
		return generic
	}
	// a list of names: a group
	if g, ok := c.group(p, i, e); ok {
		return g
	}
	// an appositive: "Hillary Clinton, a longtime member …", "Her husband,
	// Tom Vance,": the head, unless it names no one and a person's name
	// follows
	if k := appositiveCut(toks, i, e); k > i {
		head := c.nounPhrase(p, i, k)
		if head.ent >= 0 && (c.ents[head.ent].kind != graph.SpeakerPerson || c.namesIn(toks, i, k)) {
			return head
		}
		for s := k + 1; s < e; {
			n := s
			for n < e && toks[n].text != "," {
				n++
			}
			if n > s {
				if app := c.nounPhrase(p, s, n); app.ent >= 0 && app.kind == graph.SpeakerPerson {
					return app
				}
			}
			s = n + 1
		}
		return head
	}
	return c.nounPhrase(p, i, e)
}

// namesIn reports whether toks[i:e] holds a capitalized name, not only a
// role: "Her husband" and "The state's campaign chairman" do not.
func (c *cast) namesIn(toks []token, i, e int) bool {
	for k := i; k < e; k++ {
		if c.capTok(toks[k]) && !isTitleTok(toks[k]) && !(k == i && determiners[toks[k].lower]) && !toks[k].poss {
			return true
		}
	}
	return false
}

// cutClause cuts a noun phrase at a parenthesis, a dash, a relative
// pronoun or a reporting verb, and skips a parenthesis that opens it.
func cutClause(toks []token, i, e int) (int, int) {
	k := i
	for k < e {
		t := toks[k]
		if t.kind == tokQuote || t.kind == tokPunct && (t.text == "(" || t.text == "—" || t.text == "–" || t.text == "--" || t.text == "[") ||
			k > i && t.kind == tokWord && !t.capital && (relatives[t.lower] && t.lower != "that" || clauseVerbs[t.lower] && !t.poss && !determiners[toks[k-1].lower]) {
			break
		}
		k++
	}
	return i, k
}

// clauseVerbs are reporting verbs that end a noun phrase a source span
// runs past.
var clauseVerbs = set(`said says told tells added adds wrote writes asked asks noted argued argues explained explains`)

// appositiveCut returns where a comma splits toks[i:e] into a noun phrase
// and its appositive, or i when it does not.
func appositiveCut(toks []token, i, e int) int {
	for k := i + 1; k < e-1; k++ {
		if toks[k].text == "," {
			return k
		}
	}
	return i
}

// group resolves a list of names, "Sens. Jon Tester and David Vitter" or
// "A, B and C", to a group of their entities.
func (c *cast) group(p *para, i, e int) (speakerRef, bool) {
	toks := p.toks
	var parts [][2]int
	s := i
	for k := i; k <= e; k++ {
		if k == e || toks[k].text == "," || toks[k].is("and") {
			if k > s {
				parts = append(parts, [2]int{s, k})
			}
			s = k + 1
		}
	}
	if len(parts) < 2 || !hasAnd(toks, i, e) {
		return speakerRef{}, false
	}
	// every part a person, or every part an organisation or a country
	// named in a few words: "Jon Tester and David Vitter", "the United
	// States, Britain and France"
	var members []int
	people := 0
	for _, pt := range parts {
		for k := pt[0]; k < pt[1]; k++ {
			if toks[k].kind == tokWord && !toks[k].capital && !speakerTitles[toks[k].lower] && !(k == pt[0] && toks[k].is("the")) {
				return speakerRef{}, false
			}
		}
		ref := c.nameOnly(p, pt[0], pt[1])
		if ref.ent < 0 || ref.kind != graph.SpeakerPerson && pt[1]-pt[0] > 3 {
			return speakerRef{}, false
		}
		if ref.kind == graph.SpeakerPerson {
			people++
		}
		members = append(members, ref.ent)
	}
	if people != 0 && people != len(members) {
		return speakerRef{}, false
	}
	c.ents = append(c.ents, &entity{kind: graph.SpeakerGroup, member: members, owner: -1})
	return speakerRef{len(c.ents) - 1, graph.SpeakerGroup}, true
}

func hasAnd(toks []token, i, e int) bool {
	for k := i; k < e; k++ {
		if toks[k].is("and") {
			return true
		}
	}
	return false
}

// nameOnly resolves toks[i:e] when it is a name with at most titles before
// it, and nothing else.
func (c *cast) nameOnly(p *para, i, e int) speakerRef {
	toks := p.toks
	for k := i; k < e; k++ {
		if toks[k].kind != tokWord && toks[k].text != "." || toks[k].kind == tokWord && !toks[k].capital && !connectors[toks[k].lower] && !speakerTitles[toks[k].lower] {
			return generic
		}
	}
	for i < e && (determiners[toks[i].lower] || speakerTitles[toks[i].lower] || toks[i].text == ".") {
		i++ // "the", and titles the tokenizer cut from their period: "Sens ."
	}
	if e-i == 0 {
		return generic
	}
	return c.name(p, nameRun{pi: c.d.paraIndex(p), i: i, n: c.nameStart(toks, i, e), e: e, ent: -1, poss: toks[e-1].poss})
}

func (d *doc) paraIndex(p *para) int {
	for k := range d.paras {
		if &d.paras[k] == p {
			return k
		}
	}
	return -1
}

// pronounKinds are the pronouns a source may be, with what they refer to:
// 'm' and 'f' a person of that gender, 'n' an organisation or a
// document, 'p' several, '1' the writer, '2' the reader.
var pronounKinds = map[string]byte{
	"he": 'm', "him": 'm', "his": 'm', "himself": 'm',
	"she": 'f', "her": 'f', "hers": 'f', "herself": 'f',
	"it": 'n', "its": 'n', "itself": 'n',
	"they": 'p', "them": 'p', "their": 'p', "themselves": 'p',
	"i": '1', "me": '1', "my": '1', "we": '1', "us": '1', "our": '1',
	"you": '2', "your": '2',
}

// pronounPart is a word without the contraction it may end with: "i've"
// is "i", "she’d" "she".
func pronounPart(l string) string {
	if i := strings.IndexAny(l, "'’"); i > 0 {
		return l[:i]
	}
	return l
}

// pronoun resolves the pronoun toks[k].
func (c *cast) pronoun(p *para, k int) speakerRef {
	t := p.toks[k]
	pos := t.start
	l := pronounPart(t.lower)
	switch g := pronounKinds[l]; g {
	case 'm', 'f':
		// a person named before the pronoun in its own sentence, outside
		// quotations: "Christie described Clinton as a disgrace after she
		// …", "Lauer faced criticism after he …"
		id := c.inSentence(pos, g)
		if id < 0 {
			id = c.salientPerson(pos, g, p, k)
			// "…,” she said: the speaker of the attribution just before, of
			// that gender or of none known, goes on speaking
			if ls := c.lastSpeaker; ls >= 0 && ls != id && c.sentence(pos)-c.lastSpoke <= 2 && c.ents[ls].kind == graph.SpeakerPerson && (c.ents[ls].gender == 0 || c.ents[ls].gender == g) {
				id = ls
			}
		}
		if id < 0 {
			return generic
		}
		if c.ents[id].gender == 0 {
			c.ents[id].gender = g
		}
		return speakerRef{id, c.kindOf(id)}
	case 'n':
		// "…,” it said: a document that was the last source, a sentence
		// or two before, goes on speaking
		if c.lastDocSent >= 0 && c.lastDocSent >= c.lastSpoke && c.sentence(pos)-c.lastDocSent <= 2 {
			return c.lastDoc
		}
		if id := c.salientThing(pos, 3); id >= 0 {
			return speakerRef{id, c.kindOf(id)}
		}
		if dm := c.lastDocument(pos, "", 3); dm >= 0 {
			return speakerRef{c.docs[dm].publisher, graph.SpeakerDocument}
		}
	case 'p':
		if id := c.recentGroup(pos); id >= 0 {
			return speakerRef{id, graph.SpeakerGroup}
		}
		if ref, ok := c.pluralDocument(p, k); ok {
			return ref
		}
	case '1':
		if (l == "i" || l == "me" || l == "my") && c.author >= 0 {
			return speakerRef{c.author, graph.SpeakerPerson}
		}
	}
	return generic
}

// inSentence finds the person of gender g that the sentence of pos named
// before pos, outside quotations: one known to be of that gender, else a
// subject whose gender is not known; the most prominent, then the first.
// It returns -1 when there is none.
func (c *cast) inSentence(pos int, g byte) int {
	at := c.sentence(pos)
	best, bestW := -1, 0.0
	for m := c.before(pos) - 1; m >= 0 && c.ments[m].sent == at; m-- {
		mm := c.ments[m]
		e := c.ents[mm.ent]
		if mm.quoted || e.kind != graph.SpeakerPerson || e.owner >= 0 {
			continue
		}
		w := mm.w
		switch {
		case e.gender == g:
			w += 1000
		case e.gender != 0 || w < wSubject:
			continue
		}
		if w >= bestW {
			best, bestW = mm.ent, w
		}
	}
	return best
}

// pluralDocument finds the documents "they" at toks[k] means: plural
// document nouns of someone's in its sentence or the one before ("his tax
// returns … they would reveal").
func (c *cast) pluralDocument(p *para, k int) (speakerRef, bool) {
	s := sentenceStart(p, k)
	if s > 0 {
		s = sentenceStart(p, s-1)
	}
	for j := k - 1; j > s; j-- {
		t := p.toks[j]
		if t.kind != tokWord || t.capital || !docNouns[t.lower] || !isPlural(t.lower) {
			continue
		}
		for i := j - 1; i >= s && i >= j-4; i-- {
			o := p.toks[i]
			if o.kind != tokWord {
				break
			}
			if _, ok := pronounKinds[o.lower]; ok && o.is("his", "her", "its", "their") {
				if ref := c.pronoun(p, i); ref.ent >= 0 {
					return speakerRef{ref.ent, graph.SpeakerDocument}, true
				}
				return speakerRef{}, false
			}
			if o.poss && o.capital {
				if ref := c.nameOnly(p, i, i+1); ref.ent >= 0 {
					return speakerRef{ref.ent, graph.SpeakerDocument}, true
				}
			}
		}
		return speakerRef{}, false
	}
	return speakerRef{}, false
}

// kindOf is the speaker type of an entity: a place that speaks is its
// government, an organisation.
func (c *cast) kindOf(id int) string {
	e := c.ents[id]
	switch {
	case e.kind == graph.SpeakerPlace:
		return graph.SpeakerOrganization
	case e.kind == graph.SpeakerPerson && e.weak && e.gender == 0:
		return graph.SpeakerOrganization
	}
	return e.kind
}

// salientPerson finds the person "he" or "she" at pos refers to: the most
// salient person of that gender (or of none known), else one named later
// in the same sentence ("Though she …, Clinton said").
func (c *cast) salientPerson(pos int, g byte, p *para, k int) int {
	at := c.sentence(pos)
	score := map[int]float64{}
	for m := c.before(pos) - 1; m >= 0; m-- {
		mm := c.ments[m]
		dist := at - mm.sent
		if dist > 24 {
			break
		}
		e := c.ents[mm.ent]
		if e.kind != graph.SpeakerPerson || e.owner >= 0 {
			continue
		}
		w := mm.w * pow2(-dist)
		switch {
		case g == 0 || e.gender == g:
		case e.gender == 0:
			w *= 0.6
		default:
			continue
		}
		score[mm.ent] += w + 0.001*float64(e.count)
	}
	best, bestS := -1, 0.0
	for id, s := range score {
		if s > bestS || s == bestS && best >= 0 && id < best {
			best, bestS = id, s
		}
	}
	if best >= 0 {
		return best
	}
	// cataphora: a person named after the pronoun in its sentence
	for m := c.before(pos); m < len(c.ments) && c.ments[m].sent == at; m++ {
		e := c.ents[c.ments[m].ent]
		if e.kind == graph.SpeakerPerson && e.owner < 0 && (e.gender == 0 || e.gender == g) {
			return c.ments[m].ent
		}
	}
	return -1
}

func pow2(n int) float64 {
	f := 1.0
	for ; n < 0; n++ {
		f /= 2
	}
	return f
}

// salientThing finds the organisation "it" at pos refers to, mentioned
// within reach sentences before.
func (c *cast) salientThing(pos, reach int) int {
	at := c.sentence(pos)
	best, bestS := -1, 0.0
	score := map[int]float64{}
	for m := c.before(pos) - 1; m >= 0; m-- {
		mm := c.ments[m]
		dist := at - mm.sent
		if dist > reach {
			break
		}
		e := c.ents[mm.ent]
		if e.kind != graph.SpeakerOrganization && e.kind != graph.SpeakerPlace {
			continue
		}
		score[mm.ent] += mm.w * pow2(-dist)
	}
	for id, s := range score {
		if s > bestS || s == bestS && best >= 0 && id < best {
			best, bestS = id, s
		}
	}
	return best
}

// recentGroup finds the group "they" at pos refers to: people named
// together, or the speaker of an attribution that was a group, within two
// sentences before.
func (c *cast) recentGroup(pos int) int {
	at := c.sentence(pos)
	for m := c.before(pos) - 1; m >= 0; m-- {
		mm := c.ments[m]
		if at-mm.sent > 2 {
			break
		}
		if c.ents[mm.ent].kind == graph.SpeakerGroup {
			return mm.ent
		}
	}
	return -1
}

// lastDocument finds the latest document mention with a publisher before
// pos, within reach sentences (0: any), of the head noun head ("" any).
func (c *cast) lastDocument(pos int, head string, reach int) int {
	at := c.sentence(pos)
	best := -1
	for k, dm := range c.docs {
		if dm.pos >= pos || head != "" && dm.head != head {
			continue
		}
		if reach > 0 && at-c.sentence(dm.pos) > reach {
			continue
		}
		if best < 0 || dm.pos > c.docs[best].pos {
			best = k
		}
	}
	return best
}

// relative resolves the relative pronoun toks[k] to what the noun phrase
// before it refers to: "George W. Bush, who", "the study — which".
func (c *cast) relative(p *para, pi, k, depth int) speakerRef {
	toks := p.toks
	j := k
	for j > 0 && toks[j-1].kind == tokPunct && (strings.Contains(",—–-", toks[j-1].text) || toks[j-1].text == "--") {
		j--
	}
	if j == 0 || depth > 3 {
		return generic
	}
	// skip a parenthetical: "Rep. Jane Doe (D-Ohio), who"
	if toks[j-1].text == ")" {
		for j > 0 && toks[j-1].text != "(" {
			j--
		}
		if j > 0 {
			j--
		}
	}
	s := sentenceStart(p, k)
	i := c.npBefore(toks, s, j)
	if i >= j {
		return generic
	}
	// an appositive before the relative: "McConnell, now the Senate
	// majority leader, who" is McConnell
	a := i
	for a > s && toks[a-1].kind == tokWord && toks[a-1].is("now", "then", "also", "once", "still", "currently", "formerly") {
		a--
	}
	if a > s+1 && toks[a-1].text == "," && !(i < j && toks[i].capital && c.nameOnly(p, i, j).ent >= 0) {
		if i2 := c.npBefore(toks, s, a-1); i2 < a-1 {
			if r2 := c.nameOnly(p, i2, a-1); r2.ent >= 0 && r2.kind == graph.SpeakerPerson {
				return r2
			}
		}
	}
	// of a list, the last: "celebrities like Oprah Winfrey, Patti LaBelle
	// and Stevie Wonder, who"
	if i > s && toks[i-1].is("and") {
		if r := c.nameOnly(p, i, j); r.ent >= 0 {
			return r
		}
	}
	ref := c.phrase(p, pi, i, j, depth+1)
	if ref.kind == graph.SpeakerGroup {
		if g := c.ents[ref.ent]; len(g.member) > 0 {
			last := g.member[len(g.member)-1]
			return speakerRef{last, c.kindOf(last)}
		}
	}
	return ref
}

func sentenceStart(p *para, k int) int {
	for _, se := range p.sents {
		if k >= se[0] && k < se[1] {
			return se[0]
		}
	}
	return 0
}

// npBefore returns where the noun phrase that ends at toks[j] begins: a
// name with its titles, or a determiner and its nouns. A name after a
// preposition belongs to the noun before it ("Democrats on Capitol
// Hill").
func (c *cast) npBefore(toks []token, s, j int) int {
	i := j
	for i > s && toks[i-1].kind == tokWord {
		if c.capTok(toks[i-1]) {
			i--
			continue
		}
		// connectors between capitalized words: "Committee for a Fair
		// Budget"; not "and", which joins two names
		m := i - 1
		for m > s && connectors[toks[m].lower] && !toks[m].capital && !toks[m].is("and") && i-1-m < 2 {
			m--
		}
		if i < j && m < i-1 && connectors[toks[m+1].lower] && c.capTok(toks[m]) && !toks[m].poss {
			i = m
			continue
		}
		break
	}
	for i < j && connectors[toks[i].lower] && !toks[i].capital {
		i++
	}
	if i < j {
		if i > s && toks[i-1].is("on", "in", "at", "from") {
			return c.npBefore(toks, s, i-1) // where they are, not who
		}
		// titles and a determiner before the name
		for i > s && toks[i-1].kind == tokWord && (determiners[toks[i-1].lower] || titleWords[toks[i-1].lower] || speakerTitles[toks[i-1].lower] || toks[i-1].poss) {
			i--
		}
		return i
	}
	// a common noun phrase: back to its determiner, at most six words
	for i > s && j-i < 6 && toks[i-1].kind == tokWord && !relatives[toks[i-1].lower] && !cueVerbs[toks[i-1].lower] {
		i--
		if determiners[toks[i].lower] || indefinites[toks[i].lower] || toks[i].poss {
			break
		}
		if i > s && toks[i-1].is("of", "on", "in", "at", "from", "for", "with", "by", "and", "to") {
			break
		}
	}
	return i
}

// nounPhrase resolves a noun phrase with neither a list nor an
// appositive in it.
func (c *cast) nounPhrase(p *para, i, e int) speakerRef {
	toks := p.toks
	pi := c.d.paraIndex(p)
	s0 := sentenceStart(p, i)
	common := func(k int) bool { return c.commonCap(toks, k, s0, pi) }
	if c.headline[pi] {
		// a headline's phrase that holds a full name is about that person:
		// "Elizabeth Warren Hammers Wells Fargo CEO", "A lesson from Loretta Lynch"
		for _, r := range c.findRuns(nil, pi, i, e, s0) {
			if r.e-r.n >= 2 && givenTok(toks[r.n]) && c.classify(&r) == graph.SpeakerPerson {
				return c.name(p, r)
			}
		}
	}
	// a person's name ends the phrase, with titles before it that may
	// hold prepositions: "High Representative of the European Union for
	// Foreign Affairs and Security Policy Kaja Kallas"
	if !common(e - 1) {
		r := c.runAt(p, pi, i, e, e-1)
		titled := true
		for k := i; k < r.i; k++ {
			t := toks[k]
			if t.kind != tokWord || !(t.capital || determiners[t.lower] || connectors[t.lower] || titleWords[t.lower] || speakerTitles[t.lower] || nationalityWords[t.lower]) {
				titled = false
			}
		}
		if titled && r.n > r.i && r.n < r.e && r.e == e && c.classify(&r) == graph.SpeakerPerson {
			return c.name(p, r)
		}
	}
	// the head: the last word before a preposition that follows a noun,
	// outside a name ("the Association of Flight Attendants")
	h, comp := e-1, -1
	for k := i + 1; k < e; k++ {
		t := toks[k]
		// a passive participle is a complement too: "a letter obtained by
		// the paper"
		passive := k+1 < e && toks[k+1].is("by") && authorParticiples[t.lower]
		if t.kind == tokWord && !t.capital && (passive || t.is("of", "for", "by", "at", "from", "with", "in", "on", "representing", "to", "published", "released", "conducted", "commissioned", "about", "including")) {
			if (t.is("of", "for", "on", "to") && !common(k-1)) && k+1 < e && (toks[k+1].capital || toks[k+1].is("the", "a") && k+2 < e && toks[k+2].capital) && hasOrgHead(toks, i, k) {
				continue // inside an organisation's name
			}
			h, comp = k-1, k
			break
		}
	}
	if h < i {
		return generic
	}
	head := toks[h]
	if head.kind != tokWord || runStop[head.lower] && head.capital {
		return generic
	}
	// the head is a name
	if !common(h) {
		r := c.runAt(p, pi, i, e, h)
		if c.isGenericName(toks, r.n, r.e) {
			return generic
		}
		if ref := c.name(p, r); ref.ent >= 0 || comp < 0 {
			return ref
		}
	}
	l := head.lower
	det := c.determiner(p, i, h)
	if det.kind == detPossessive && det.owner >= 0 && det.ownerKind != graph.SpeakerPerson {
		det.kind = detDefinite // "Connecticut's tax commissioner"
	}
	// an organisation noun: "the agency", "the newspaper", "police"
	isOrg := orgNouns[l] || mediaHeads[l] && !docNouns[l]
	// a document: "A Bloomberg poll", "the report", "a poll by X"
	if !isOrg && (docNouns[l] || c.nounFile(l) == wnNounCommunication && !titleWords[l] && !genericHeads[l]) {
		return c.document(p, i, h, comp, e, det)
	}
	// a campaign: "The Trump campaign", "Clinton's team", "her campaign"
	if l == "campaign" || l == "camp" || l == "team" && (det.owner >= 0 || c.modifierPerson(p, i, h) >= 0) {
		if det.owner >= 0 && c.ents[det.owner].kind == graph.SpeakerPerson {
			return speakerRef{c.campaignOf(det.owner), graph.SpeakerOrganization}
		}
		if id := c.modifierPerson(p, i, h); id >= 0 {
			return speakerRef{c.campaignOf(id), graph.SpeakerOrganization}
		}
		if det.kind == detDefinite || det.kind == detNone {
			if id := c.salientCampaign(head.start); id >= 0 {
				return speakerRef{id, graph.SpeakerOrganization}
			}
		}
		return generic
	}
	if det.kind == detIndefinite && !(isOrg || titleWords[l] || speakerTitles[l]) || isPlural(l) && !orgNouns[l] || genericHeads[l] {
		return generic
	}
	// a country's government is the country: "the Saudi government",
	// "the North Korean regime"
	if l == "government" || l == "regime" {
		if words := countryOf(toks, i, h); words != nil {
			id := c.findOrg(words)
			if id < 0 {
				id = c.newOrg(&entity{kind: graph.SpeakerOrganization, words: words, owner: -1})
			}
			c.ents[id].gov = true // and "the government" after it
			return speakerRef{id, graph.SpeakerOrganization}
		}
	}
	if isOrg || c.nounFile(l) == wnNounGroup {
		if id := c.modifierOrg(p, i, h, s0); id >= 0 {
			return speakerRef{id, c.kindOf(id)}
		}
		if comp >= 0 && toks[comp].is("of") && comp+1 < e {
			// "the city of Phoenix", "the government of Mexico"
			if id := c.publisherIn(p, pi, comp+1, e, s0); id >= 0 && c.ents[id].kind != graph.SpeakerPerson {
				return speakerRef{id, c.kindOf(id)}
			}
		}
		if det.kind == detPossessive || det.kind == detIndefinite {
			return generic
		}
		if id := c.salientOrg(head.start, l, c.headline[pi]); id >= 0 {
			return speakerRef{id, c.kindOf(id)}
		}
		return generic
	}
	// a person's role: "the spokeswoman", "his campaign manager"
	if titleWords[l] || speakerTitles[l] || genderedNouns[l] != 0 || c.nounFile(l) == wnNounPerson || topicRoles[l] {
		if id := c.role(p, i, h, comp, e, det); id >= 0 {
			return speakerRef{id, graph.SpeakerPerson}
		}
	}
	return generic
}

// demonyms map the adjectives of countries, as they modify "government",
// to the countries' names.
var demonyms = map[string]string{
	"saudi": "Saudi Arabia", "north korean": "North Korea", "south korean": "South Korea", "russian": "Russia",
	"chinese": "China", "iranian": "Iran", "iraqi": "Iraq", "syrian": "Syria", "israeli": "Israel",
	"mexican": "Mexico", "british": "Britain", "french": "France", "german": "Germany", "turkish": "Turkey",
	"ukrainian": "Ukraine", "japanese": "Japan", "indian": "India", "pakistani": "Pakistan",
	"afghan": "Afghanistan", "egyptian": "Egypt", "canadian": "Canada", "cuban": "Cuba",
	"venezuelan": "Venezuela", "philippine": "Philippines", "italian": "Italy", "spanish": "Spain",
	"polish": "Poland", "greek": "Greece", "libyan": "Libya", "yemeni": "Yemen", "jordanian": "Jordan",
	"lebanese": "Lebanon", "qatari": "Qatar", "colombian": "Colombia", "brazilian": "Brazil",
	"nigerian": "Nigeria", "kenyan": "Kenya", "australian": "Australia", "hungarian": "Hungary",
}

// countryOf returns the name of the country whose adjective stands
// before the head toks[h] ("the Saudi government" → Saudi Arabia, "the
// North Korean government" → North Korea), word by word, or nil.
func countryOf(toks []token, i, h int) []string {
	for k := i; k < h; k++ {
		if !toks[k].capital || toks[k].kind != tokWord || toks[k].poss {
			continue
		}
		if k+1 < h && toks[k+1].capital {
			if c, ok := demonyms[toks[k].lower+" "+toks[k+1].lower]; ok && k+2 == h {
				return strings.Fields(c)
			}
		}
		if c, ok := demonyms[toks[k].lower]; ok && k+1 == h {
			return strings.Fields(c)
		}
	}
	return nil
}

// commonCap reports whether toks[k] is a common noun or an adjective,
// capitalized only for opening its sentence (toks[s0]) or for a
// headline's style: "Police say", "New Poll Shows …", "Authorities have
// said". Known names are names.
func (c *cast) commonCap(toks []token, k, s0, pi int) bool {
	t := toks[k]
	if !t.capital || t.kind != tokWord {
		return true
	}
	if !(c.headline[pi] || k == s0) || isAcronym(t.text) || givenTok(t) || c.knownWord(t) {
		return false
	}
	l := t.lower
	// a headline in sentence case, or a sentence, opens with a noun for
	// a person: "Lawmaker urges …", "Member of House panel says …"
	next := token{}
	if k+1 < len(toks) {
		next = toks[k+1]
	}
	return classOf(t)&spkCommonNoun != 0 || c.notName(toks, k) || isPlural(l) && classOf(t)&spkPlace == 0 && c.nounFile(singular(l)) >= 0 ||
		next.kind == tokWord && !next.capital && (c.headline[pi] || next.is("of")) && c.nounFile(l) == wnNounPerson && c.opensLine(toks, k, s0)
}

// opensLine reports whether toks[k] opens its sentence (toks[s0]), a
// line, or a clause after a semicolon or a colon.
func (c *cast) opensLine(toks []token, k, s0 int) bool {
	return k == s0 || k > 0 && (toks[k-1].text == ";" || toks[k-1].text == ":" || strings.Contains(c.d.src.str(toks[k-1].end, toks[k].start), "\n"))
}

// runAt returns the capitalized run of toks[i:e] that holds toks[h],
// with the titles that open it told apart.
func (c *cast) runAt(p *para, pi, i, e, h int) nameRun {
	return c.runAtCut(p, pi, i, e, h, true)
}

// runAtCut is runAt; with cut, a run of no organisation ends at toks[h].
func (c *cast) runAtCut(p *para, pi, i, e, h int, cut bool) nameRun {
	for _, r := range c.findRuns(nil, pi, i, e, sentenceStart(p, i)) {
		if r.i <= h && h < r.e {
			if cut && r.e > h+1 && !hasOrgHead(p.toks, r.i, r.e) {
				r.e = h + 1
				r.n = c.nameStart(p.toks, r.i, r.e)
				r.poss = p.toks[h].poss
			}
			return r
		}
	}
	return nameRun{pi: pi, i: h, n: h, e: h + 1, ent: -1, poss: p.toks[h].poss}
}

// isGenericName reports whether a capitalized phrase names a people or a
// party as a whole ("Republicans", "Many African-Americans").
func (c *cast) isGenericName(toks []token, i, e int) bool {
	l := toks[e-1].lower
	if e-i > 1 && !isPlural(l) {
		return false // "The Charlotte Observer"
	}
	return genericHeads[l] || nationalityWords[l] || isPlural(l) && nationalityWords[singular(l)]
}

// isPlural reports whether a noun is plural: ends in s, and is not a word
// whose singular ends so.
func isPlural(l string) bool {
	if !strings.HasSuffix(l, "s") || strings.HasSuffix(l, "ss") || strings.HasSuffix(l, "us") || strings.HasSuffix(l, "is") || len(l) < 4 {
		return l == "police" || l == "people" || l == "men" || l == "women" || l == "staff"
	}
	switch l {
	case "news", "times", "campus", "congress", "press", "series", "species", "politics", "economics":
		return false
	}
	return true
}

// determiner kinds.
const (
	detNone       = iota // a bare noun
	detDefinite          // the, this, that
	detIndefinite        // a, an, one, some, …
	detPossessive        // his, her, their, Trump's
)

type detInfo struct {
	kind      int
	owner     int    // the person or organisation of a possessive, or -1
	ownerKind string // its type
}

// determiner reads how the noun phrase toks[i:h] opens.
func (c *cast) determiner(p *para, i, h int) detInfo {
	toks := p.toks
	t := toks[i]
	switch {
	case t.is("the", "this", "that", "these", "those"):
		return detInfo{detDefinite, -1, ""}
	case indefinites[t.lower]:
		return detInfo{detIndefinite, -1, ""}
	case t.is("his", "her", "its", "their", "my", "our", "your"):
		ref := c.pronoun(p, i)
		return detInfo{detPossessive, ref.ent, graph.SpeakerPerson}
	}
	for k := i; k < h; k++ {
		if toks[k].poss && toks[k].capital {
			n := k
			for n > i && toks[n-1].capital && !toks[n-1].poss {
				n--
			}
			ref := c.name(p, nameRun{pi: c.d.paraIndex(p), i: n, n: c.nameStart(toks, n, k+1), e: k + 1, ent: -1, poss: true})
			return detInfo{detPossessive, ref.ent, ref.kind}
		}
	}
	return detInfo{detNone, -1, ""}
}

// name resolves a capitalized run: a person, an organisation, a place or a
// campaign, registered when new.
func (c *cast) name(p *para, r nameRun) speakerRef {
	toks := p.toks
	if r.n >= r.e {
		return generic
	}
	if r.pi < 0 {
		r.pi = c.d.paraIndex(p)
	}
	kind := c.classify(&r)
	var id int
	if r.e-r.n == 1 && kind != graph.SpeakerPerson {
		// a surname that is also a word or a place: "Ditto", "Jordan"
		if id := c.findPersonWord(toks[r.n], c.runGender(toks, &r), toks[r.n].start); id >= 0 {
			return speakerRef{id, graph.SpeakerPerson}
		}
	}
	switch kind {
	case graph.SpeakerOrganization, graph.SpeakerPlace:
		if c.headline[r.pi] {
			id = c.findOrg(c.orgWords(&r))
		} else {
			id = c.addOrg(&r, kind)
		}
	case graph.SpeakerPerson:
		if r.e-r.n == 1 {
			id = c.findPersonWord(toks[r.n], c.runGender(toks, &r), toks[r.n].start)
			if id < 0 {
				id = c.addPerson(&r)
			}
		} else {
			_, key := personWords(toks, r.n, r.e)
			id = c.findPersonKey(key, c.runGender(toks, &r), toks[r.n].start)
			if id < 0 {
				id = c.addPerson(&r)
			}
		}
	default:
		// one word the article never gives more of: someone's surname, or
		// a people ("Republicans")
		if c.isGenericName(toks, r.n, r.e) {
			return generic
		}
		id = c.findPersonWord(toks[r.n], c.runGender(toks, &r), toks[r.n].start)
		if id < 0 {
			id = c.findOrg(c.orgWords(&r))
		}
		if id < 0 {
			id = c.addPerson(&r)
		}
	}
	if id < 0 {
		return generic
	}
	return speakerRef{id, c.kindOf(id)}
}

// modifierPerson finds the person a capitalized word before the head
// names: "the Trump campaign" is the campaign of the Trump the article
// names most.
func (c *cast) modifierPerson(p *para, i, h int) int {
	for k := h - 1; k >= i; k-- {
		t := p.toks[k]
		if t.kind != tokWord || !t.capital || runStop[t.lower] {
			continue
		}
		key := fold.String(strings.TrimSuffix(t.text, "."))
		// of several of that surname, one who runs for office, else the
		// one a surname alone means at this point
		var cands, running []int
		for id, e := range c.ents {
			if e.kind == graph.SpeakerPerson && e.owner < 0 && e.surname() == key {
				cands = append(cands, id)
				if !e.kin && (e.roles["candidate"] || e.roles["nominee"] || e.roles["president"] || e.roles["senator"] || e.roles["governor"]) {
					running = append(running, id)
				}
			}
		}
		if len(running) > 0 {
			cands = running
		}
		if best := c.mostSalient(cands, t.start); best >= 0 {
			return best
		}
	}
	return -1
}

// modifierOrg finds the organisation or place that capitalized words
// between the determiner and the head name: the whole phrase, head
// included, when the head is "police" or an organisation's lower-case
// name ("Tulsa police", "the Senate banking committee"), else the
// organisation the words name ("the Clinton Foundation's board").
func (c *cast) modifierOrg(p *para, i, h, s0 int) int {
	toks := p.toks
	n := i
	pi := c.d.paraIndex(p)
	for n < h && (toks[n].kind != tokWord || determiners[toks[n].lower] || toks[n].poss || !c.capTok(toks[n]) || c.commonCap(toks, n, s0, pi)) {
		n++
	}
	if n == h {
		return -1
	}
	e := n
	for e < h && toks[e].kind == tokWord && (c.capTok(toks[e]) || connectors[toks[e].lower]) && !toks[e].poss {
		e++
	}
	if e == n || toks[e-1].poss {
		return -1
	}
	r := nameRun{pi: c.d.paraIndex(p), i: n, n: n, e: e, ent: -1}
	kind := c.classify(&r)
	if kind == graph.SpeakerPerson || e-n == 1 && kind == "" && c.findPersonWord(toks[n], 0, toks[n].start) >= 0 {
		// a person's organisation: "the Obama administration"; not what a
		// person merely leads or belongs to ("Trump's company")
		if !toks[h].is("administration", "foundation", "family", "organization", "organisation") || toks[e-1].poss {
			return -1
		}
	}
	words := make([]string, 0, h+1-n)
	for k := n; k <= h; k++ {
		words = append(words, toks[k].text)
	}
	if id := c.findOrg(words); id >= 0 {
		return id
	}
	if c.headline[pi] {
		return -1 // a headline names what the article names
	}
	return c.newOrg(&entity{kind: graph.SpeakerOrganization, words: words, owner: -1})
}

// salientCampaign finds the campaign the article last spoke of before pos.
func (c *cast) salientCampaign(pos int) int {
	at := c.sentence(pos)
	score := map[int]float64{}
	best, bestS := -1, 0.0
	for m := c.before(pos) - 1; m >= 0; m-- {
		mm := c.ments[m]
		e := c.ents[mm.ent]
		switch {
		case e.owner >= 0:
			score[mm.ent] += mm.w * pow2(-(at - mm.sent))
		case e.kind == graph.SpeakerPerson && at-mm.sent <= 3:
			// the candidate named just before: "Clinton … The campaign says"
			for id, x := range c.ents {
				if x.owner == mm.ent {
					score[id] += mm.w * pow2(-(at - mm.sent)) / 2
				}
			}
		}
	}
	for id, s := range score {
		if s > bestS || s == bestS && id < best {
			best, bestS = id, s
		}
	}
	return best
}

// salientOrg finds the organisation a definite organisation noun ("the
// agency", "the newspaper", "the city") at pos means: the most salient
// whose name holds the noun, else the most salient of its sort.
func (c *cast) salientOrg(pos int, noun string, headline bool) int {
	// one whose name holds the noun, however far back: "police" is the
	// "Charlotte-Mecklenburg police" of the story
	named := -1
	holds := func(m int) bool {
		e := c.ents[c.ments[m].ent]
		return e.owner < 0 && (e.kind == graph.SpeakerOrganization || e.kind == graph.SpeakerPlace) &&
			(containsFold(e.words, noun) || e.gov && (noun == "government" || noun == "regime"))
	}
	for m := c.before(pos) - 1; m >= 0 && !headline; m-- {
		if holds(m) {
			named = c.ments[m].ent
			break
		}
	}
	for m := c.before(pos); m < len(c.ments) && named < 0; m++ {
		if holds(m) {
			named = c.ments[m].ent // named further on
		}
	}
	if named >= 0 {
		return named
	}
	at := c.sentence(pos)
	score := map[int]float64{}
	from := c.before(pos) - 1
	if headline {
		from = len(c.ments) - 1 // a headline speaks of the article
	}
	for m := from; m >= 0; m-- {
		mm := c.ments[m]
		dist := max(0, at-mm.sent)
		if headline {
			dist = 0
		}
		if dist > 12 {
			break
		}
		e := c.ents[mm.ent]
		if e.kind != graph.SpeakerOrganization && e.kind != graph.SpeakerPlace || e.owner >= 0 {
			continue
		}
		fit := 0.3
		switch {
		case containsFold(e.words, noun):
			fit = 3
		case mediaNouns[noun] && e.media:
			fit = 2
		case noun == "website" || noun == "site":
			fit = 1
		case (noun == "city" || noun == "state" || noun == "country" || noun == "nation") && e.kind == graph.SpeakerPlace:
			fit = 2
		case mediaNouns[noun] || e.kind == graph.SpeakerPlace:
			continue
		}
		score[mm.ent] += fit * mm.w * pow2(-dist)
	}
	best, bestS := -1, 0.0
	for id, s := range score {
		if s > bestS || s == bestS && best >= 0 && id < best {
			best, bestS = id, s
		}
	}
	return best
}

func containsFold(words []string, w string) bool {
	for _, x := range words {
		if strings.EqualFold(strings.Trim(x, ".,"), w) {
			return true
		}
	}
	return false
}

// role finds the person a role noun phrase toks[i:e], head toks[h],
// means: the one the article gives that role, the most salient first and
// those who share more of the phrase's words ahead; for a role a story is
// about ("the nominee"), the most salient person; of a possessive ("his
// wife"), one related to its owner. Party words keep Democrats and
// Republicans apart.
func (c *cast) role(p *para, i, h, comp, end int, det detInfo) int {
	toks := p.toks
	named := c.namedIn(p, comp, end)
	pos := toks[i].start
	headline := c.headline[c.d.paraIndex(p)]
	head := canonRole(toks[h].lower)
	g := genderedNouns[toks[h].lower]
	if g == 0 && opensClause(p, i) {
		g = c.ownGender(p, end)
	}
	var mods []string
	for k := i; k < end; k++ {
		if k == h || toks[k].kind != tokWord || determiners[toks[k].lower] || connectors[toks[k].lower] {
			continue
		}
		mods = append(mods, canonRole(strings.Trim(toks[k].lower, ".")))
	}
	party := partyOf(mods)
	// "the former first lady and senator": one who holds both
	var also []string
	for k := i + 1; k < h; k++ {
		if toks[k].is("and") && k > i {
			if w := canonRole(toks[k-1].lower); titleWords[w] || speakerTitles[w] || c.nounFile(w) == wnNounPerson {
				also = append(also, w)
			}
		}
	}
	fits := func(e *entity) bool {
		if e.kind != graph.SpeakerPerson || e.owner >= 0 || g != 0 && e.gender != 0 && e.gender != g {
			return false
		}
		return party == 0 || partyOf2(e.roles) != otherParty(party)
	}
	best, bestS := -1, 0.0
	for id, e := range c.ents {
		if !e.roles[head] || id == det.owner || !fits(e) || slices.ContainsFunc(also, func(w string) bool { return !e.roles[w] }) {
			continue
		}
		// "his lawyer" is not the lawyer of someone else the article named
		if o, ok := e.of[head]; ok && det.kind == detPossessive && det.owner >= 0 && c.ents[det.owner].surname() != o {
			continue
		}
		s := c.salience(id, pos) + 1
		if headline || det.kind == detIndefinite {
			s = float64(e.count) + 1
		}
		for _, m := range mods {
			if e.roles[m] {
				s *= 2
			}
		}
		under := false
		for _, w := range []string{"vice", "deputy", "assistant", "former", "associate"} {
			if e.roles[w] && !slices.Contains(mods, w) {
				s /= 4 // a vice president is not "the president"
				under = under || w != "former"
			}
		}
		if under && topicRoles[toks[h].lower] && det.kind == detDefinite {
			continue // nor "the nominee" the vice-presidential nominee
		}
		if det.kind == detIndefinite && slices.Contains(mods, "former") && !e.roles["former"] {
			continue // "a former minister" is not the minister
		}
		if named != "" && !e.roles[named] {
			if det.kind == detIndefinite && !c.rolesName(e, p, comp, end) {
				continue // "a spokeswoman for Hillary Clinton" is not Trump's
			}
			s /= 4
		}
		if s > bestS {
			best, bestS = id, s
		}
	}
	if best >= 0 {
		return best
	}
	// a role no one holds, of a definite description that goes on from
	// the sentence before: "Jane Roe called on …. The former governor
	// said", "Jane Roe … Smith's former campaign manager said" is Roe;
	// not one related to someone ("his wife", "the spokesman")
	hasPoss := false
	for k := i; k < h; k++ {
		hasPoss = hasPoss || toks[k].poss && det.owner < 0
	}
	_, pronounOwner := pronounKinds[toks[i].lower] // "his lawyer": his is likely the one before
	if comp < 0 && !headline && !hasPoss && !kinNouns[toks[h].lower] && opensClause(p, i) &&
		(det.owner >= 0 && !pronounOwner || det.kind == detDefinite && topicRoles[toks[h].lower]) {
		if id := c.topicBefore(pos); id >= 0 && id != det.owner && fits(c.ents[id]) && !c.titled(c.ents[id]) {
			return id
		}
	}
	if det.kind == detPossessive && det.owner >= 0 && g != 0 {
		// "his wife": a person of that surname and the other gender
		o := c.ents[det.owner]
		cand := -1
		for id, e := range c.ents {
			if id == det.owner || e.kind != graph.SpeakerPerson || e.owner >= 0 || e.surname() != o.surname() {
				continue
			}
			if e.gender == g {
				return id
			}
			if e.gender == 0 && cand < 0 {
				cand = id
			}
		}
		return cand
	}
	if det.kind == detPossessive || det.kind == detIndefinite {
		return -1
	}
	if !(topicRoles[toks[h].lower] || g != 0 || headline) {
		return -1
	}
	if headline {
		// a headline's role noun is the person the article is most about;
		// a plural is several ("Rabbis vow …")
		if l := toks[h].lower; isPlural(l) || strings.HasSuffix(l, "s") && !strings.HasSuffix(l, "ss") && c.nounFile(l[:len(l)-1]) >= 0 {
			return -1
		}
		best := -1
		for id, e := range c.ents {
			if fits(e) && (best < 0 || e.count > c.ents[best].count) {
				best = id
			}
		}
		return best
	}
	id := c.salientPerson(pos, g, p, i)
	if id >= 0 && fits(c.ents[id]) && c.salience(id, pos) >= wOther/4 {
		return id
	}
	return -1
}

// opensClause reports whether toks[i] opens its sentence, or follows
// only the quotation that opens it ("“…,” the nominee said"): a subject
// that carries the story on, not one inside a clause of another.
func opensClause(p *para, i int) bool {
	s := sentenceStart(p, i)
	for s < i && p.toks[s].kind == tokWord && leadWords[p.toks[s].lower] {
		s++
	}
	if s == i {
		return true
	}
	if p.toks[s].kind != tokQuote || p.toks[i-1].kind != tokQuote {
		return false
	}
	for k := s + 1; k < i-1; k++ {
		if p.toks[k].kind == tokQuote {
			return false
		}
	}
	return true
}

// ownGender returns the gender of the first possessive pronoun of the
// clause that follows a subject ending at toks[end] ("The nominee attacked
// her opponent": the nominee's own), or 0 when a name, a quotation or
// the clause's end comes first.
func (c *cast) ownGender(p *para, end int) byte {
	toks := p.toks
	for k := end; k < len(toks) && k < end+8; k++ {
		t := toks[k]
		switch {
		case t.kind == tokQuote || t.kind == tokPunct || t.kind == tokWord && t.capital && !isPronounTok(t):
			return 0
		case t.is("his") && k+1 < len(toks) && toks[k+1].kind == tokWord && !toks[k+1].capital:
			return 'm'
		case t.is("her") && k+1 < len(toks) && toks[k+1].kind == tokWord && !toks[k+1].capital && c.nounWord(toks[k+1].lower):
			return 'f' // "her opponent", not "told her that"
		case pronounKinds[t.lower] != 0:
			return 0
		}
	}
	return 0
}

// titled reports whether the article gives person e a title or a role
// of a person.
func (c *cast) titled(e *entity) bool {
	for r := range e.roles {
		if titleWords[r] || speakerTitles[r] || c.nounFile(r) == wnNounPerson {
			return true
		}
	}
	return false
}

// topicBefore returns the person the sentences before pos are about: the
// one named at the opening of the sentence before, past sentences that
// open with "he", "she" or a definite role noun, which speak of them too
// ("Jane Roe says …. The former governor was speaking …. The nominee
// said"); or -1.
func (c *cast) topicBefore(pos int) int {
	at := c.sentence(pos)
	for s := at - 1; s >= 0 && s >= at-3; s-- {
		start := c.sentStarts[s]
		pi := c.d.paraOf(start)
		if pi < 0 || c.headline[pi] {
			return -1
		}
		p := &c.d.paras[pi]
		k := firstTok(p, start)
		for k < len(p.toks) && p.toks[k].kind == tokWord && leadWords[p.toks[k].lower] {
			k++
		}
		if m := c.before(start); m < len(c.ments) && c.ments[m].sent == s && !c.ments[m].quoted && c.opensWith(p, k, c.ments[m].start) {
			if e := c.ents[c.ments[m].ent]; e.kind == graph.SpeakerPerson && e.owner < 0 {
				return c.ments[m].ent
			}
			return -1
		}
		if !c.opensWithRole(p, k) {
			return -1
		}
	}
	return -1
}

// opensWith reports whether only titles and determiners stand between
// toks[k], where a sentence opens, and offset at.
func (c *cast) opensWith(p *para, k, at int) bool {
	for ; k < len(p.toks) && p.toks[k].start < at; k++ {
		t := p.toks[k]
		if !(t.kind == tokWord && (determiners[t.lower] || titleWords[t.lower] || speakerTitles[t.lower] || t.capital) || t.text == ".") {
			return false
		}
	}
	return true
}

// opensWithRole reports whether the sentence at toks[k] opens with "he",
// "she" or a definite noun phrase whose head is a person's role ("The
// Republican vice presidential nominee was …").
func (c *cast) opensWithRole(p *para, k int) bool {
	toks := p.toks
	if k >= len(toks) || toks[k].kind != tokWord {
		return false
	}
	if g := pronounKinds[toks[k].lower]; (g == 'm' || g == 'f') && !toks[k].poss {
		return true
	}
	if !toks[k].is("the") {
		return false
	}
	for j := k + 1; j < len(toks) && j <= k+6; j++ {
		t := toks[j]
		if t.kind != tokWord || t.poss || subjectPreps[t.lower] || skipWords[t.lower] {
			return false
		}
		if !t.capital && (titleWords[t.lower] || speakerTitles[t.lower] || topicRoles[t.lower] || c.nounFile(t.lower) == wnNounPerson) {
			return true
		}
	}
	return false
}

// rolesName reports whether a capitalized word of the complement
// toks[comp+1:e] is among e's roles: "a spokesman for the Dayton Police
// Department" is the one titled "a Dayton police spokesman".
func (c *cast) rolesName(e *entity, p *para, comp, end int) bool {
	if comp < 0 {
		return false
	}
	for k := comp + 1; k < end; k++ {
		if t := p.toks[k]; t.kind == tokWord && t.capital && !runStop[t.lower] && e.roles[fold.String(strings.Trim(t.text, ".'’"))] {
			return true
		}
	}
	return false
}

// namedIn returns the folded surname of the person or the last word of
// the organisation that the complement toks[comp+1:e] names, or "".
func (c *cast) namedIn(p *para, comp, e int) string {
	if comp < 0 {
		return ""
	}
	toks := p.toks
	for k := e - 1; k > comp; k-- {
		if toks[k].kind == tokWord && toks[k].capital && !runStop[toks[k].lower] {
			return fold.String(strings.Trim(toks[k].text, ".'’"))
		}
	}
	return ""
}

// roleCanon maps abbreviations and synonyms of role nouns to one word.
var roleCanon = map[string]string{
	"gov": "governor", "sen": "senator", "sens": "senator", "rep": "representative", "reps": "representative",
	"congressman": "representative", "congresswoman": "representative", "pres": "president", "gen": "general",
	"lt": "lieutenant", "col": "colonel", "sec": "secretary", "atty": "attorney", "lawyer": "attorney",
	"counsel": "attorney", "justice": "judge", "dr": "doctor", "prof": "professor", "del": "delegate", "amb": "ambassador",
	"spokesman": "spokesperson", "spokeswoman": "spokesperson", "chairman": "chair", "chairwoman": "chair",
	"chairperson": "chair", "gop": "republican", "democrat": "democratic", "adviser": "advisor",
	"dem": "democratic", "cmdr": "commander", "adm": "admiral", "sgt": "sergeant", "capt": "captain",
}

func canonRole(w string) string {
	w = strings.Trim(w, ".,'’")
	if c, ok := roleCanon[w]; ok {
		return c
	}
	return w
}

// partyOf returns 'd' or 'r' when words name one party.
func partyOf(words []string) byte {
	var p byte
	for _, w := range words {
		var q byte
		switch w {
		case "democratic", "democrats":
			q = 'd'
		case "republican", "republicans":
			q = 'r'
		}
		if q != 0 {
			if p != 0 && p != q {
				return 0
			}
			p = q
		}
	}
	return p
}

func partyOf2(roles map[string]bool) byte {
	switch {
	case roles["democratic"] && !roles["republican"]:
		return 'd'
	case roles["republican"] && !roles["democratic"]:
		return 'r'
	}
	return 0
}

func otherParty(p byte) byte {
	switch p {
	case 'd':
		return 'r'
	case 'r':
		return 'd'
	}
	return 0
}

// document resolves a document noun phrase to its publisher: named in it
// ("A Bloomberg poll", "a poll by X", "Trump's tax returns"), or, for
// "the poll", the publisher of the last such document, for "a new poll"
// the next. A plural with no publisher is no one in particular.
func (c *cast) document(p *para, i, h, comp, e int, det detInfo) speakerRef {
	toks := p.toks
	doc := speakerRef{-1, graph.SpeakerDocument}
	pi := c.d.paraIndex(p)
	if det.kind == detPossessive && det.owner >= 0 {
		return speakerRef{det.owner, graph.SpeakerDocument}
	}
	s0 := sentenceStart(p, i)
	// a publisher before the head: "A Bloomberg poll", "a Washington
	// Post-ABC News poll", "a USA TODAY analysis"
	if id := c.publisherIn(p, pi, i, h, s0); id >= 0 {
		return speakerRef{id, graph.SpeakerDocument}
	}
	// after it: "a poll by the Dayton Ledger", "the transcript published by
	// The Washington Post"
	// a place after "in" is where the document is of, not who made it
	// ("polls in Ohio and Iowa")
	if comp >= 0 {
		if id := c.publisherIn(p, pi, comp+1, e, s0); id >= 0 && !(c.ents[id].kind == graph.SpeakerPlace && toks[comp].is("in", "at", "on", "about")) {
			return speakerRef{id, graph.SpeakerDocument}
		}
	}
	noun := singular(toks[h].lower)
	if isPlural(toks[h].lower) && det.kind != detDefinite {
		return generic
	}
	pos := toks[i].start
	switch {
	case c.headline[pi]:
		// a headline's document is the first the article names
		for _, dm := range c.docs {
			if dm.head == noun {
				return speakerRef{dm.publisher, graph.SpeakerDocument}
			}
		}
	case det.kind == detDefinite || det.kind == detNone:
		if dm := c.lastDocument(pos, noun, 0); dm >= 0 {
			return speakerRef{c.docs[dm].publisher, graph.SpeakerDocument}
		}
		if dm := c.lastDocument(pos, "", 6); dm >= 0 {
			return speakerRef{c.docs[dm].publisher, graph.SpeakerDocument}
		}
	case det.kind == detIndefinite:
		// "A new poll shows …", and the next sentences name it
		at := c.sentence(pos)
		for _, dm := range c.docs {
			if dm.pos > pos && dm.head == noun && c.sentence(dm.pos)-at <= 3 {
				return speakerRef{dm.publisher, graph.SpeakerDocument}
			}
		}
	}
	return doc
}

// publisherIn finds the publisher a capitalized run of toks[i:e] names,
// or -1.
// docAdjectives describe a document, capitalized in a headline's style:
// "New Poll", "Latest Survey", "Final Report".
// authorParticiples are the participles of a document's maker: "a
// report published by", "a lawsuit filed by".
var authorParticiples = set(`published released conducted commissioned compiled filed written issued signed sent posted
prepared produced authored drafted reported sponsored paid funded`)

// monthAbbrevs are the months as newspapers abbreviate them.
var monthAbbrevs = set(`jan feb mar apr jun jul aug sep sept oct nov dec`)

var docAdjectives = set(`new latest recent first final second third another early late major annual updated`)

func (c *cast) publisherIn(p *para, pi, i, e, s0 int) int {
	toks := p.toks
	for k := i; k < e; k++ {
		t := toks[k]
		if t.kind != tokWord || !c.capTok(t) || c.commonCap(toks, k, s0, pi) || k == i && c.notName(toks, k) {
			continue
		}
		r := c.runAtCut(p, pi, i, e, k, false)
		if r.i < k {
			r.i, r.n = k, max(r.n, k)
		}
		if r.e-r.i == 1 && docAdjectives[toks[r.i].lower] {
			continue // a headline's "New Poll Shows"
		}
		if monthAbbrevs[strings.TrimSuffix(t.lower, ".")] {
			continue // "A Feb. 1 letter"
		}
		if r.e-r.i == 1 && k == s0 && !c.knownWord(t) && !isAcronym(t.text) && !givenTok(t) && c.adjective(t.lower) {
			continue // a sentence's "Instant polls showed", "National polls"
		}
		// a joint publisher, "Washington Post-ABC News": the first
		for m := r.i; m < r.e; m++ {
			if w := toks[m].text; strings.Contains(w, "-") && orgHeads[strings.ToLower(w[:strings.Index(w, "-")])] {
				if m > r.i {
					words := make([]string, 0, m-r.i+1)
					for q := r.i; q < m; q++ {
						words = append(words, toks[q].text)
					}
					words = append(words, w[:strings.Index(w, "-")])
					if id := c.findOrg(words); id >= 0 {
						return id
					}
					return c.newOrg(&entity{kind: graph.SpeakerOrganization, words: words, owner: -1, media: true})
				}
			}
		}
		if c.isGenericName(toks, r.n, r.e) {
			return -1
		}
		ref := c.name(p, r)
		if ref.ent >= 0 && c.ents[ref.ent].kind == graph.SpeakerPerson && campaignWordAfter(toks, &r) >= 0 {
			// "an ad from Jane Roe's campaign" is the campaign's
			return c.campaignOf(ref.ent)
		}
		return ref.ent
	}
	return -1
}
