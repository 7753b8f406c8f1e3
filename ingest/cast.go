package ingest

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/graphd/graphd/graph"

	"github.com/graphd/graphd/fold"
)

// The cast of an article: everyone and everything it names that can
// speak, and every place it names them. It is the first of the two passes
// of speaker resolution, and reads the whole article: people under the
// fullest name the article gives them, kept apart when they share a
// surname but not a given name or a gender; organisations under their
// whole name, short forms ("The Post") and acronyms ("RNC") joined to it;
// places; a candidate's campaign, an organisation of its own; and the
// documents whose publisher the text names ("a Bloomberg poll", "a report
// by the agency"). Each mention carries a salience weight (a subject
// counts more than an object), which pronouns and role nouns read.

// entity is someone or something an article names that can speak.
type entity struct {
	kind   string   // a graph.Speaker* type: person, organization, place or group
	words  []string // the name as printed, word by word; a person's without titles
	key    []string // a person's name folded, without particles and suffixes
	titles []string // titles and appositive roles, as printed
	roles  map[string]bool
	gender byte              // 'm', 'f' or 0
	media  bool              // an organisation that is a news outlet
	owner  int               // a campaign's candidate; -1
	acro   string            // an organisation's initials ("RNC")
	member []int             // a group's members
	count  int               // mentions
	full   int               // mentions under a full name or a courtesy title, counted before the mentions pass
	weak   bool              // a person named by one word only, with no title
	kin    bool              // a person the article introduces as someone's relative ("his wife", "the nominee's daughter")
	first  int               // where a person is first named outside a headline; -1 before
	okey   string            // an organisation's or place's name folded (foldWords)
	gov    bool              // a country a source named by its government ("the Saudi government")
	of     map[string]string // whose a role is, a surname folded: "Roe's lawyer Jane Doe" gives lawyer → roe
}

// name is how the entity is printed as a speaker.
func (e *entity) name(c *cast) string {
	switch {
	case e.owner >= 0:
		return c.ents[e.owner].name(c) + "'s campaign"
	case e.kind == graph.SpeakerGroup:
		var parts []string
		for _, m := range e.member {
			parts = append(parts, c.ents[m].name(c))
		}
		if len(parts) < 2 {
			return strings.Join(parts, "")
		}
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return strings.Join(e.words, " ")
}

func (e *entity) surname() string {
	if len(e.key) == 0 {
		return ""
	}
	return e.key[len(e.key)-1]
}

func (e *entity) addTitle(t string) {
	t = strings.TrimSpace(strings.Trim(t, ",;:—–-() "))
	if t == "" || len(t) > 120 {
		return
	}
	e.weak = false
	for _, have := range e.titles {
		if strings.EqualFold(have, t) {
			return
		}
	}
	e.titles = append(e.titles, t)
	if e.roles == nil {
		e.roles = map[string]bool{}
	}
	// the roles are the words after a possessive: "the nominee's eldest
	// daughter" is a daughter, and the nominee someone else
	words := strings.Fields(strings.ToLower(t))
	for k := len(words) - 1; k >= 0; k-- {
		if w := words[k]; strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") || strings.HasSuffix(w, "s'") || strings.HasSuffix(w, "s’") {
			words = words[k+1:]
			break
		}
	}
	for _, w := range words {
		w = strings.Trim(w, ".,'’")
		e.roles[canonRole(w)] = true
		if g := genderedNouns[w]; g != 0 && e.gender == 0 {
			e.gender = g
		}
		if kinNouns[w] {
			e.kin = true
		}
	}
}

// emention is one place the article names an entity.
type emention struct {
	start, end int // code points
	sent       int // the sentence, counted over the whole article
	ent        int
	w          float64 // salience weight
	quoted     bool    // inside a quotation
}

// Salience weights of mentions.
const (
	wSpeaker = 100 // the source of an attribution
	wSubject = 80  // opens its sentence, or a reporting verb follows
	wOther   = 50
	wPoss    = 40 // a possessive: "Trump's plan"
)

// docMention is a document the text names with its publisher: "a
// Bloomberg poll", "a report by the agency", "Trump's tax returns".
type docMention struct {
	pos       int
	head      string // the document noun, singular
	publisher int    // an entity
}

// cast is the outcome of the mentions pass.
type cast struct {
	d          *doc
	lex        *Lexicon
	ents       []*entity
	ments      []emention // in text order
	docs       []docMention
	sentStarts []int  // where each sentence of the article starts
	headline   []bool // per paragraph: title case, a headline
	author     int    // the person who signs the article, or -1
	// lastSpeaker is the entity the last source resolved was, in the
	// sentence lastSpoke; -1 before any
	lastSpeaker, lastSpoke int
	// lastDoc is the last source that was a document, in the sentence
	// lastDocSent; lastDocSent is -1 before any
	lastDoc     speakerRef
	lastDocSent int
	orgs        []int           // the organisations and places among ents
	orgKeys     map[string]int  // organisations and places by folded name
	orgOneWord  map[string]bool // lower-case names of one word of organisations and places
	personKeys  map[string]bool // folded surnames and given names of people
}

// nameRun is a run of capitalized words of one sentence: toks[i:e] of
// paragraph pi, the name proper starting at n (after its titles).
type nameRun struct {
	pi, i, n, e int
	ent         int
	poss        bool
	kind        string // what classify said, once it has
	classified  bool
}

// runStop are capitalized words that never start or continue a name.
var runStop = set(`
the a an and but or nor so yet for in on at to of by with from as into onto upon about after before
during following meanwhile however although though while when whenever where if unless because since
until this that these those there here it its he she they we i you his her their our my your me him
them us what which who whom whose why how all some many most more much several few both each every no
not any other another such said says told asked added also even only just still then now today
tomorrow yesterday monday tuesday wednesday thursday friday saturday sunday january february march
september october november december breaking update updated exclusive watch read live photo video
opinion analysis editorial yes oh please thanks like let if than instead despite amid against
without within among between toward towards under over through across around near beyond whether
unlike regarding including given per via plus except besides
either neither one two three four five six seven eight nine ten first second third last next
`)

// connectors may stand between the capitalized words of one name:
// "Committee for a Responsible Federal Budget", "Department of State".
var connectors = set(`of for and the a on & de del della di da du la le van von der den bin al el y`)

func (c *cast) capTok(t token) bool {
	return t.kind == tokWord && t.capital && t.lower != "" && (classOf(t)&spkStop == 0 || isAcronym(t.text))
}

