package ingest

import (
	"sort"
	"strings"

	"github.com/graphd/graphd/graph"
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
	for _, a := range atts {
		ref := generic
		switch {
		case a.src != nil:
			ref = c.source(a)
		case a.how == "cont" && a.prev != nil:
			if r, ok := done[a.prev]; ok {
				ref = r
			}
		}
		done[a] = ref
		a.stype = ref.kind
		a.speaker, a.stitles = "", nil
		if ref.ent >= 0 {
			e := c.ents[ref.ent]
			a.speaker = e.name(c)
			if e.kind == graph.SpeakerPerson {
				a.stitles = e.titles
			}
		}
	}
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
	if i >= e {
		return generic
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
	if ref.ent >= 0 {
		c.mention(p.toks[i].start, p.toks[e-1].end, ref.ent, wSpeaker)
	}
	return ref
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
		toks[e-1].kind == tokWord && e-i > 1 && !toks[e-1].capital && (skipWords[toks[e-1].lower] || isDay(toks[e-1].lower))) {
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
			if _, ok := pronounKinds[t.lower]; ok {
				return c.pronoun(p, i)
			}
			if relatives[t.lower] {
				return c.relative(p, pi, i, depth)
			}
		}
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
		if head.ent >= 0 {
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

// cutClause cuts a noun phrase at a parenthesis, a dash, a relative
// pronoun or a reporting verb, and skips a parenthesis that opens it.
func cutClause(toks []token, i, e int) (int, int) {
	k := i
	for k < e {
		t := toks[k]
		if t.kind == tokQuote || t.kind == tokPunct && (t.text == "(" || t.text == "—" || t.text == "–" || t.text == "--" || t.text == "[") ||
			k > i && t.kind == tokWord && !t.capital && (relatives[t.lower] && t.lower != "that" || cueVerbs[t.lower] && !docNouns[t.lower] && k+1 < e) {
			break
		}
		k++
	}
	return i, k
}

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
		if toks[k].kind != tokWord || !toks[k].capital && !connectors[toks[k].lower] && !speakerTitles[toks[k].lower] {
			return generic
		}
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

// pronoun resolves the pronoun toks[k].
func (c *cast) pronoun(p *para, k int) speakerRef {
	t := p.toks[k]
	pos := t.start
	switch g := pronounKinds[t.lower]; g {
	case 'm', 'f':
		id := c.salientPerson(pos, g, p, k)
		if id < 0 {
			return generic
		}
		if c.ents[id].gender == 0 {
			c.ents[id].gender = g
		}
		return speakerRef{id, c.kindOf(id)}
	case 'n':
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
	case '1':
		if (t.lower == "i" || t.lower == "me" || t.lower == "my") && c.author >= 0 {
			return speakerRef{c.author, graph.SpeakerPerson}
		}
	}
	return generic
}

// kindOf is the speaker type of an entity: a place that speaks is its
// government, an organisation.
func (c *cast) kindOf(id int) string {
	if k := c.ents[id].kind; k != graph.SpeakerPlace {
		return k
	}
	return graph.SpeakerOrganization
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

// recentGroup finds the group "they" at pos refers to: the speaker of an
// attribution within two sentences before that was a group.
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
	for j > 0 && toks[j-1].kind == tokPunct && strings.Contains(",—–-", toks[j-1].text) {
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
	ref := c.phrase(p, pi, i, j, depth+1)
	if ref.ent < 0 && i > s+1 && toks[i-1].text == "," {
		if i2 := c.npBefore(toks, s, i-1); i2 < i-1 {
			if r2 := c.nameOnly(p, i2, i-1); r2.ent >= 0 {
				return r2
			}
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
	for i > s && toks[i-1].kind == tokWord && (toks[i-1].capital || connectors[toks[i-1].lower] && i < j && toks[i].capital) {
		i--
	}
	for i < j && connectors[toks[i].lower] && !toks[i].capital {
		i++
	}
	if i < j {
		if i > s && toks[i-1].is("on", "in", "at", "from", "of", "for", "with", "about", "to") {
			return c.npBefore(toks, s, i-1)
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
	// a person's name ends the phrase, after titles that may hold
	// prepositions: "High Representative of the European Union for
	// Foreign Affairs and Security Policy Kaja Kallas"
	if toks[e-1].kind == tokWord && toks[e-1].capital {
		n := e
		for n > i && toks[n-1].kind == tokWord && (c.capTok(toks[n-1]) || connectors[toks[n-1].lower] && n < e && toks[n].capital) && !(toks[n-1].poss && n < e) {
			n--
		}
		for n < e && !toks[n].capital {
			n++
		}
		r := nameRun{pi: c.d.paraIndex(p), i: n, n: c.nameStart(toks, n, e), e: e, ent: -1, poss: toks[e-1].poss}
		if r.n > r.i && r.n < r.e && c.classify(&r) == graph.SpeakerPerson {
			return c.name(p, r)
		}
	}
	// the head: the last word before a preposition that follows a noun
	h := e - 1
	comp := -1
	for k := i + 1; k < e; k++ {
		if toks[k].kind == tokWord && !toks[k].capital && toks[k].is("of", "for", "by", "at", "from", "with", "in", "on", "representing", "to", "published", "released", "conducted", "commissioned") {
			h, comp = k-1, k
			break
		}
	}
	if h < i {
		return generic
	}
	head := toks[h]
	if head.kind == tokWord && runStop[head.lower] {
		return generic
	}
	// the head is a name
	if head.kind == tokWord && head.capital && !(docNouns[head.lower] && h == i && e-i == 1) {
		n := h
		for n > i && toks[n-1].kind == tokWord && (c.capTok(toks[n-1]) || connectors[toks[n-1].lower] && toks[n].capital) && !toks[n-1].poss {
			n--
		}
		for n < h && connectors[toks[n].lower] && !toks[n].capital {
			n++
		}
		// "A new poll by X" has a lower-case head; "The Post" a capital
		r := nameRun{pi: c.d.paraIndex(p), i: n, n: c.nameStart(toks, n, h+1), e: h + 1, ent: -1, poss: head.poss}
		// titles before the run stay titles: "former Sen. Jim Webb"
		if ref := c.name(p, r); ref.ent >= 0 || comp < 0 {
			if ref.ent < 0 && c.isGenericName(toks, n, h+1) {
				return generic
			}
			return ref
		}
	}
	l := head.lower
	det := c.determiner(p, i, h)
	// a document: "A Bloomberg poll", "the report", "a poll by X"
	if docNouns[l] || c.nounFile(l) == wnNounCommunication && !titleWords[l] {
		return c.document(p, i, h, comp, e, det)
	}
	// a campaign: "The Trump campaign", "Clinton's team", "her campaign"
	if l == "campaign" || l == "camp" || l == "team" && det.owner >= 0 {
		if det.owner >= 0 {
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
	if det.kind == detIndefinite || isPlural(l) && !orgNouns[l] || genericHeads[l] {
		return generic
	}
	// an organisation noun: "the agency", "the newspaper", "police"
	if orgNouns[l] || c.nounFile(l) == wnNounGroup {
		if id := c.modifierOrg(p, i, h); id >= 0 && (orgNouns[l] || l == "police") {
			return speakerRef{id, c.kindOf(id)}
		}
		if det.kind == detPossessive && det.owner >= 0 {
			return generic
		}
		if id := c.salientOrg(head.start, l); id >= 0 {
			return speakerRef{id, c.kindOf(id)}
		}
		return generic
	}
	// a person's role: "the spokeswoman", "his campaign manager"
	if titleWords[l] || speakerTitles[l] || genderedNouns[l] != 0 || c.nounFile(l) == wnNounPerson || topicRoles[l] {
		if id := c.role(p, i, h, det); id >= 0 {
			return speakerRef{id, graph.SpeakerPerson}
		}
	}
	return generic
}

// isGenericName reports whether a capitalized phrase names a people or a
// party as a whole ("Republicans", "Many African-Americans").
func (c *cast) isGenericName(toks []token, i, e int) bool {
	l := toks[e-1].lower
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
	kind  int
	owner int // the person or organisation of a possessive, or -1
}

// determiner reads how the noun phrase toks[i:h] opens.
func (c *cast) determiner(p *para, i, h int) detInfo {
	toks := p.toks
	t := toks[i]
	switch {
	case t.is("the", "this", "that", "these", "those"):
		return detInfo{detDefinite, -1}
	case indefinites[t.lower]:
		return detInfo{detIndefinite, -1}
	case t.is("his", "her", "its", "their", "my", "our", "your"):
		ref := c.pronoun(p, i)
		return detInfo{detPossessive, ref.ent}
	}
	for k := i; k < h; k++ {
		if toks[k].poss && toks[k].capital {
			n := k
			for n > i && toks[n-1].capital && !toks[n-1].poss {
				n--
			}
			ref := c.name(p, nameRun{pi: c.d.paraIndex(p), i: n, n: c.nameStart(toks, n, k+1), e: k + 1, ent: -1, poss: true})
			return detInfo{detPossessive, ref.ent}
		}
	}
	return detInfo{detNone, -1}
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
		key := fold(strings.TrimSuffix(t.text, "."))
		best := -1
		for id, e := range c.ents {
			if e.kind == graph.SpeakerPerson && e.owner < 0 && e.surname() == key && (best < 0 || e.count > c.ents[best].count) {
				best = id
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

// modifierOrg finds the organisation or place a capitalized run before
// the head names: "Tulsa police", "the Senate banking committee".
func (c *cast) modifierOrg(p *para, i, h int) int {
	toks := p.toks
	e := h
	for e > i && !toks[e-1].capital {
		e--
	}
	if e == i {
		return -1
	}
	n := e
	for n > i && toks[n-1].capital && !runStop[toks[n-1].lower] {
		n--
	}
	if n == e {
		return -1
	}
	// the organisation is the whole phrase, its head included:
	// "Senate banking committee", "Charlotte-Mecklenburg police"
	words := make([]string, 0, h+1-n)
	for k := n; k <= h; k++ {
		words = append(words, toks[k].text)
	}
	if id := c.findOrg(words); id >= 0 {
		return id
	}
	c.ents = append(c.ents, &entity{kind: graph.SpeakerOrganization, words: words, owner: -1})
	return len(c.ents) - 1
}

// salientCampaign finds the campaign the article last spoke of before pos.
func (c *cast) salientCampaign(pos int) int {
	for m := c.before(pos) - 1; m >= 0; m-- {
		if c.ents[c.ments[m].ent].owner >= 0 {
			return c.ments[m].ent
		}
	}
	return -1
}

// salientOrg finds the organisation a definite organisation noun ("the
// agency", "the newspaper", "the city") at pos means: the most salient
// whose name holds the noun, else the most salient of its sort.
func (c *cast) salientOrg(pos int, noun string) int {
	at := c.sentence(pos)
	score := map[int]float64{}
	for m := c.before(pos) - 1; m >= 0; m-- {
		mm := c.ments[m]
		dist := at - mm.sent
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

// role finds the person a role noun phrase toks[i:h+1] means: the one the
// article gives that role, nearest first; for a role a story is about
// ("the nominee"), the most salient person; of a possessive ("his
// wife"), one related to its owner.
func (c *cast) role(p *para, i, h int, det detInfo) int {
	toks := p.toks
	pos := toks[i].start
	head := toks[h].lower
	g := genderedNouns[head]
	// the people the article gives this role, by salience, then by the
	// other words of the phrase they share
	best, bestS := -1, 0.0
	for id, e := range c.ents {
		if e.kind != graph.SpeakerPerson || e.owner >= 0 || !e.roles[head] || id == det.owner {
			continue
		}
		if g != 0 && e.gender != 0 && e.gender != g {
			continue
		}
		s := c.salience(id, pos) + 1
		for k := i; k < h; k++ {
			if e.roles[toks[k].lower] {
				s *= 2
			}
		}
		if s > bestS {
			best, bestS = id, s
		}
	}
	if best >= 0 {
		return best
	}
	if det.kind == detPossessive && det.owner >= 0 && g != 0 {
		// "his wife": a person of that surname and the other gender
		o := c.ents[det.owner]
		for id, e := range c.ents {
			if id != det.owner && e.kind == graph.SpeakerPerson && e.owner < 0 && e.surname() == o.surname() && (e.gender == g || e.gender == 0) {
				return id
			}
		}
		return -1
	}
	if det.kind == detPossessive {
		return -1
	}
	if topicRoles[head] || g != 0 {
		id := c.salientPerson(pos, g, p, i)
		if id >= 0 && (g == 0 || c.ents[id].gender == g || c.ents[id].gender == 0) && c.salience(id, pos) >= wOther/4 {
			return id
		}
	}
	return -1
}

// document resolves a document noun phrase to its publisher: named in it
// ("A Bloomberg poll", "a poll by X", "Trump's tax returns"), or, for
// "the poll", the publisher of the last such document. A plural with no
// publisher is no one in particular.
func (c *cast) document(p *para, i, h, comp, e int, det detInfo) speakerRef {
	toks := p.toks
	doc := speakerRef{-1, graph.SpeakerDocument}
	if det.kind == detPossessive && det.owner >= 0 {
		return speakerRef{det.owner, graph.SpeakerDocument}
	}
	// a publisher before the head: "A Bloomberg poll", "a Washington
	// Post-ABC News poll", "a USA TODAY analysis"
	k := h
	for k > i && !c.capTok(toks[k-1]) {
		k--
	}
	if k > i {
		n := k
		for n > i && toks[n-1].kind == tokWord && (c.capTok(toks[n-1]) || connectors[toks[n-1].lower] && n < k) && !toks[n-1].poss {
			n--
		}
		for n < k && !c.capTok(toks[n]) {
			n++
		}
		if n < k {
			if ref := c.name(p, nameRun{pi: c.d.paraIndex(p), i: n, n: n, e: k, ent: -1}); ref.ent >= 0 {
				return speakerRef{ref.ent, graph.SpeakerDocument}
			}
		}
	}
	// after it: "a poll by the Dayton Ledger", "the transcript published by
	// The Washington Post"
	if comp >= 0 {
		for k := comp; k < e; k++ {
			if !toks[k].capital {
				continue
			}
			n := k
			for n < e && toks[n].kind == tokWord && (toks[n].capital || connectors[toks[n].lower] && n+1 < e && toks[n+1].capital) {
				n++
			}
			if ref := c.name(p, nameRun{pi: c.d.paraIndex(p), i: k, n: k, e: n, ent: -1}); ref.ent >= 0 {
				return speakerRef{ref.ent, graph.SpeakerDocument}
			}
			break
		}
	}
	if isPlural(toks[h].lower) && det.kind != detDefinite {
		return generic
	}
	if det.kind == detDefinite || det.kind == detNone {
		if dm := c.lastDocument(toks[i].start, singular(toks[h].lower), 0); dm >= 0 {
			return speakerRef{c.docs[dm].publisher, graph.SpeakerDocument}
		}
		if dm := c.lastDocument(toks[i].start, "", 6); dm >= 0 {
			return speakerRef{c.docs[dm].publisher, graph.SpeakerDocument}
		}
	}
	return doc
}