// newCast collects the cast of d. lex, the WordNet classes of a model,
// may be nil.
func (d *doc) newCast(lex *Lexicon) *cast {
	c := &cast{d: d, lex: lex, author: -1, lastSpeaker: -1, lastDocSent: -1, orgKeys: map[string]int{}, orgOneWord: map[string]bool{}, personKeys: map[string]bool{}}
	var runs []nameRun
	for pi := range d.paras {
		p := &d.paras[pi]
		for k := range p.toks {
			if t := &p.toks[k]; t.kind == tokWord {
				t.spk = spkClasses[t.lower] | spkKnown
			}
		}
		c.headline = append(c.headline, isHeadline(p, pi == 0 && !c.d.piece))
		for _, se := range p.sents {
			c.sentStarts = append(c.sentStarts, p.toks[se[0]].start)
			runs = c.findRuns(runs, pi, se[0], se[1], se[0])
		}
	}
	// People with a full name first, so that a surname alone finds them,
	// then organisations, then every run in text order.
	for pass := 0; pass < 3; pass++ {
		for k := range runs {
			r := &runs[k]
			if c.headline[r.pi] && !(pass == 0 && r.e-r.n >= 2 && isGivenName(c.d.paras[r.pi].toks[r.n].lower)) {
				continue
			}
			switch pass {
			case 0:
				if c.classify(r) == graph.SpeakerPerson && r.e-r.n >= 2 {
					r.ent = c.addPerson(r)
					if r.ent >= 0 {
						c.ents[r.ent].full++
					}
				}
			case 1:
				if k := c.classify(r); k == graph.SpeakerOrganization || k == graph.SpeakerPlace {
					r.ent = c.addOrg(r, k)
				}
			}
		}
	}
	// "Mr. Obama" where the article names only Michelle Obama in full is
	// someone else: the people a courtesy title tells apart come next
	for k := range runs {
		r := &runs[k]
		toks := d.paras[r.pi].toks
		if r.ent >= 0 || r.e-r.n != 1 || r.n == 0 || c.headline[r.pi] {
			continue
		}
		if g, ok := courtesyGender[toks[r.n-1].lower]; ok && (g == 'm' || g == 'f') {
			id := c.findPersonWord(toks[r.n], g, toks[r.n].start)
			if id < 0 {
				id = c.addPerson(r)
			}
			if id >= 0 {
				c.ents[id].full++ // counted ahead, as full names are: "President Obama" is the Obama most named
			}
		}
	}
	for k := range runs {
		r := &runs[k]
		if r.ent < 0 {
			r.ent = c.lookupRun(r)
		}
		p := &d.paras[r.pi]
		if r.ent < 0 {
			c.policeAfter(p, r) // "Riverton police", of a place not known as one
			continue
		}
		w := float64(wOther)
		switch {
		case r.poss:
			w = wPoss
		case c.isSubject(p, r.i, r.e):
			w = wSubject
		}
		if c.headline[r.pi] {
			w /= 2
		}
		e := c.ents[r.ent]
		if c.campaignAfter(p, r) {
			// "the Clinton campaign" names the campaign, not Clinton, and
			// publishes what "an ad from the Clinton campaign" is
			cr := *r
			cr.ent = c.campaignOf(r.ent)
			c.documentAround(p, &cr)
			continue
		}
		if c.policeAfter(p, r) {
			continue
		}
		if r.n > r.i || e.kind == graph.SpeakerPerson && len(e.key) >= 2 {
			e.weak = false
		}
		c.mention(p.toks[r.n].start, p.toks[r.e-1].end, r.ent, w)
		if e.kind == graph.SpeakerPerson {
			if t, at := c.titleBefore(p, r); t != "" {
				e.addTitle(t)
				// "Roe's lawyer Jane Doe" is Roe's, and no one else's, lawyer
				if at > 0 && p.toks[at-1].poss && p.toks[at-1].capital && p.toks[at-1].kind == tokWord {
					o := p.toks[at-1]
					if e.of == nil {
						e.of = map[string]string{}
					}
					for _, w := range strings.Fields(strings.ToLower(t)) {
						e.of[canonRole(w)] = fold.String(strings.Trim(o.text, ".'’"))
					}
				}
			}
			if t := c.appositive(p, r.e); t != "" {
				e.addTitle(t)
			}
			if t := c.appositiveBefore(p, r.i); t != "" {
				e.addTitle(t)
			}
		}
		c.documentAround(p, r)
	}
	c.pairs(runs)
	c.genders(runs)
	c.author = c.findAuthor()
	return c
}

// genders gives a person whose given name does not tell a gender the
// gender of the pronoun that follows them in a sentence they open:
// "Tyresha McClenney, a student, said she …".
func (c *cast) genders(runs []nameRun) {
	for _, r := range runs {
		if r.ent < 0 || c.ents[r.ent].kind != graph.SpeakerPerson || c.ents[r.ent].gender != 0 {
			continue
		}
		p := &c.d.paras[r.pi]
		if !c.isSubject(p, r.i, r.e) {
			continue
		}
		end := len(p.toks)
		for _, se := range p.sents {
			if r.i >= se[0] && r.i < se[1] {
				end = se[1]
			}
		}
	scan:
		for k := r.e; k < end; k++ {
			t := p.toks[k]
			switch {
			case t.kind != tokWord:
			case t.capital && c.knownPerson(t):
				break scan // someone else the pronoun may be
			default:
				if g := pronounKinds[t.lower]; g == 'm' || g == 'f' {
					c.ents[r.ent].gender = g
					break scan
				}
			}
		}
	}
}

// pairs registers two people named together, "Sens. Charles E. Grassley
// and Patrick J. Leahy", as a group that "they" may mean.
func (c *cast) pairs(runs []nameRun) {
	for k := 0; k+1 < len(runs); k++ {
		a, b := runs[k], runs[k+1]
		toks := c.d.paras[a.pi].toks
		if a.pi != b.pi || a.ent < 0 || b.ent < 0 || a.ent == b.ent || b.i != a.e+1 || !toks[a.e].is("and") {
			continue
		}
		if c.ents[a.ent].kind != graph.SpeakerPerson || c.ents[b.ent].kind != graph.SpeakerPerson || c.ents[a.ent].owner >= 0 || c.ents[b.ent].owner >= 0 {
			continue
		}
		c.ents = append(c.ents, &entity{kind: graph.SpeakerGroup, member: []int{a.ent, b.ent}, owner: -1})
		w := float64(wOther)
		if c.isSubject(&c.d.paras[a.pi], a.i, b.e) {
			w = wSubject
		}
		c.mention(toks[a.n].start, toks[b.e-1].end, len(c.ents)-1, w)
	}
}

// isHeadline reports whether a paragraph is a headline or a heading: in
// title case (most of its longer words capitalized), and not ending as a
// sentence does.
func isHeadline(p *para, first bool) bool {
	if first && len(p.sents) == 1 && len(p.toks) <= 30 {
		return true // the first line of an article, one short sentence
	}
	if n := len(p.toks); n > 0 && (p.toks[n-1].text == "." || p.toks[n-1].kind == tokQuote) {
		return false
	}
	words, caps := 0, 0
	for _, t := range p.toks {
		if t.kind != tokWord || len(t.lower) < 4 {
			continue
		}
		words++
		if t.capital {
			caps++
		}
	}
	return words >= 2 && caps*10 >= words*7
}

// findRuns appends the capitalized runs of toks[s0:s1] of paragraph pi;
// toks[first] opens a sentence.
func (c *cast) findRuns(runs []nameRun, pi, s0, s1, first int) []nameRun {
	toks := c.d.paras[pi].toks
	for i := s0; i < s1; {
		if !c.capTok(toks[i]) || i == first && c.commonCap(toks, i, first, pi) && !(isTitleTok(toks[i]) && i+1 < s1 && c.capTok(toks[i+1])) {
			i++
			continue
		}
		j := i + 1
		for j < s1 && !toks[j-1].poss {
			t := toks[j]
			// an initial that is also a word ("Julie A. Diaz") goes on
			initial := t.kind == tokWord && isInitial(t.text) && j+1 < s1 && c.capTok(toks[j+1])
			if (c.capTok(t) || initial) && !(c.headline[pi] && c.headlineBreak(toks, i, j)) && !(orgHeads[toks[j-1].lower] && c.knownPerson(t)) {
				j++
				continue
			}
			// "Committee for a Responsible …", "Ursula von der Leyen"
			if t.kind == tokWord && !t.capital && connectors[t.lower] {
				m := j
				for m < s1 && m-j < 3 && toks[m].kind == tokWord && !toks[m].capital && connectors[toks[m].lower] {
					m++
				}
				if m < s1 && c.capTok(toks[m]) && c.joins(toks, i, j, m, s1) {
					j = m
					continue
				}
			}
			break
		}
		r := nameRun{pi: pi, i: i, n: i, e: j, ent: -1, poss: toks[j-1].poss}
		r.n = c.nameStart(toks, i, j)
		runs = append(runs, r)
		i = j
	}
	return runs
}

// notName reports whether toks[k], which opens a sentence, is
// capitalized only for that: a word ending in -ing or -ly, or, when no
// capitalized word follows, a verb, an adjective or an adverb by WordNet's
// most frequent sense; never a given name or a known name.
func (c *cast) notName(toks []token, k int) bool {
	t := toks[k]
	if givenTok(t) || isAcronym(t.text) || places[t.lower] || c.knownWord(t) {
		return false
	}
	if len(t.lower) > 5 && (strings.HasSuffix(t.lower, "ing") || strings.HasSuffix(t.lower, "ly")) {
		return true
	}
	if c.lex == nil || c.lex.m == nil {
		return false
	}
	if k+1 < len(toks) && toks[k+1].capital {
		// "Poor Mexico", not "New York"
		next := toks[k+1]
		if placePairs[t.lower+"_"+next.lower] || !(places[next.lower] || c.knownWord(next)) {
			return false
		}
	}
	cl := c.lex.m[uint32(newHash(1).s(t.lower))]
	return cl != 0 && cl.pos()>>4&3 != 0 && cl.pos()&1 == 0
}

// headlineBreak reports whether toks[j] ends a headline's run
// toks[i:j] that already holds a full name: a word that can be a verb
// ("Elizabeth Warren Hammers Wells Fargo CEO").
func (c *cast) headlineBreak(toks []token, i, j int) bool {
	t := toks[j]
	if givenTok(t) || c.lex == nil || c.lex.m == nil || !hasGiven(toks, i, j) || j-i < 2 {
		return false
	}
	verb := func(w string) bool { return c.lex.m[uint32(newHash(1).s(w))].pos()&2 != 0 }
	l := t.lower
	return verb(l) || strings.HasSuffix(l, "s") && (verb(l[:len(l)-1]) || strings.HasSuffix(l, "es") && verb(l[:len(l)-2]))
}

// knownPerson reports whether a capitalized word is the surname or given
// name of a person of the cast.
func (c *cast) knownPerson(t token) bool {
	return c.personKeys[fold.String(strings.TrimSuffix(t.text, "."))]
}

// knowPerson notes the surname and given name of person e for knownPerson
// and knownWord.
func (c *cast) knowPerson(e *entity) {
	if len(e.key) == 0 {
		return
	}
	c.personKeys[e.surname()] = true
	if len(e.key) >= 2 {
		c.personKeys[e.key[0]] = true
	}
}

// knownWord reports whether a capitalized word is the surname or given
// name of a person of the cast, or an organisation's name.
func (c *cast) knownWord(t token) bool {
	return c.knownPerson(t) || c.orgOneWord[strings.ToLower(t.text)]
}

// joins reports whether the lower-case words toks[j:m] join the
// capitalized words before and after them into one name: particles join
// names ("Ursula von der Leyen"); "of", "for", "on" and the like join
// what follows to an organisation or a title ("Committee for a
// Responsible Federal Budget", "Secretary of State"); "and" joins
// two halves of one organisation's name ("Securities and Exchange
// Commission"), not two names.
func (c *cast) joins(toks []token, i, j, m, s1 int) bool {
	w := toks[j].lower
	if nameParticles[w] && !connectorOnly[w] {
		return true
	}
	before := hasOrgHead(toks, i, j) || speakerTitles[toks[j-1].lower] || titleWords[toks[j-1].lower]
	if w != "and" {
		// not after a person's name: "Charles B. Rangel of New York"
		return before && !c.endsPerson(toks, i, j)
	}
	if endsOrg(toks, i, j) && !orgComplement(toks, i, j) {
		return false // "the State Department and the Kremlin"
	}
	// the words after "and" must end in an organisation's head, or go on
	// what the organisation is of
	e := m
	for e < s1 && c.capTok(toks[e]) && !toks[e].poss {
		e++
	}
	return (hasOrgHead(toks, m, e) || orgComplement(toks, i, j)) && !givenTok(toks[m])
}

// endsPerson reports whether toks[i:j] ends with a person's name: a
// given name and a word after it.
func (c *cast) endsPerson(toks []token, i, j int) bool {
	for k := i; k < j-1; k++ {
		if givenTok(toks[k]) && !orgHeads[toks[j-1].lower] && !isTitleTok(toks[j-1]) {
			return true
		}
	}
	return false
}

// connectorOnly are connectors that are no name particles.
var connectorOnly = set(`of for and the a on &`)

// orgComplement reports whether toks[i:j] is an organisation's head
// with "for" or "of" and what it is of, which "and" may go on: "Center
// for Media and Public Affairs".
func orgComplement(toks []token, i, j int) bool {
	for k := i; k+1 < j; k++ {
		if toks[k].capital && classOf(toks[k])&spkOrgHead != 0 && toks[k+1].is("for", "of", "on") {
			return true
		}
	}
	return false
}

// endsOrg reports whether toks[i:j] ends with an organisation's head.
func endsOrg(toks []token, i, j int) bool {
	return j > i && orgHeads[toks[j-1].lower]
}

func givenOf(lower string) byte {
	if g, ok := givenGender[lower]; ok {
		if g == 0 {
			return 'x'
		}
		return g
	}
	return 0
}

func isGivenName(lower string) bool { return givenOf(lower) != 0 || isGiven(lower) }

// nameStart skips the titles that open a run: "Sen. Elizabeth Warren",
// "House Speaker Paul Ryan", "Former President Bill Clinton".
func (c *cast) nameStart(toks []token, i, e int) int {
	if e-i < 2 {
		if speakerTitles[toks[i].lower] || titleWords[toks[i].lower] {
			return e
		}
		return i
	}
	// a given name after a title, or after the name of the organisation
	// the title is of ("High Representative of the European Union …
	// Kaja Kallas"): the name starts there
	for g := i + 1; g < e-1; g++ {
		if givenTok(toks[g]) && (isTitleTok(toks[g-1]) || hasOrgHead(toks, i, g) || hasTitleTok(toks, i, g) || !hasGiven(toks, i, g)) {
			return g
		}
	}
	// after the last title word: "Homeland Security Secretary Jeh
	// Johnson", "Republican National Committee Research Director Raj Shah"
	for k := e - 2; k >= i; k-- {
		if (speakerTitles[toks[k].lower] || titleWords[toks[k].lower]) && !nationalityWords[toks[k].lower] && !orgHeads[toks[k].lower] && !hasOrgHead(toks, k+1, e) {
			if k > i || !hasOrgHead(toks, k+1, e) {
				return k + 1
			}
		}
	}
	n := i
	for n < e-1 && (isTitleTok(toks[n]) || connectors[toks[n].lower] && n > i) {
		n++
	}
	if n > i && hasOrgHead(toks, n, e) {
		return i // "Senate Armed Services Committee"
	}
	return n
}

func hasGiven(toks []token, i, e int) bool {
	for k := i; k < e; k++ {
		if givenTok(toks[k]) {
			return true
		}
	}
	return false
}

func hasTitleTok(toks []token, i, e int) bool {
	for k := i; k < e; k++ {
		if isTitleTok(toks[k]) {
			return true
		}
	}
	return false
}

func isTitleTok(t token) bool { return classOf(t)&spkTitle != 0 }

func hasOrgHead(toks []token, i, e int) bool {
	for k := i; k < e; k++ {
		if toks[k].capital && classOf(toks[k])&spkOrgHead != 0 {
			return true
		}
	}
	return false
}

// givenTok reports whether a token is a given name.
func givenTok(t token) bool { return classOf(t)&spkGiven != 0 }

// classify tells what a run names: a person, an organisation, a place,
// or "" when the run alone does not tell.
func (c *cast) classify(r *nameRun) string {
	if !r.classified {
		r.kind, r.classified = c.classifyRun(r), true
	}
	return r.kind
}

// classifyRun is classify, unremembered.
func (c *cast) classifyRun(r *nameRun) string {
	toks := c.d.paras[r.pi].toks
	n, e := r.n, r.e
	if n >= e {
		return ""
	}
	if e-n == 1 && (nationalityWords[toks[n].lower] || nationalityWords[singular(toks[n].lower)]) && !places[toks[n].lower] {
		return "" // "Ukrainian", "Republicans"
	}
	switch {
	case hasOrgHead(toks, r.i, e) && !(n > r.i && (givenTok(toks[n]) || !hasOrgHead(toks, n, e) && e-n >= 2)):
		return graph.SpeakerOrganization
	case e-n <= 3 && knownMedia[runLower(toks, n, e)] != "":
		return graph.SpeakerOrganization
	case e-n == 1 && places[toks[n].lower]:
		return graph.SpeakerPlace // also in capitals, as datelines are: "CHARLOTTE"
	case e-n == 1 && isAcronym(toks[n].text) && !speakerTitles[toks[n].lower]:
		return graph.SpeakerOrganization
	case isPlace(toks, n, e):
		return graph.SpeakerPlace
	}
	words := e - n
	first := toks[n]
	if n > r.i && words >= 2 && isPlural(toks[e-1].lower) && !givenTok(first) && !isInitial(first.text) && !c.titledBefore(toks, r.i) && !c.knownPerson(toks[e-1]) {
		real := !c.commonNoun(singular(toks[e-1].lower))
		for k := r.i; k < e-1; k++ {
			real = real || speakerTitles[toks[k].lower] || titleWords[toks[k].lower] || k >= n && !c.commonNoun(toks[k].lower) && c.nounFile(toks[k].lower) != wnNounPerson
		}
		if !real {
			// a plural after a nationality or an acronym names a body,
			// not a person: "EU Member States"
			r.n = r.i
			return graph.SpeakerOrganization
		}
	}
	if words >= 2 && (givenTok(first) || isInitial(first.text) || n > r.i || c.titledBefore(toks, r.i) || c.appositive(&c.d.paras[r.pi], e) != "" || words >= 3 && isInitial(toks[e-2].text)) {
		return graph.SpeakerPerson // "Laurence H. Tribe"
	}
	if words == 1 && n > r.i {
		return graph.SpeakerPerson // "Mr. Trump", "President Obama"
	}
	if words >= 2 && !c.commonNoun(toks[e-1].lower) {
		return graph.SpeakerPerson
	}
	if words >= 2 {
		return graph.SpeakerOrganization // "Wells Fargo", "Zero Hedge", "Patriot Coal"
	}
	if w := first.text; hasInnerCapital(w) || strings.ContainsAny(w, "0123456789") || mediaHeads[first.lower] {
		return graph.SpeakerOrganization // "WikiLeaks", "Future45"
	}
	switch c.nounFile(first.lower) {
	case wnNounGroup, wnNounLocation, wnNounCommunication:
		return graph.SpeakerOrganization // "Twitter", "Science"
	}
	return ""
}

// hasInnerCapital reports whether a word has a capital after its first
// letter and a lower-case letter: "PolitiFact", not "NATO" or "McCain".
func hasInnerCapital(w string) bool {
	r := []rune(w)
	lower := false
	for k, c := range r {
		if unicode.IsLower(c) {
			lower = true
		}
		if k >= 4 && unicode.IsUpper(c) && lower {
			return true
		}
	}
	return false
}

func runLower(toks []token, i, e int) string {
	var b strings.Builder
	for k := i; k < e; k++ {
		if k > i {
			b.WriteByte(' ')
		}
		b.WriteString(toks[k].lower)
	}
	return b.String()
}

func isPlace(toks []token, i, e int) bool {
	switch e - i {
	case 1:
		return places[toks[i].lower]
	case 2:
		return placePairs[toks[i].lower+"_"+toks[i+1].lower]
	}
	return false
}

// titledBefore reports whether a lower-case title or role noun stands
// right before toks[i]: "spokesman Josh Earnest".
func (c *cast) titledBefore(toks []token, i int) bool {
	if i == 0 {
		return false
	}
	t := toks[i-1]
	return t.kind == tokWord && !t.capital && (titleWords[t.lower] || speakerTitles[t.lower] || genderedNouns[t.lower] != 0 || c.nounFile(t.lower) == wnNounPerson)
}

// isAcronym reports whether a word is letters in capitals, maybe with
// dots: "FBI", "U.N.", "NAACP".
func isAcronym(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case r == '.' || r == '&':
		case unicode.IsUpper(r):
			letters++
		default:
			return false
		}
	}
	return letters >= 2
}

func isInitial(s string) bool {
	r := []rune(s)
	return len(r) == 2 && unicode.IsUpper(r[0]) && r[1] == '.'
}

// commonNoun reports whether WordNet knows a word as a noun that is not a
// person's name: "energy", "hedge", "matter". Without WordNet, nothing is.
func (c *cast) commonNoun(lower string) bool {
	if c.lex == nil || c.lex.m == nil {
		return false
	}
	cl := c.lex.m[uint32(newHash(1).s(lower))]
	if cl.pos()&1 == 0 {
		return false
	}
	f := int(cl.noun()) - 1
	return f != wnNounPerson && f >= 0
}

// adjective reports whether WordNet knows a word as an adjective.
// Without WordNet, nothing is.
func (c *cast) adjective(lower string) bool {
	if c.lex == nil || c.lex.m == nil {
		return false
	}
	return c.lex.m[uint32(newHash(1).s(lower))].pos()&4 != 0
}

// adverbOnly reports whether WordNet knows a word as an adverb and as no
// noun or adjective. Without WordNet, nothing is.
func (c *cast) adverbOnly(lower string) bool {
	if c.lex == nil || c.lex.m == nil {
		return false
	}
	return c.lex.m[uint32(newHash(1).s(lower))].pos()&15 == 8
}

// WordNet lexicographer files of nouns that speaker resolution reads.
const (
	wnNounAct           = 4
	wnNounArtifact      = 6
	wnNounCommunication = 10
	wnNounGroup         = 14
	wnNounLocation      = 15
	wnNounPerson        = 18
)

// nounFile returns the lexicographer file of a word's first noun sense,
// or -1.
func (c *cast) nounFile(lower string) int {
	if c.lex == nil || c.lex.m == nil {
		return -1
	}
	cl := c.lex.m[uint32(newHash(1).s(lower))]
	if cl.pos()&1 == 0 {
		return -1
	}
	return int(cl.noun()) - 1
}

// addPerson registers the person a run names, or finds them: the same
// surname with a compatible given name and gender is the same person, and
// keeps the fullest name.
func (c *cast) addPerson(r *nameRun) int {
	toks := c.d.paras[r.pi].toks
	words, key := personWords(toks, r.n, r.e)
	if len(key) == 0 {
		return -1
	}
	g := c.runGender(toks, r)
	for id, e := range c.ents {
		if e.kind != graph.SpeakerPerson || e.owner >= 0 || e.surname() != key[len(key)-1] {
			continue
		}
		if len(e.key) >= 2 && len(key) >= 2 && !givenCompatible(e.key[0], key[0]) && !endsWith(e.key, key) && !endsWith(key, e.key) {
			continue
		}
		if g != 0 && e.gender != 0 && g != e.gender {
			continue
		}
		if len(key) > len(e.key) || len(key) == len(e.key) && len(words) > len(e.words) {
			e.words, e.key = words, key
			c.knowPerson(e)
		}
		c.named(id, r)
		if e.gender == 0 {
			e.gender = g
		}
		return id
	}
	// one word with nothing to say it is a person ("Politifact") may be
	// an organisation: weak, until a title, a courtesy title or a
	// pronoun says otherwise
	weak := len(key) == 1 && r.n == r.i && g == 0 && !isGivenName(strings.ToLower(words[0]))
	c.ents = append(c.ents, &entity{kind: graph.SpeakerPerson, words: words, key: key, gender: g, owner: -1, weak: weak, first: -1})
	c.knowPerson(c.ents[len(c.ents)-1])
	c.named(len(c.ents)-1, r)
	return len(c.ents) - 1
}

// named notes that run r, outside a headline, names person id.
func (c *cast) named(id int, r *nameRun) {
	if c.headline[r.pi] {
		return
	}
	if e, at := c.ents[id], c.d.paras[r.pi].toks[r.n].start; e.first < 0 || at < e.first {
		e.first = at
	}
}

// personWords returns a person's name words as printed and folded: the
// folded key leaves out particles and suffixes ("Jr.").
func personWords(toks []token, n, e int) (words, key []string) {
	for k := n; k < e; k++ {
		w := toks[k].text
		if toks[k].poss {
			w = strings.TrimRight(w, "'’")
		}
		words = append(words, w)
		if nameParticles[toks[k].lower] || nameSuffixes[toks[k].lower] {
			continue
		}
		key = append(key, fold.String(strings.TrimSuffix(w, ".")))
	}
	return words, key
}

// runGender is the gender a run's courtesy title or given name tells.
func (c *cast) runGender(toks []token, r *nameRun) byte {
	for k := r.i; k < r.n; k++ {
		if g, ok := courtesyGender[toks[k].lower]; ok && g != 'p' {
			return g
		}
		if g := genderedNouns[toks[k].lower]; g != 0 {
			return g
		}
	}
	if r.n > 0 {
		if g, ok := courtesyGender[toks[r.n-1].lower]; ok && g != 'p' {
			return g
		}
	}
	if r.e-r.n >= 2 {
		if g := givenOf(toks[r.n].lower); g == 'm' || g == 'f' {
			return g
		}
	}
	return 0
}

// addOrg registers the organisation or place a run names, joined to one
// already known when one name ends the other ("The Post", "The New York
// Post") or is its acronym.
func (c *cast) addOrg(r *nameRun, kind string) int {
	words := c.orgWords(r)
	if len(words) == 0 {
		return -1
	}
	if id := c.findOrg(words); id >= 0 {
		if len(words) > len(c.ents[id].words) {
			c.rename(id, words)
		}
		return id
	}
	toks := c.d.paras[r.pi].toks
	e := &entity{kind: kind, words: words, owner: -1, acro: acronym(words)}
	low := strings.ToLower(strings.Join(words, " "))
	e.media = knownMedia[low] != "" || knownMedia["the "+low] != ""
	for k := r.n; k < r.e; k++ {
		if mediaHeads[toks[k].lower] {
			e.media = true
		}
	}
	return c.newOrg(e)
}

// mediaHeads are words of the names of news outlets.
var mediaHeads = set(`times post journal news tribune herald gazette telegraph guardian daily press
magazine network television tv radio channel broadcasting observer chronicle examiner inquirer
courier sentinel dispatch register monitor beast caller review report wire media reuters ledger
globe bulletin enquirer mirror`)

// orgWords returns the name words of an organisation run, without a
// leading "The" unless one word is left ("The Hill") and without a
// possessive.
func (c *cast) orgWords(r *nameRun) []string {
	toks := c.d.paras[r.pi].toks
	i := r.i
	if r.n > r.i && !hasOrgHead(toks, r.i, r.n) {
		i = r.n
	}
	var words []string
	for k := i; k < r.e; k++ {
		w := toks[k].text
		if toks[k].poss {
			w = strings.TrimRight(w, "'’")
		}
		if h := strings.IndexByte(w, '-'); h > 0 && k > i && orgHeads[strings.ToLower(w[:h])] {
			words = append(words, w[:h]) // "Washington Post-ABC News": the first of two
			break
		}
		words = append(words, w)
	}
	if l := strings.ToLower(words[0]); i > 0 && toks[i-1].lower == "the" && len(words) == 1 && !isAcronym(words[0]) && !places[l] && knownMedia[l] == "" && c.commonNoun(l) {
		words = append([]string{"The"}, words...)
	}
	return words
}

func acronym(words []string) string {
	if len(words) < 2 {
		return ""
	}
	var b strings.Builder
	for _, w := range words {
		r := []rune(w)
		if len(r) > 0 && unicode.IsUpper(r[0]) {
			b.WriteRune(r[0])
		}
	}
	if b.Len() < 2 {
		return ""
	}
	return b.String()
}

// findOrg finds the organisation or place that words name: the same
// name, one whose name ends with these words, or whose acronym they are.
func (c *cast) findOrg(words []string) int {
	key := foldWords(words)
	if id, ok := c.orgKeys[key]; ok {
		return id
	}
	// a short name, or a longer one, of an organisation already known
	one := len(words) == 1
	acro := ""
	if one {
		acro = strings.ReplaceAll(words[0], ".", "")
	}
	short := len(words) <= 2 && !places[key]
	prefixOK := one && !places[key] && !nationalityWords[key] && !orgHeads[key]
	best := -1
	for _, id := range c.orgs {
		e := c.ents[id]
		ek := e.okey
		switch {
		case short && len(ek) > len(key) && ek[len(ek)-len(key)-1] == ' ' && strings.HasSuffix(ek, key):
			best = id
		case len(e.words) <= 2 && len(key) > len(ek) && key[len(key)-len(ek)-1] == ' ' && strings.HasSuffix(key, ek) && !places[ek]:
			best = id
		case one && e.acro != "" && acro == e.acro:
			best = id
		case prefixOK && best < 0 && e.kind == graph.SpeakerOrganization && len(ek) > len(key) && ek[len(key)] == ' ' && strings.HasPrefix(ek, key):
			best = id // "Peabody" of "Peabody Energy"
		}
	}
	return best
}

// newOrg registers an organisation or place named by words.
func (c *cast) newOrg(e *entity) int {
	e.okey = foldWords(e.words)
	c.ents = append(c.ents, e)
	id := len(c.ents) - 1
	c.orgs = append(c.orgs, id)
	if _, ok := c.orgKeys[e.okey]; !ok {
		c.orgKeys[e.okey] = id
	}
	if len(e.words) == 1 {
		c.orgOneWord[strings.ToLower(e.words[0])] = true
	}
	return id
}

// rename gives organisation id the fuller name words.
func (c *cast) rename(id int, words []string) {
	e := c.ents[id]
	e.words, e.okey, e.acro = words, foldWords(words), acronym(words)
	if _, ok := c.orgKeys[e.okey]; !ok {
		c.orgKeys[e.okey] = id
	}
}

func foldWords(words []string) string {
	var b strings.Builder
	for _, w := range words {
		w = fold.String(strings.Trim(w, ".'’"))
		if w == "the" && b.Len() == 0 && len(words) > 1 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if strings.IndexByte(w, '.') >= 0 {
			w = strings.ReplaceAll(w, ".", "")
		}
		b.WriteString(w)
	}
	return b.String()
}

// lookupRun finds the entity of a run that was not registered: a surname
// alone or a given name alone, an organisation's short name; or registers
// it when it names someone new.
func (c *cast) lookupRun(r *nameRun) int {
	toks := c.d.paras[r.pi].toks
	if r.n >= r.e {
		return -1
	}
	kind := c.classify(r)
	switch kind {
	case graph.SpeakerOrganization, graph.SpeakerPlace:
		if c.headline[r.pi] {
			return c.findOrg(c.orgWords(r))
		}
		return c.addOrg(r, kind)
	}
	if r.e-r.n == 1 {
		pos := toks[r.n].start
		if id := c.findPersonWord(toks[r.n], c.runGender(toks, r), pos); id >= 0 {
			return id
		}
		if id := c.findOrg(c.orgWords(r)); id >= 0 {
			return id
		}
		if kind == graph.SpeakerPerson && !c.headline[r.pi] {
			return c.addPerson(r) // "Mr. Obama" in an article that never gives more
		}
		return -1
	}
	if kind == graph.SpeakerPerson && !c.headline[r.pi] {
		_, key := personWords(toks, r.n, r.e)
		if id := c.findPersonKey(key, c.runGender(toks, r), toks[r.n].start); id >= 0 && len(key) < len(c.ents[id].key) {
			return id
		}
		return c.addPerson(r)
	}
	if c.headline[r.pi] {
		_, key := personWords(toks, r.n, r.e)
		if len(key) > 0 {
			return c.findPersonKey(key, 0, toks[r.n].start)
		}
	}
	return -1
}

// findPersonWord finds the person a single name word means: a surname
// ("Trump"), else a given name ("Hillary"), keeping to gender g when
// known. Among several of one surname the most salient at pos wins.
func (c *cast) findPersonWord(t token, g byte, pos int) int {
	key := fold.String(strings.TrimSuffix(t.text, "."))
	if id := c.findPersonKey([]string{key}, g, pos); id >= 0 {
		return id
	}
	best := -1
	for id, e := range c.ents {
		if e.kind == graph.SpeakerPerson && e.owner < 0 && len(e.key) >= 2 && e.key[0] == key && (g == 0 || e.gender == 0 || e.gender == g) {
			if best >= 0 {
				return -1 // two people of that given name
			}
			best = id
		}
	}
	return best
}

// findPersonKey finds the person of a folded name: the same surname, a
// compatible given name, and gender g when known; several are told apart
// by salience at pos.
func (c *cast) findPersonKey(key []string, g byte, pos int) int {
	last := key[len(key)-1]
	var cands []int
	for id, e := range c.ents {
		if e.kind != graph.SpeakerPerson || e.owner >= 0 || e.surname() != last {
			continue
		}
		if len(key) >= 2 && len(e.key) >= 2 && !givenCompatible(e.key[0], key[0]) && !endsWith(e.key, key) {
			continue
		}
		if g != 0 && e.gender != 0 && e.gender != g {
			continue
		}
		cands = append(cands, id)
	}
	if len(cands) == 0 && len(key) == 1 && len([]rune(last)) >= 5 {
		// a surname misspelt once: "Wines" for Wimes
		for id, e := range c.ents {
			if e.kind == graph.SpeakerPerson && e.owner < 0 && len(e.key) >= 2 && oneEdit(e.surname(), last) && (g == 0 || e.gender == 0 || e.gender == g) {
				cands = append(cands, id)
			}
		}
		if len(cands) > 1 {
			return -1
		}
	}
	if len(cands) > 1 && g == 0 {
		// Bill or Hillary Clinton: the pronouns of the sentence tell; a
		// person whose gender is not known may be either
		if g = c.pronounGender(pos); g != 0 {
			var fit []int
			for _, id := range cands {
				if c.ents[id].gender == g || c.ents[id].gender == 0 {
					fit = append(fit, id)
				}
			}
			if len(fit) > 0 {
				cands = fit
			}
		}
	}
	return c.mostSalient(cands, pos)
}

// endsWith reports whether the name key ends with the words of suffix, a
// compound surname: "Guajardo Villarreal" of Ildefonso Guajardo
// Villarreal.
func endsWith(key, suffix []string) bool {
	if len(suffix) >= len(key) {
		return false
	}
	for k := range suffix {
		if key[len(key)-len(suffix)+k] != suffix[k] {
			return false
		}
	}
	return true
}

// oneEdit reports whether a and b differ by one letter inserted, dropped
// or replaced, past their first letter.
func oneEdit(a, b string) bool {
	if d := len(a) - len(b); d > 4 || d < -4 || a == "" || b == "" || a[0] != b[0] {
		return false // a letter is at most four bytes
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 || len(rb) == 0 || ra[0] != rb[0] {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if i == len(rb) {
		return len(ra) == len(rb)+1
	}
	if len(ra) == len(rb) {
		return string(ra[i+1:]) == string(rb[i+1:])
	}
	return string(ra[i+1:]) == string(rb[i:])
}

// pronounGender returns the gender of the personal pronouns outside
// quotations in the sentence holding pos, when they are all of one.
func (c *cast) pronounGender(pos int) byte {
	pi := c.d.paraOf(pos)
	if pi < 0 {
		return 0
	}
	p := &c.d.paras[pi]
	var g byte
	for _, se := range p.sents {
		if p.toks[se[0]].start > pos || p.toks[se[1]-1].end <= pos {
			continue
		}
		for k := se[0]; k < se[1]; k++ {
			t := p.toks[k]
			if t.kind != tokWord {
				continue
			}
			switch pg := pronounKinds[t.lower]; pg {
			case 'm', 'f':
				if g != 0 && g != pg {
					return 0
				}
				g = pg
			}
		}
	}
	return g
}

// mostSalient returns the candidate most salient at pos, the one the
// article mentions most when none was mentioned before pos, or -1.
func (c *cast) mostSalient(cands []int, pos int) int {
	switch len(cands) {
	case 0:
		return -1
	case 1:
		return cands[0]
	}
	// a surname alone is not someone the article introduced as another's
	// relative ("his wife, Heidi Cruz", "the nominee's daughter, Ivanka
	// Trump"): they are named in full, or by their given name
	if kin := slices.IndexFunc(cands, func(id int) bool { return !c.ents[id].kin }); kin >= 0 {
		cands = slices.DeleteFunc(slices.Clone(cands), func(id int) bool { return c.ents[id].kin })
		if len(cands) == 1 {
			return cands[0]
		}
	}
	// else the person of that surname the article introduced first ("Cruz"
	// is Ted Cruz, though his father Rafael is quoted), unless another was
	// named a sentence or two before and the first not lately ("Secretary
	// Jeh Johnson says …. Johnson said", far from candidate Gary Johnson)
	first, recent := -1, -1
	var firstSal, recentSal float64
	for _, id := range cands {
		e := c.ents[id]
		if e.first >= 0 && e.first < pos && (first < 0 || e.first < c.ents[first].first) {
			first = id
		}
		if s := c.salience(id, pos); s > recentSal {
			recent, recentSal = id, s
		}
	}
	if first >= 0 {
		firstSal = c.salience(first, pos)
	}
	switch {
	case recent >= 0 && recentSal >= wOther/2 && (first < 0 || firstSal*4 < recentSal):
		return recent
	case first >= 0:
		return first
	}
	// no one of that surname named before pos: the one the article names most
	best := -1
	for _, id := range cands {
		if e := c.ents[id]; best < 0 || e.full+e.count > c.ents[best].full+c.ents[best].count {
			best = id
		}
	}
	return best
}

// salience is how present entity id is at pos: the weights of its
// mentions before pos, halved with each sentence between.
func (c *cast) salience(id, pos int) float64 {
	at := c.sentence(pos)
	s := 0.0
	for k := c.before(pos) - 1; k >= 0; k-- {
		m := c.ments[k]
		dist := at - m.sent
		if dist > 24 {
			break
		}
		if m.ent == id {
			s += m.w * math.Pow(0.5, float64(dist))
		}
	}
	return s
}

// before returns the number of mentions that start before pos.
func (c *cast) before(pos int) int {
	return sort.Search(len(c.ments), func(k int) bool { return c.ments[k].start >= pos })
}

// sentence returns the number of the sentence holding pos.
func (c *cast) sentence(pos int) int {
	return max(0, sort.Search(len(c.sentStarts), func(k int) bool { return c.sentStarts[k] > pos })-1)
}

// quoted reports whether offset pos is inside a quotation.
func (d *doc) quoted(pos int) bool {
	k := sort.Search(len(d.segs), func(k int) bool { return d.segs[k].closeEnd > pos })
	return k < len(d.segs) && d.segs[k].open < pos
}

// mention records that entity id is named at [start, end).
func (c *cast) mention(start, end, id int, w float64) {
	m := emention{start: start, end: end, sent: c.sentence(start), ent: id, w: w, quoted: c.d.quoted(start)}
	k := c.before(start)
	for k < len(c.ments) && c.ments[k].start == start {
		if c.ments[k].ent == id {
			c.ments[k].w = max(c.ments[k].w, w)
			return
		}
		k++
	}
	c.ments = append(c.ments, emention{})
	copy(c.ments[k+1:], c.ments[k:])
	c.ments[k] = m
	c.ents[id].count++
}

// isSubject reports whether the run toks[i:e] opens its sentence (after
// titles, determiners and adverbs) or a reporting verb follows it.
func (c *cast) isSubject(p *para, i, e int) bool {
	j := e
	for j < len(p.toks) && p.toks[j].kind == tokWord && skipWords[p.toks[j].lower] {
		j++
	}
	if j < len(p.toks) && (cueVerbs[p.toks[j].lower] && !p.toks[j].capital) {
		return true
	}
	for _, se := range p.sents {
		if i < se[0] || i >= se[1] {
			continue
		}
		for k := se[0]; k < i; k++ {
			t := p.toks[k]
			if t.kind != tokWord || !(t.capital || titleWords[t.lower] || speakerTitles[t.lower] || determiners[t.lower]) {
				return false
			}
		}
		return true
	}
	return false
}

// titleBefore returns the lower-case title before a person's run ("the
// Republican presidential nominee Donald Trump", "campaign manager
// Kellyanne Conway") joined to the title words that open the run.
func (c *cast) titleBefore(p *para, r *nameRun) (string, int) {
	i := r.i
	for i > 0 {
		t := p.toks[i-1]
		if t.kind != tokWord || t.capital && !nationalityWords[t.lower] && !speakerTitles[t.lower] && !titleWords[t.lower] || determiners[t.lower] || cueVerbs[t.lower] {
			break
		}
		if titleWords[t.lower] || speakerTitles[t.lower] || genderedNouns[t.lower] != 0 || c.nounFile(t.lower) == wnNounPerson ||
			nationalityWords[t.lower] || i < r.i && (titleWords[p.toks[i].lower] || c.nounFile(p.toks[i].lower) == wnNounPerson) && !skipWords[t.lower] && !runStop[t.lower] && len(t.lower) > 2 {
			i--
			continue
		}
		break
	}
	if i == r.n {
		return "", i
	}
	return c.d.src.str(p.toks[i].start, p.toks[r.n-1].end), i
}

// appositive returns the role after a person's name between commas:
// "Jane Doe, a spokeswoman for the agency," gives "spokeswoman for the
// agency"; "Mr. King, 82," nothing.
func (c *cast) appositive(p *para, e int) string {
	if e >= len(p.toks) || p.toks[e].text != "," {
		return ""
	}
	i := e + 1
	if i < len(p.toks) && (runStop[p.toks[i].lower] && !determiners[p.toks[i].lower] && !p.toks[i].is("now", "then", "also", "still", "once") || p.toks[i].capital && !speakerTitles[p.toks[i].lower] && !determiners[p.toks[i].lower]) {
		return "" // "Clinton, but …", "Obama, Hillary Clinton and …"
	}
	for i < len(p.toks) && p.toks[i].kind == tokWord && (determiners[p.toks[i].lower] || p.toks[i].poss || p.toks[i].is("now", "then", "also", "still", "once")) {
		i++
	}
	j := i
	for j < len(p.toks) && j-i < 12 && p.toks[j].kind == tokWord && !p.toks[j].is("who", "which", "that", "said", "says") {
		j++
	}
	if j == i || j >= len(p.toks) || !strings.Contains(",.;—–", p.toks[j].text) {
		return ""
	}
	// it has a role noun
	for k := i; k < j; k++ {
		l := p.toks[k].lower
		if !p.toks[k].capital && (titleWords[l] || speakerTitles[l] || genderedNouns[l] != 0 || c.nounFile(l) == wnNounPerson) {
			return c.d.src.str(p.toks[i].start, p.toks[j-1].end)
		}
	}
	return ""
}

// appositiveBefore returns the role of a noun phrase that opens the
// sentence and stands in apposition before a person's name at toks[i]:
// "An attorney for the witness, Jane Doe, said" gives "attorney for the
// witness". The phrase opens with a determiner and has a role noun as
// its head, so "In a letter to the judge, Jane Doe said" gives nothing.
func (c *cast) appositiveBefore(p *para, i int) string {
	toks := p.toks
	if i < 3 || toks[i-1].text != "," {
		return ""
	}
	s := sentenceStart(p, i)
	if i-1-s > 10 || !(determiners[toks[s].lower] || indefinites[toks[s].lower]) || toks[s].is("this", "that", "these", "those") {
		return ""
	}
	// the head: the last word before a preposition, or the last word
	h := i - 2
	for k := s + 1; k < i-1; k++ {
		if toks[k].kind != tokWord {
			return ""
		}
		if toks[k].is("for", "of", "to", "at", "with") {
			h = k - 1
			break
		}
	}
	l := toks[h].lower
	if toks[h].capital || toks[h].kind != tokWord || !(titleWords[l] || speakerTitles[l] || genderedNouns[l] != 0 || c.nounFile(l) == wnNounPerson) {
		return ""
	}
	return c.d.src.str(toks[s+1].start, toks[i-2].end)
}

// campaignAfter registers "the Trump campaign", "Clinton's campaign",
// "Clinton's team": an organisation of its own, owned by the candidate.
func (c *cast) campaignAfter(p *para, r *nameRun) bool {
	if c.ents[r.ent].kind != graph.SpeakerPerson {
		return false
	}
	k := campaignWordAfter(p.toks, r)
	if k < 0 {
		return false
	}
	id := c.campaignOf(r.ent)
	c.mention(p.toks[r.i].start, p.toks[k].end, id, wOther)
	return true
}

// campaignWordAfter returns the index of the campaign noun that follows
// the run r ("Trump's presidential campaign", "the Clinton camp"), or -1.
func campaignWordAfter(toks []token, r *nameRun) int {
	k := r.e
	for k < len(toks) && k < r.e+2 && toks[k].kind == tokWord && !toks[k].capital && toks[k].is("presidential", "reelection", "re-election", "senate", "primary", "national", "own") {
		k++
	}
	if k >= len(toks) {
		return -1
	}
	t := toks[k]
	if t.capital || !t.is("campaign", "camp", "team") || t.is("team") && !r.poss {
		return -1
	}
	return k
}

// policeAfter registers "Tulsa police", "Charlotte-Mecklenburg police":
// an organisation named by the words and "police".
func (c *cast) policeAfter(p *para, r *nameRun) bool {
	if r.n >= r.e || r.e >= len(p.toks) || !p.toks[r.e].is("police") || p.toks[r.e].capital || r.poss {
		return false
	}
	words := make([]string, 0, r.e+1-r.n)
	for k := r.n; k <= r.e; k++ {
		words = append(words, p.toks[k].text)
	}
	id := c.findOrg(words)
	if id < 0 {
		id = c.newOrg(&entity{kind: graph.SpeakerOrganization, words: words, owner: -1})
	}
	c.mention(p.toks[r.n].start, p.toks[r.e].end, id, wOther)
	return true
}

// campaignOf returns the campaign entity of candidate id, registering it.
func (c *cast) campaignOf(id int) int {
	for k, e := range c.ents {
		if e.owner == id {
			return k
		}
	}
	c.ents = append(c.ents, &entity{kind: graph.SpeakerOrganization, owner: id})
	return len(c.ents) - 1
}

// documentAround registers a document the run publishes: "a Bloomberg
// poll", "Trump's tax returns", "a report by the Tax Foundation".
func (c *cast) documentAround(p *para, r *nameRun) {
	toks := p.toks
	if c.ents[r.ent].kind == graph.SpeakerPerson && !r.poss {
		return // "Clinton poll numbers"
	}
	// the run, then the document noun within two words, past a joint
	// publisher ("a Reuters/Ipsos opinion poll")
	lim := r.e + 3
	for k := r.e; k < len(toks) && k < lim; k++ {
		t := toks[k]
		if t.text == "/" && k+1 < len(toks) && toks[k+1].capital && toks[k+1].kind == tokWord {
			k++
			lim += 2
			continue
		}
		if t.kind != tokWord || t.capital {
			break
		}
		if docNouns[t.lower] {
			// of a compound, the last noun: "opinion poll"
			for k+1 < len(toks) && toks[k+1].kind == tokWord && !toks[k+1].capital && docNouns[toks[k+1].lower] {
				k++
				t = toks[k]
			}
			c.docs = append(c.docs, docMention{pos: t.start, head: singular(t.lower), publisher: r.ent})
			return
		}
	}
	// the document noun, then by/from and the run
	if r.i >= 2 && toks[r.i-1].is("by", "from", "of", "for") || r.i >= 3 && toks[r.i-1].is("the") && toks[r.i-2].is("by", "from", "of", "for") {
		k := r.i - 2
		if toks[r.i-1].is("the") {
			k--
		}
		for ; k >= 0 && k >= r.i-6; k-- {
			t := toks[k]
			if t.kind != tokWord {
				break
			}
			if docNouns[t.lower] {
				c.docs = append(c.docs, docMention{pos: t.start, head: singular(t.lower), publisher: r.ent})
				return
			}
		}
	}
}

// singular returns a noun without a plural s.
func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ses") || strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// findAuthor finds the person who signs the article: a last paragraph
// that is a name alone, or opens with one followed by "is" (an author's
// note), or a last line "— Name".
func (c *cast) findAuthor() int {
	d := c.d
	for k := len(d.paras) - 1; k >= 0 && k >= len(d.paras)-3; k-- {
		p := &d.paras[k]
		n := len(p.toks)
		if n == 0 || n > 40 {
			continue
		}
		i := 0
		for i < n && p.toks[i].kind == tokPunct {
			i++
		}
		j := i
		for j < n && p.toks[j].kind == tokWord && p.toks[j].capital {
			j++
		}
		if j-i < 2 || !givenTok(p.toks[i]) {
			continue
		}
		if j == n || p.toks[j].text == "," && j+3 >= n || p.toks[j].is("is", "was", "has") {
			_, key := personWords(p.toks, i, j)
			return c.findPersonKey(key, 0, p.toks[i].start)
		}
	}
	return -1
}
