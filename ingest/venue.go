package ingest

import (
	"strings"
	"unicode"

	"github.com/graphd/graphd/graph"
)

// Venues are found in a pass of their own, once every attribution has its
// cue and source: where, through what medium or to whom something was
// said. The places a venue is printed, in the order they are tried:
//
//   - the cue itself: a verb that is the medium ("tweeted"), or a cue that
//     holds its venue ("said in a statement", "issued a statement calling");
//   - the object of "told", "speaking to" and the like: an audience
//     ("reporters", "the crowd", "me"), an interviewer, an outlet;
//   - the adjuncts right after the cue (and after the speaker when it
//     follows the cue): "said at a rally in Ohio", "said during the debate",
//     "said on CBS’s “Face the Nation”", "said via email";
//   - a participle after the cue and its speaker: "said, looking out on
//     the crowd", "said, speaking at a rally";
//   - a fronted adjunct, or an appositive participle, before the cue in the
//     same sentence: "In an interview with CNN, she said", "Trump, speaking
//     to a veterans group, said";
//   - the occasion or platform that places the source, inside it: "the
//     ad's narrator says", "the debate moderators asked".
//
// Only prepositional phrases that open at one of these places count, so a
// topic noun ("the debate over taxes") or a venue inside the reported
// content is not taken. When several are found, the more specific wins: a
// named medium, then an event, a statement, an audience, a place.

// venueWords map the head nouns of venue phrases to their kind.
var venueWords = func() map[string]string {
	m := map[string]string{}
	for kind, words := range map[string]string{
		graph.VenueEvent: `conference conferences briefing briefings rally rallies meeting meetings summit summits
			hearing hearings speech speeches debate debates event events forum forums session sessions
			ceremony ceremonies convention gathering address interview interviews remarks appearance
			stop stops trail gaggle dinner breakfast lunch luncheon gala fundraiser fundraisers panel
			discussion roundtable tour cookout talks town-hall commencement vigil protest march
			festival celebration briefing hearing meeting dedication memorial funeral testimony call gig`,
		graph.VenueStatement: `statement statements release releases letter letters email emails e-mail memo memos
			memorandum report filing filings motion ruling brief notice announcement spokesman
			spokeswoman spokesperson spokesmen representative note missive diatribe tirade rant`,
		graph.VenueSocial:    `tweet tweets retweet twitter facebook instagram snapchat post posts`,
		graph.VenueBroadcast: `show shows program programme broadcast broadcasts episode ad ads radio television tv segment commercial`,
		graph.VenuePrint:     `book books memoir column op-ed essay article editorial newspaper magazine`,
		graph.VenueOnline:    `website site blog video videos online podcast documentary livestream`,
		graph.VenueAudience: `reporters journalists reporter crowd crowds audience audiences supporters donors students
			lawmakers delegates group committee congress court host hosts advisers advisors aides staff
			members workers veterans miners troops graduates attendees interviewer moderator board caucus
			parliament senators voters listeners viewers readers officials leaders executives employees
			subordinates colleagues congregation church`,
	} {
		for _, w := range strings.Fields(words) {
			m[w] = kind
		}
	}
	return m
}()

// venueRank orders kinds by how specific a venue of that kind is.
var venueRank = map[string]int{
	graph.VenueBroadcast: 6, graph.VenuePrint: 6, graph.VenueOnline: 6, graph.VenueSocial: 6, graph.VenueOther: 6,
	graph.VenueEvent: 5, graph.VenueStatement: 4, graph.VenueAudience: 3, graph.VenuePlace: 2,
}

// publishVerbs put out what was said in a medium: "issued a statement",
// "sent a letter", "posted a video".
var publishVerbs = set(`issue issues issued issuing release releases released releasing send sends sent sending
	post posts posted posting write writes wrote writing written file files filed filing publish publishes
	published publishing put unleash unleashed deliver delivers delivered delivering give gives gave giving
	air aired airs run ran runs`)

// objectVerbs report by naming what they are about, not by a clause, so
// an adjunct past their object is theirs: "called the plan a fraud during
// the debate", "likened the bill to theft in an interview".
var objectVerbs = set(`call calls called calling describe describes described describing label labels labeled
	labelled labeling dub dubs dubbed dubbing brand brands branded branding liken likens likened likening
	compare compares compared comparing accuse accuses accused accusing thank thanks thanked thanking
	cite cites cited citing mention mentions mentioned mentioning attack attacks attacked attacking
	defend defends defended defending deny denies denied denying denounce denounces denounced denouncing
	condemn condemns condemned condemning mock mocks mocked mocking endorse endorses endorsed endorsing
	reject rejects rejected rejecting note notes noted noting`)

// tellVerbs take their audience as object: "told reporters".
var tellVerbs = set(`tell tells told telling`)

// hostWords stand before the name of the one a speaker talked to: "told
// co-host Kim Park".
var hostWords = set(`host co-host anchor co-anchor moderator interviewer correspondent`)

// askVerbs take an audience as object when it is a group: "asked the crowd
// to welcome", "urged Congress to".
var askVerbs = set(`ask asks asked asking urge urges urged urging accuse accuses accused accusing`)

// quantityWords head a phrase whose venue follows "of": "a flurry of tweets".
var quantityWords = set(`flurry series string barrage number couple pair round stream volley set`)

// toVerbs take their audience after "to": "speaking to a veterans group".
var toVerbs = set(`speak speaks spoke speaking talk talks talked talking say says said saying write writes wrote
	writing address addresses addressed addressing shout shouts shouted shouting explain explains explained
	explaining yell yells yelled yelling scream screams screamed screaming`)

// timeWords may stand at the edges of a venue phrase and are not part of it.
var timeWords = set(`monday tuesday wednesday thursday friday saturday sunday today yesterday tonight tomorrow
	morning afternoon evening night week weekend month year last this next earlier later recently
	january february march april may june july august september october november december
	jan feb mar apr jun jul aug sep sept oct nov dec a.m p.m day days early late overnight`)

// venueStop are words a venue phrase never runs over.
var venueStop = set(`that and but as when before after while because if who which whose where whether said says
	told saying adding than though although`)

// sentenceLinks open a sentence before a fronted adjunct.
var sentenceLinks = set(`but and so yet still later earlier then meanwhile also again`)

// venueCandidate is a venue with the rank that decides between several.
type venueCandidate struct {
	v    *Venue
	rank int
}

func (c *venueCandidate) offer(v *Venue) {
	if v == nil {
		return
	}
	if r := venueRank[v.Kind]; c.v == nil || r > c.rank {
		c.v, c.rank = v, r
	}
}

// mediumKinds are the kinds of venue that are outlets and platforms.
var mediumKinds = map[string]bool{
	graph.VenuePrint: true, graph.VenueOnline: true, graph.VenueBroadcast: true, graph.VenueSocial: true,
}

// findVenues sets the venue of every attribution that has a cue and none
// yet; a continuation keeps its statement's.
func (d *doc) findVenues() {
	done := make(map[*attr]bool, len(d.atts))
	var find func(a *attr) *Venue
	find = func(a *attr) *Venue {
		if done[a] {
			return a.venue
		}
		done[a] = true
		switch {
		case a.venue != nil:
		case a.prev != nil:
			a.venue = find(a.prev)
		case a.cue != nil:
			a.venue = d.venueOf(a)
		}
		return a.venue
	}
	for _, a := range d.atts {
		find(a)
	}
	// a cue that goes on with the speech act of an earlier one in its
	// sentence takes its venue: "told KTV that …, but he said"
	for i, a := range d.atts {
		if a.venue != nil || a.cue == nil {
			continue
		}
		if b := d.sameActBefore(i); b != nil {
			a.venue = b.venue
		}
	}
	// a medium that speaks is the source, not where it was said: an outlet
	// that is the source itself, or opens it ("according to Politico",
	// "according to a New York Times/CBS News poll"), is no venue; an
	// outlet further inside the source stays ("wrote Kim Park for Morning
	// Consult"), and so does an occasion ("according to a speech she
	// delivered")
	for _, a := range d.atts {
		if v := a.venue; v != nil && a.src != nil && v.Start == a.src.Start && mediumKinds[v.Kind] {
			a.venue = nil
		}
	}
}

// sameActBefore returns the attribution with a venue whose cue stands
// earlier in the sentence of d.atts[i], when d.atts[i]'s source is a
// pronoun that follows "and" or "but" right before it: the same speaker
// going on in a coordinated clause.
func (d *doc) sameActBefore(i int) *attr {
	a := d.atts[i]
	if a.src == nil || a.src.End > a.cue.Start {
		return nil
	}
	pi := d.paraAt(a.cue.Start)
	if pi < 0 {
		return nil
	}
	p := &d.paras[pi]
	si, se := tokRange(p, a.src.Start, a.src.End)
	if se != si+1 || si < 1 || !isPronounTok(p.toks[si]) || !p.toks[si-1].is("and", "but") {
		return nil
	}
	s0 := 0
	for _, s := range p.sents {
		if si >= s[0] && si < s[1] {
			s0 = s[0]
			break
		}
	}
	for j := i - 1; j >= 0; j-- {
		b := d.atts[j]
		if b.cue == nil || b.cue.Start >= a.src.Start {
			continue
		}
		if d.paraAt(b.cue.Start) != pi {
			break
		}
		if bi, _ := tokRange(p, b.cue.Start, b.cue.End); bi < s0 {
			break
		}
		if b.venue != nil {
			return b
		}
	}
	return nil
}

// venueOf finds the venue of a from its cue.
func (d *doc) venueOf(a *attr) *Venue {
	pi := d.paraAt(a.cue.Start)
	if pi < 0 {
		return nil
	}
	p := &d.paras[pi]
	ci, ce := tokRange(p, a.cue.Start, a.cue.End)
	if ci >= ce {
		return nil
	}
	s0, s1 := 0, len(p.toks)
	for _, se := range p.sents {
		if ci >= se[0] && ci < se[1] {
			s0, s1 = se[0], se[1]
			break
		}
	}
	toks := p.toks
	var c venueCandidate
	// the cue is the medium: tweeted, retweeted
	for k := ci; k < ce; k++ {
		if t := toks[k]; t.kind == tokWord && strings.Contains(t.lower, "tweet") {
			c.offer(&Venue{Name: "Twitter", Kind: graph.VenueSocial, Start: t.start, End: t.end})
		}
	}
	// inside the cue and right after it
	srcEnd := -1
	if a.src != nil && a.src.Start >= a.cue.End {
		if si, se := tokRange(p, a.src.Start, a.src.End); si < se && si <= ce+1 {
			srcEnd = se
		}
	}
	for k := ci; k < ce; k++ {
		c.offer(d.venueAfterVerb(p, k, s1))
	}
	c.offer(d.venueAdjuncts(p, ci+1, s1))
	if ce > ci+1 {
		c.offer(d.venueAdjuncts(p, ce, s1))
	}
	if srcEnd > ce {
		c.offer(d.venueAdjuncts(p, srcEnd, s1))
		// an outlet the source writes for, when the source ran over it:
		// wrote Kim Park for the Valley Courier
		si, _ := tokRange(p, a.src.Start, a.src.End)
		for m := si + 1; m < srcEnd && c.v == nil; m++ {
			if toks[m].is("for") {
				c.offer(d.venueAdjuncts(p, m, s1))
			}
		}
		// past an appositive, which the source may hold: said Kim, the
		// party's leader, in a statement
		if c.v == nil {
			si, _ := tokRange(p, a.src.Start, a.src.End)
			for m := si; m < s1 && m <= srcEnd+14 && c.v == nil; m++ {
				if toks[m].text == "," && m > si {
					c.offer(d.venueAdjuncts(p, m, s1))
				}
			}
		}
	}
	// a participle after the cue, and after its speaker when it follows:
	// "said, looking out on the crowd", "said, speaking at a rally"
	if c.v == nil {
		c.offer(d.venueParticipleAfter(p, max(ce, srcEnd), s1))
	}
	// a stance takes its object first: "attacked her opponent as a fraud
	// during the debate", "blasted Clinton Wednesday on The Laura Ingraham
	// Show"
	if c.v == nil && (cueKind(a.cue) == CueStance || objectVerbs[toks[ci].lower]) {
		c.offer(d.venuePastObject(p, ce, s1))
	}
	// a medium put out just before the cue: "issued a statement calling"
	for k := ci - 1; k >= s0 && k >= ci-6 && c.v == nil; k-- {
		if publishVerbs[toks[k].lower] {
			c.offer(d.venueAfterVerb(p, k, ci))
		}
	}
	// a participle or a second verb of the source's clause takes the venue
	// of its main verb: "spoke to a gathering of farmers, promising",
	// "appeared on KTV and began by saying", "told the group, adding"
	if c.v == nil && a.src != nil && a.src.End <= a.cue.Start {
		c.offer(d.venueOfMainVerb(p, a, s0, ci))
	}
	// before the cue, when nothing is said after it: a fronted adjunct or
	// an appositive participle
	if c.v == nil {
		c.offer(d.venueBefore(p, s0, ci))
	}
	// the way the speaker moves along, between the source and the cue:
	// "Protesters marching through the streets chanted"
	if c.v == nil && a.src != nil && a.src.End <= a.cue.Start {
		if si, _ := tokRange(p, a.src.Start, a.src.End); si >= s0 {
			for k := si + 1; k+2 < ci && c.v == nil; k++ {
				if toks[k].kind == tokWord && motionWord(toks[k].lower) && toks[k+1].is("along", "through", "across", "around") {
					c.offer(d.motionPlace(p, k+2, ci))
				}
			}
		}
	}
	// the occasion a relative clause holding the cue hangs on: "since the
	// debate, when Holt said", "his appearance on KTV, in which he said"
	if c.v == nil {
		c.offer(d.venueAntecedent(p, s0, ci))
	}
	// the occasion that places the speaker, inside the source: "the ad's
	// narrator says", "the debate moderators asked"
	if c.v == nil && a.src != nil {
		c.offer(d.venueInSource(p, a.src))
	}
	return c.v
}

// turnVerbs face an audience: "said, turning to reporters", "said,
// looking out on the crowd"; "referring to" names a topic instead.
var turnVerbs = set(`turning looking gesturing waving facing`)

// particles may follow a participle before its object: "looking out on
// the crowd", "cutting off a reporter".
var particles = set(`out off up down back around over`)

// venueParticipleAfter reads the venue of a participle that follows the
// cue after a comma, at toks[j] (time words aside): its object or the
// object of its preposition when that is an audience ("said, cutting off
// a reporter", "said, looking out on the crowd", "said, turning to
// reporters"), or an occasion it is at ("said, speaking at a rally"). A
// participle that reports ("adding", "noting") has a content of its own,
// and its object is no venue.
func (d *doc) venueParticipleAfter(p *para, j, s1 int) *Venue {
	toks := p.toks
	for j < s1 && toks[j].kind == tokWord && (timeWords[toks[j].lower] || isYear(toks[j].lower)) {
		j++
	}
	if j+2 >= s1 || toks[j].text != "," {
		return nil
	}
	v := toks[j+1]
	if v.kind != tokWord || v.capital || len(v.lower) < 6 || !strings.HasSuffix(v.lower, "ing") || cueVerbs[v.lower] || venueWords[v.lower] != "" || timeWords[v.lower] {
		return nil
	}
	k := j + 2
	for k < s1 && k < j+4 && toks[k].kind == tokWord && particles[toks[k].lower] {
		k++
	}
	if k >= s1 || toks[k].kind != tokWord {
		return nil
	}
	var w *Venue
	switch t := toks[k]; {
	case t.is("at", "during", "in"):
		w = d.venueNP(p, k+1, s1, t.lower)
		if w != nil && w.Kind == graph.VenuePlace {
			w = nil
		}
	case t.is("to", "toward", "towards", "on", "before") && (toVerbs[v.lower] || turnVerbs[v.lower]):
		w = d.venueNP(p, k+1, s1, "to")
	case !t.capital && !isPronounTok(t) && !t.is("that", "it", "them", "him", "her", "you"):
		w = d.venueNP(p, k, s1, "")
	}
	if w != nil && (w.Kind == graph.VenueAudience || w.Kind == graph.VenueEvent && toks[k].is("at", "during", "in")) {
		return w
	}
	return nil
}

// organizerWords head a source that leads or organises what the word before
// it names ("protest leaders", "rally organizers"), not one who was
// there.
var organizerWords = set(`leader leaders organizer organizers organiser organisers chief chiefs head heads chairman
	chairwoman director directors founder founders sponsor sponsors`)

// personNoun reports whether the common noun w names a person or people
// by what they do: "narrator", "moderators", "user", "attendees".
func personNoun(w string) bool {
	if titleWords[w] || genericHeads[w] || genericHeads[w+"s"] || hostWords[w] || hostWords[strings.TrimSuffix(w, "s")] {
		return true
	}
	for _, suf := range []string{"or", "ors", "ist", "ists", "ee", "ees"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// venueInSource reads an occasion or a medium that places the source,
// inside its noun phrase: a venue word before the head ("the debate
// moderators", "one Twitter user"), a possessive ("the ad's narrator") or
// a phrase after it ("a narrator in the ad"). A source that is itself the
// medium ("the report says", "a tweet by Holt") and an outlet the speaker
// works for ("CNN's Kim Park") are none.
func (d *doc) venueInSource(p *para, src *Mention) *Venue {
	toks := p.toks
	si, se := tokRange(p, src.Start, src.End)
	if se-si < 2 {
		return nil
	}
	// the head: the last word before a phrase after it
	h := si
	for h+1 < se && toks[h+1].kind == tokWord && !toks[h+1].is("in", "at", "on", "during", "of", "for", "from", "with", "who", "that") {
		h++
	}
	head := toks[h]
	if head.kind != tokWord || head.capital || head.poss || isPronounTok(head) {
		return nil
	}
	if hk := venueWords[head.lower]; hk != "" && hk != graph.VenueAudience || !personNoun(head.lower) || organizerWords[head.lower] {
		return nil
	}
	for m := si; m < h; m++ {
		t := toks[m]
		k := venueWords[t.lower]
		if t.kind != tokWord || k == "" || k == graph.VenueAudience || k == graph.VenueStatement && hostWords[head.lower] {
			continue
		}
		// a medium before the head is where the speaker works ("a
		// newspaper columnist", "a Post reporter"), an occasion or a
		// platform where they were ("the debate moderators", "a Twitter
		// user"); a possessive places them ("the ad's narrator")
		if !t.poss && (m != h-1 || mediumKinds[k] && k != graph.VenueSocial || t.capital && k != graph.VenueSocial) {
			continue
		}
		if t.capital && k == graph.VenueSocial && t.is("post", "posts") {
			continue
		}
		if k == graph.VenueStatement && (t.is("spokesman", "spokeswoman", "spokesperson", "spokesmen", "representative")) {
			continue
		}
		// the span leaves the determiner out: the source it opens is a
		// person, not the medium ("the ad's narrator")
		s := m
		for s > si && toks[s-1].kind == tokWord && toks[s-1].capital && !toks[s-1].poss && !determiners[toks[s-1].lower] {
			s--
		}
		name := t.lower
		if k == graph.VenueSocial && t.capital {
			name = t.text
		}
		return &Venue{Name: name, Kind: k, Start: toks[s].start, End: toks[m].start + len([]rune(t.text))}
	}
	if h+1 < se && toks[h+1].is("in", "at") {
		if v := d.venueNP(p, h+2, se, toks[h+1].lower); v != nil && v.Kind != graph.VenuePlace && v.Kind != graph.VenueAudience {
			return v
		}
	}
	return nil
}

// venueAntecedent reads the venue in the noun phrase a relative clause
// holding the cue at toks[ci] refers to: the phrase before ", when",
// ", where" or ", in which" opening that clause.
func (d *doc) venueAntecedent(p *para, s0, ci int) *Venue {
	toks := p.toks
	for k := ci - 1; k > s0 && k >= ci-14; k-- {
		if toks[k].text != "," || k+1 >= ci {
			continue
		}
		n := toks[k+1]
		rel := n.is("when", "where") || n.is("in", "at", "during", "on") && k+2 < ci && toks[k+2].is("which")
		if !rel {
			continue
		}
		// the antecedent runs back from the comma to a preposition or a
		// verb that opens it
		j := k - 1
		for j > s0 && k-j < 10 && toks[j].kind == tokWord && !venueStop[toks[j].lower] &&
			!toks[j-1].is("since", "after", "before", "during", "at", "in", "on", "upon", "from", "to", "of", "following") {
			j--
		}
		if j <= s0 || toks[j].kind != tokWord {
			return nil
		}
		prep := ""
		if pj := toks[j-1]; pj.is("at", "in", "on", "during") {
			prep = pj.lower
		}
		if v := d.venueNP(p, j, k, prep); v != nil && v.Kind != graph.VenuePlace && v.Kind != graph.VenueAudience {
			return v
		}
		return nil
	}
	return nil
}

// clauseAdverbs may stand between a subject and its verb, or between a
// comma or "and" and a second verb: "then", "also", "later".
var clauseAdverbs = set(`then also later again still quickly repeatedly once never first finally immediately promptly
	swiftly publicly privately previously recently already`)

// venueOfMainVerb reads the venue of the main verb of the clause whose
// subject is a's source, when a's cue is a participle after a comma or a
// verb after "and" in that clause ("Holt spoke at a rally, saying …").
// The main verb is the first word after the source; what it says is read
// up to the cue.
func (d *doc) venueOfMainVerb(p *para, a *attr, s0, ci int) *Venue {
	toks := p.toks
	si, se := tokRange(p, a.src.Start, a.src.End)
	if si >= se || si < s0 || se >= ci {
		return nil
	}
	// the cue follows a comma or "and", past adverbs
	k := ci - 1
	for k > se && toks[k].kind == tokWord && clauseAdverbs[toks[k].lower] {
		k--
	}
	// or directly a participle after the main verb's object: "unleashed
	// a series of tweets saying"
	ing := strings.HasSuffix(toks[ci].lower, "ing") && k == ci-1
	if k <= se || !(toks[k].text == "," || toks[k].is("and") || ing) {
		return nil
	}
	m := se
	for m < ci && (toks[m].text == "," || toks[m].text == ")" || toks[m].kind == tokWord && (clauseAdverbs[toks[m].lower] || toks[m].is("has", "have", "had", "is", "was", "were", "are", "will", "would"))) {
		m++
	}
	if ing {
		k = ci
	}
	if m >= k || toks[m].kind != tokWord || toks[m].capital {
		return nil
	}
	var c venueCandidate
	c.offer(d.venueAfterVerb(p, m, k))
	c.offer(d.venueAdjuncts(p, m+1, k))
	if c.v == nil {
		c.offer(d.venuePastObject(p, m+1, k))
	}
	return c.v
}

// paraAt returns the paragraph holding offset pos, or -1.
func (d *doc) paraAt(pos int) int {
	lo, hi := 0, len(d.paras)
	for lo < hi {
		m := (lo + hi) / 2
		if d.paras[m].end <= pos {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(d.paras) && d.paras[lo].start <= pos {
		return lo
	}
	return -1
}

// venueAfterVerb reads what follows the verb toks[k] when it takes its
// venue as object: "told reporters", "issued a statement", "speaking to
// the crowd".
func (d *doc) venueAfterVerb(p *para, k, s1 int) *Venue {
	toks := p.toks
	t := toks[k]
	if t.kind != tokWord {
		return nil
	}
	j := k + 1
	switch {
	case tellVerbs[t.lower]:
		return d.audience(p, j, s1, true)
	case askVerbs[t.lower]:
		if v := d.venueNP(p, j, s1, ""); v != nil && v.Kind == graph.VenueAudience {
			return v
		}
	case toVerbs[t.lower] && j < s1 && toks[j].is("to", "before"):
		return d.audience(p, j+1, s1, false)
	case toVerbs[t.lower] && j < s1 && toks[j].is("for") && (t.lower == "writing" || t.lower == "wrote" || t.lower == "writes" || t.lower == "write"):
		return d.venueNP(p, j+1, s1, "for")
	case t.lower == "according" && j < s1 && toks[j].is("to"):
		if v := d.venueNP(p, j+1, s1, ""); v != nil && v.Kind != graph.VenueAudience && v.Kind != graph.VenuePlace {
			return v
		}
	case publishVerbs[t.lower]:
		if j < s1 && toks[j].is("out") {
			j++
		}
		if v := d.venueNP(p, j, s1, ""); v != nil && v.Kind != graph.VenueAudience && v.Kind != graph.VenuePlace {
			return v
		}
	}
	return nil
}

// audience reads the addressee at toks[i]: "reporters", "the crowd",
// "me", "CNN", "Harvey". After "told", a single person is only a venue
// when named (a host, an interviewer), and a pronoun only when it is the
// writer.
func (d *doc) audience(p *para, i, s1 int, told bool) *Venue {
	toks := p.toks
	if i >= s1 || toks[i].kind != tokWord {
		return nil
	}
	t := toks[i]
	if t.is("me", "us") && !t.capital {
		return &Venue{Name: "the writer", Kind: graph.VenueAudience, Start: t.start, End: t.end}
	}
	if isPronounTok(t) || t.is("them", "it", "him", "her", "you") {
		return nil
	}
	e := venuePhraseEnd(toks, i, s1)
	// the addressee ends where what was told begins: "told the forum he
	// was", "told his staff never to", "told reporters to"
	for k := i + 1; k < e; k++ {
		if toks[k].kind == tokWord && !toks[k].capital && (toks[k].is("he", "she", "they", "we", "i", "it", "never", "not", "to", "about", "for", "during") ||
			toks[k].is("you") && k > i+1) {
			e = k
			break
		}
	}
	for e > i && (timeWords[toks[e-1].lower] || toks[e-1].is("on", "in", "at", "this", "last")) {
		e--
	}
	if e == i {
		return nil
	}
	if v := d.venueNP(p, i, e, "to"); v != nil {
		return v
	}
	// a named addressee: an outlet or a person
	if t.capital || (determiners[t.lower] || hostWords[t.lower]) && i+1 < e && toks[i+1].capital {
		s := i
		for s < e && (determiners[toks[s].lower] || hostWords[toks[s].lower]) && !toks[s].capital {
			s++
		}
		m := s
		for m < e && (toks[m].capital || nameParticles[toks[m].lower]) {
			m++
		}
		if m == s {
			return nil
		}
		name := strings.TrimSuffix(string(d.r[toks[s].start:toks[m-1].end]), ".")
		kind := graph.VenueAudience
		if mk := knownMedia[strings.ToLower(name)]; mk != "" {
			kind = mk
		} else if hasOrgWord(toks, s, m) || toks[i].is("the") {
			kind = graph.VenueOther
			if !told {
				return nil
			}
		} else if !told {
			return nil
		}
		return &Venue{Name: name, Kind: kind, Start: toks[i].start, End: toks[m-1].end}
	}
	// an unnamed group: his advisers, some of the miners
	last := toks[e-1]
	if last.kind == tokWord && !last.capital && len(last.lower) > 3 && strings.HasSuffix(last.lower, "s") &&
		!strings.HasSuffix(last.lower, "ss") && !skipWords[last.lower] && !cueVerbs[last.lower] {
		return &Venue{Name: string(d.r[toks[i].start:last.end]), Kind: graph.VenueAudience, Start: toks[i].start, End: last.end}
	}
	return nil
}

// venuePhraseEnd returns the end of the phrase from toks[i]: words,
// possessives and a show's quoted title, up to a comma, a clause word or
// a reporting verb.
func venuePhraseEnd(toks []token, i, s1 int) int {
	j := i
	for j < s1 && j-i < 16 {
		t := toks[j]
		if t.kind == tokQuote {
			// a title: on CBS’s “Face the Nation”, an episode of “…”
			if j > i && (toks[j-1].poss || toks[j-1].is("of", "on")) {
				j++
				continue
			}
			break
		}
		if t.kind == tokPunct {
			// a place after a comma: a rally in Kenansville, N.C.
			if t.text == "," && j+1 < s1 && j > i && toks[j-1].capital && toks[j+1].capital && toks[j+1].kind == tokWord &&
				(j+2 >= s1 || toks[j+2].kind != tokWord || toks[j+2].capital) && !isPronounTok(toks[j+1]) {
				j++
				continue
			}
			if t.text == "-" || t.text == "’s" {
				j++
				continue
			}
			break
		}
		if venueStop[t.lower] || cueVerbs[t.lower] && !t.capital && j > i && venueWords[t.lower] == "" {
			break
		}
		j++
	}
	return j
}

// venueNP reads a venue in the noun phrase from toks[i], after the
// preposition prep ("" for an object): its head must be a venue word, a
// known outlet or a show's title, and after "in" a place may do.
func (d *doc) venueNP(p *para, i, s1 int, prep string) *Venue {
	toks := p.toks
	if i < s1 && toks[i].kind == tokQuote && prep == "on" && titleCase(d.r[d.segs[toks[i].quote].start:d.segs[toks[i].quote].end]) {
		// a show's title: on “Meet the Press”
		q := d.segs[toks[i].quote]
		end := q.end
		for end > q.start && strings.ContainsRune(",.", d.r[end-1]) {
			end--
		}
		return &Venue{Name: strings.TrimRight(string(d.r[q.start:q.end]), ",. "), Kind: graph.VenueBroadcast, Start: q.start, End: end}
	}
	e := venuePhraseEnd(toks, i, s1)
	if e <= i {
		return nil
	}
	// drop time words at the edges: "a speech on Saturday", "Monday's"
	// stays as a modifier
	for e > i {
		t := toks[e-1]
		if t.kind == tokWord && (timeWords[t.lower] || isYear(t.lower)) && !t.poss ||
			t.kind == tokWord && t.is("on", "in", "at", "this", "last", "of", "the", "a", "an", "for", "with", "to") {
			e--
			continue
		}
		break
	}
	s := i
	for s < e && toks[s].kind == tokWord && timeWords[toks[s].lower] && !toks[s].poss &&
		!(toks[s].capital && s+1 < e && toks[s+1].capital && toks[s+1].kind == tokWord && !timeWords[toks[s+1].lower]) {
		s++
	}
	if s >= e || toks[s].is("to", "in", "at", "on", "for", "with", "of", "about", "over", "by", "from", "during", "via", "through", "before", "after") {
		return nil
	}
	// a title ends the phrase; so does a participle after the head
	for k := s; k < e; k++ {
		t := toks[k]
		if t.kind == tokQuote && k > s && (toks[k-1].poss || toks[k-1].is("of", "on")) {
			e = k + 1
			break
		}
		if k > s && t.kind == tokWord && !t.capital && strings.HasSuffix(t.lower, "ing") && len(t.lower) > 5 && venueWords[t.lower] == "" && !timeWords[t.lower] &&
			!(k+1 < e && toks[k+1].kind == tokWord && !toks[k+1].capital && venueWords[toks[k+1].lower] != "") {
			e = k
			break
		}
	}
	// a named medium anywhere in the phrase is the most specific: "a
	// statement on X", "an interview with the Onda Cero radio station"
	kind, name := "", ""
	head := -1
	for k := s; k < e && head < 0; k++ {
		t := toks[k]
		if t.kind == tokQuote && k > s && (toks[k-1].poss || toks[k-1].is("of", "on")) {
			q := d.segs[t.quote]
			kind, name, head = graph.VenueBroadcast, strings.TrimRight(string(d.r[q.start:q.end]), ",. "), k
		} else if t.kind == tokWord && t.capital {
			if v := d.knownOutlet(p, k, e); v != nil {
				kind, name, head = v.Kind, v.Name, k
			}
		}
	}
	for k := s; k < e && head < 0; k++ {
		if t := toks[k]; t.kind == tokWord && t.capital {
			if v := d.outletAt(p, k, e); v != nil {
				kind, name, head = v.Kind, v.Name, k
			}
		}
	}
	// else the head: the last word of the noun phrase before its
	// post-modifiers and trailing times ("a campaign stop in Flint", "a
	// rally Friday evening in Michigan", "a flurry of tweets"), which must
	// be a venue word: "show insiders" and "the truth about things" are
	// none
	if head < 0 {
		core := s
		for core < e {
			t := toks[core]
			if core > s && t.kind == tokWord && t.is("in", "at", "with", "to", "of", "for", "from", "by", "about", "over", "on", "during", "after", "before") {
				if t.is("of") && quantityWords[toks[core-1].lower] {
					core++
					continue
				}
				break
			}
			if t.kind != tokWord && !(t.kind == tokPunct && t.text == "-") {
				break
			}
			// a name after the head opens a clause, which the venue
			// leaves out: "a speech Holt gave"
			if core > s && t.capital && !toks[core-1].capital && venueWords[toks[core-1].lower] != "" && !hostWords[toks[core-1].lower] {
				e = core
				break
			}
			core++
		}
		h := core - 1
		for h > s && toks[h].kind == tokWord && (timeWords[toks[h].lower] || isYear(toks[h].lower)) && !toks[h].poss {
			h--
		}
		if t := toks[h]; t.kind == tokWord && (!t.capital || h == s || properName(toks, i, s, h)) {
			if vk := venueWords[t.lower]; vk != "" && !(vk == graph.VenueAudience && prep != "to" && prep != "before" && prep != "") {
				kind, name, head = vk, t.lower, h
				// the kind of a compound: a Facebook post, a radio program
				if h > s {
					if pk := venueWords[toks[h-1].lower]; pk == graph.VenueSocial || pk == graph.VenueBroadcast && vk == graph.VenueEvent {
						kind = pk
					}
				}
			}
		}
	}
	if head < 0 {
		// said in Ohio: a place, when the phrase is only capitalized words
		if prep != "in" && prep != "for" {
			return nil
		}
		// a named room or building: in the Oval Office
		p0 := s
		if prep == "in" && toks[s].is("the") && !toks[s].capital && s+2 < e {
			p0++
		}
		for k := p0; k < e; k++ {
			if toks[k].kind == tokPunct && toks[k].text == "," && k > s {
				continue
			}
			// a name of several words may join them with "of", "and",
			// "for": the Museum of Modern Art
			if k > p0 && k+1 < e && toks[k].is("of", "and", "for") && !toks[k].capital && toks[k-1].capital && toks[k+1].capital {
				continue
			}
			if !toks[k].capital || toks[k].kind != tokWord || timeWords[toks[k].lower] && !(k+1 < e && toks[k+1].capital) || commonCapitalized[toks[k].lower] {
				return nil
			}
		}
		kind, name = graph.VenuePlace, string(d.r[toks[s].start:toks[e-1].end])
		if prep == "for" {
			kind = graph.VenueOther // writing for an outlet
		}
	}
	switch {
	case kind == graph.VenueAudience && prep != "to" && prep != "before" && prep != "":
		return nil
	case kind == graph.VenueStatement && (name == "spokesman" || name == "spokeswoman" || name == "spokesperson" ||
		name == "spokesmen" || name == "representative") && prep != "through" && prep != "via":
		return nil
	case head >= 0 && toks[head].is("debate", "debates", "discussion", "talks", "call") && head+1 < e && toks[head+1].is("over", "about", "on", "of", "for"):
		return nil // the debate over taxes is a topic
	case head >= 0 && kind == graph.VenueEvent && toks[head].is("call", "march", "protest", "note") && prep == "":
		return nil
	}
	// the span: from the first word after the preposition, keeping
	// determiners, to the phrase's end
	if toks[s].kind == tokQuote {
		q := d.segs[toks[s].quote]
		return &Venue{Name: name, Kind: kind, Start: q.start, End: q.end}
	}
	end := toks[e-1].end
	if toks[e-1].kind == tokQuote {
		q := d.segs[toks[e-1].quote]
		end = q.end
		for end > q.start && strings.ContainsRune(",.", d.r[end-1]) {
			end--
		}
	}
	if name == "" || kind == graph.VenueEvent || kind == graph.VenueStatement || kind == graph.VenueAudience {
		name = strings.TrimSpace(string(d.r[toks[s].start:end]))
		for _, det := range []string{"a ", "an ", "the ", "his ", "her ", "their ", "its "} {
			name = strings.TrimPrefix(name, det)
		}
	}
	return &Venue{Name: name, Kind: kind, Start: toks[s].start, End: end}
}

// properName reports whether toks[s:h+1] is a name in title case, past a
// leading determiner: "The Morning Hour Show", "the Valley Forum"; not in
// a headline, where the word before the phrase at toks[i] is capitalized
// too.
func properName(toks []token, i, s, h int) bool {
	if i > 0 && toks[i-1].capital {
		return false
	}
	if determiners[toks[s].lower] {
		s++
	}
	for k := s; k <= h; k++ {
		if !toks[k].capital || toks[k].kind != tokWord {
			return false
		}
	}
	return s < h
}

// titleCase reports whether the text opens with a capital letter, past
// quotation marks: the title of a show, not a scare-quoted word.
func titleCase(r []rune) bool {
	for _, c := range r {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			return unicode.IsUpper(c) || unicode.IsDigit(c)
		}
	}
	return false
}

// wroteBefore reports whether a writing verb stands in the four words
// before toks[j]: "wrote Cameron Easley for …".
func wroteBefore(toks []token, j int) bool {
	for k := j - 1; k >= 0 && k >= j-4; k-- {
		if toks[k].is("wrote", "writes", "write", "writing", "written") {
			return true
		}
	}
	return false
}

func isYear(l string) bool {
	if len(l) != 4 {
		return false
	}
	for i := range 4 {
		if l[i] < '0' || l[i] > '9' {
			return false
		}
	}
	return l[0] == '1' || l[0] == '2'
}

// knownOutlet reads an outlet commonly named bare at toks[k]: "CNN",
// "Fox News", "The Washington Post".
func (d *doc) knownOutlet(p *para, k, e int) *Venue {
	toks := p.toks
	for n := min(4, e-k); n >= 1; n-- {
		name := string(d.r[toks[k].start:toks[k+n-1].end])
		if toks[k+n-1].poss {
			name = strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(name, "’s"), "'s"), "’'")
		}
		if mk := knownMedia[strings.ToLower(name)]; mk != "" && toks[k].capital {
			return &Venue{Name: name, Kind: mk, Start: toks[k].start, End: toks[k+n-1].end}
		}
	}
	return nil
}

// outletAt reads a named outlet at toks[k]: a known one, or a capitalized
// name with a medium word ("the Onda Cero radio station").
func (d *doc) outletAt(p *para, k, e int) *Venue {
	toks := p.toks
	if v := d.knownOutlet(p, k, e); v != nil {
		return v
	}
	m := k
	for m < e && toks[m].capital && toks[m].kind == tokWord && !toks[m].poss {
		m++
	}
	if m < e && toks[m].capital && toks[m].poss {
		m++
	}
	if m > k && m < e && mediaWords[toks[m].lower] != "" && !toks[m].capital {
		name := strings.TrimSuffix(string(d.r[toks[k].start:toks[m-1].end]), "’s")
		return &Venue{Name: name, Kind: mediaWords[toks[m].lower], Start: toks[k].start, End: toks[m].end}
	}
	return nil
}

// venueAdjuncts reads the adjuncts from toks[j] on, right after a cue:
// time words and phrases are skipped, the first prepositional phrase that
// is not a time gives the venue or ends the search.
func (d *doc) venueAdjuncts(p *para, j, s1 int) *Venue {
	toks := p.toks
	for steps := 0; j < s1 && steps < 8; steps++ {
		t := toks[j]
		if t.kind == tokPunct {
			if t.text != "," {
				return nil
			}
			j++
			continue
		}
		if t.kind != tokWord {
			return nil
		}
		if timeWords[t.lower] || skipWords[t.lower] && !t.is("on", "that") || isYear(t.lower) {
			j++
			continue
		}
		if t.is("in", "at", "on", "during", "via", "through", "before", "to", "from", "while", "as", "when", "with", "for", "over") {
			prep := t.lower
			k := j + 1
			if t.is("while", "as", "when") {
				// as he entered the talks, while moving along the street
				k = j + 1
				// a clause with a subject of its own may run longer: "as
				// she and hundreds of others moved through the city"
				w := 5
				if j+1 < s1 && isPronounTok(toks[j+1]) && !toks[j+1].is("it", "its") {
					w = 9
				}
				for k < s1 && k < j+w && toks[k].kind == tokWord && !toks[k].is("at", "in", "on", "to", "along", "through", "into", "across", "around") {
					if toks[k].is("entered", "entering", "addressed", "addressing", "visited", "visiting", "toured", "touring") {
						break
					}
					// as he issued a statement, while he told reporters
					if publishVerbs[toks[k].lower] || tellVerbs[toks[k].lower] {
						return d.venueAfterVerb(p, k, s1)
					}
					if cueVerbs[toks[k].lower] {
						return nil
					}
					k++
				}
				if k >= s1 || k == j+w || toks[k].kind != tokWord {
					return nil
				}
				prep = toks[k].lower
				switch prep {
				case "along", "through", "across", "around":
					// moving along the street, marched through the city
					if k > j+1 && motionWord(toks[k-1].lower) {
						return d.motionPlace(p, k+1, s1)
					}
					prep = "in"
				case "into":
					prep = "in"
				case "entered", "entering", "visited", "visiting", "toured", "touring":
					prep = "at"
				case "addressed", "addressing":
					prep = "to"
				}
				k++
			}
			if t.is("to", "with") && !(j > 0 && toVerbs[toks[j-1].lower]) {
				return nil
			}
			if t.is("for") && !wroteBefore(toks, j) {
				return nil
			}
			if prep == "to" || prep == "before" {
				if v := d.audience(p, k, s1, false); v != nil {
					return v
				}
				return nil
			}
			if v := d.venueNP(p, k, s1, prep); v != nil {
				return v
			}
			// a time phrase: on Monday, in March, at 3 p.m.
			e := k
			for e < s1 && toks[e].kind == tokWord && (timeWords[toks[e].lower] || isYear(toks[e].lower) || determiners[toks[e].lower] ||
				toks[e].is("the", "a", "an", "of", "early", "late", "mid") || toks[e].lower != "" && toks[e].lower[0] >= '0' && toks[e].lower[0] <= '9') {
				e++
			}
			if e == k {
				return nil
			}
			j = e
			continue
		}
		return nil
	}
	return nil
}

// venuePastObject reads a venue of an occasion or a medium in the first
// prepositional phrase of one after the object of a stance verb at
// toks[j].
func (d *doc) venuePastObject(p *para, j, s1 int) *Venue {
	toks := p.toks
	for k := j; k < s1 && k < j+14; k++ {
		t := toks[k]
		if t.kind == tokWord && (t.is("that") || cueVerbs[t.lower] && !t.capital || t.clauseOpener() && k > j && toks[k-1].text == ",") {
			return nil
		}
		if t.kind == tokPunct && t.text != "," && t.text != "-" {
			return nil
		}
		if t.kind == tokWord && t.is("during", "at", "on", "in") && k > j {
			v := d.venueNP(p, k+1, s1, t.lower)
			if v != nil && v.Kind != graph.VenueAudience && v.Kind != graph.VenuePlace {
				return v
			}
		}
	}
	return nil
}

func (t token) clauseOpener() bool { return clauseOpeners[t.lower] }

// venueBefore reads a venue before the cue in its sentence, outside the
// source: a fronted adjunct ("In a statement, …", "At a rally Friday in
// Coral Springs, …") or an appositive participle ("Trump, speaking to a
// veterans group, said"), which may lie inside the source's span.
func (d *doc) venueBefore(p *para, s0, ci int) *Venue {
	toks := p.toks
	for k := s0; k < ci; k++ {
		// a phrase opening the sentence, or after a comma, a conjunction
		// opening it ("But in a statement, …") or a time ("A few days ago
		// in an interview")
		if k > s0 && toks[k-1].text != "," && !(k-1 == s0 && sentenceLinks[toks[s0].lower]) && !toks[k-1].is("ago") {
			continue
		}
		t := toks[k]
		if t.kind != tokWord {
			continue
		}
		// the phrase runs to the next comma before the cue
		e := k + 1
		for e < ci && toks[e].text != "," {
			e++
		}
		switch {
		case t.is("in", "at", "during", "on", "through", "via", "before"):
			if v := d.venueNP(p, k+1, e, t.lower); v != nil && v.Kind != graph.VenuePlace {
				return v
			}
		case t.is("visiting", "touring", "dedicating", "opening", "inaugurating") && k+1 < e:
			// a named place the speaker was at: "Holt, visiting the
			// Dayton Museum of Art, said"
			if v := d.venueNP(p, k+1, e, "in"); v != nil && v.Kind == graph.VenuePlace {
				return v
			}
		case t.is("speaking", "talking", "addressing", "giving", "delivering", "writing", "appearing", "testifying", "interviewed"):
			if v := d.venueAfterVerb(p, k, e); v != nil {
				return v
			}
			if k+1 < e && toks[k+1].is("at", "on", "in", "during", "before") {
				if v := d.venueNP(p, k+2, e, toks[k+1].lower); v != nil {
					return v
				}
			}
			if v := d.venueNP(p, k+1, e, ""); v != nil && v.Kind != graph.VenueAudience {
				return v
			}
		}
	}
	return nil
}

// motionWord reports whether w is a verb of moving about, whose path is
// where something shouted or chanted on the way was said: "marching",
// "moved", "walks".
func motionWord(w string) bool {
	for _, stem := range []string{"march", "walk", "mov", "parad", "wander", "loop", "roam", "stroll"} {
		if strings.HasPrefix(w, stem) && len(w) <= len(stem)+3 {
			return true
		}
	}
	return false
}

// placeNouns head a common noun phrase of a place one moves through.
var placeNouns = set(`street streets road roads avenue avenues city town village neighborhood neighbourhood
	neighborhoods neighbourhoods downtown square plaza park campus district boulevard highway crowd crowds`)

// motionPlace reads the place at toks[i] of a way through it: "the
// tree-lined street", "the city's streets".
func (d *doc) motionPlace(p *para, i, s1 int) *Venue {
	toks := p.toks
	e := i
	for e < s1 && e < i+6 && toks[e].kind == tokWord && !venueStop[toks[e].lower] &&
		!toks[e].is("in", "at", "on", "to", "of", "for", "with", "from", "by", "during", "after", "before", "around", "near") {
		e++
	}
	for e > i && timeWords[toks[e-1].lower] {
		e--
	}
	if e == i {
		return nil
	}
	h := toks[e-1]
	if h.poss || !placeNouns[h.lower] {
		return nil
	}
	return &Venue{Name: h.lower, Kind: graph.VenuePlace, Start: toks[i].start, End: h.end}
}

// capitalRun returns the first run of capitalized words in toks[i:e],
// skipping nationality words and determiners ("the US television network
// CBS" → CBS).
func capitalRun(toks []token, i, e int) (int, int) {
	for k := i; k < e; k++ {
		t := toks[k]
		if !t.capital || nationalityWords[t.lower] || determiners[t.lower] || t.kind != tokWord {
			continue
		}
		m := k + 1
		for m < e && !toks[m-1].poss && toks[m].capital && toks[m].kind == tokWord {
			m++
		}
		return k, m
	}
	return e, e
}

// mediumVenue reads a medium named in toks[i:e]: a known outlet, or a
// capitalized name next to a medium word ("the Onda Cero radio station").
func (d *doc) mediumVenue(p *para, i, e int) *Venue {
	toks := p.toks
	kind := ""
	for k := i; k < e; k++ {
		if mk := mediaWords[toks[k].lower]; mk != "" && !toks[k].capital {
			kind = mk
			break
		}
	}
	for k := i; k < e; {
		s, m := capitalRun(toks, k, e)
		if s == e {
			break
		}
		name := string(d.r[toks[s].start:toks[m-1].end])
		name = strings.TrimSuffix(strings.TrimSuffix(name, "’s"), "'s")
		if toks[m-1].poss {
			// strip a plural possessive
			name = strings.TrimRight(name, "’'")
		}
		if mk := knownMedia[strings.ToLower(name)]; mk != "" {
			return &Venue{Name: name, Kind: mk, Start: toks[s].start, End: toks[s].start + len([]rune(name))}
		}
		if mk := knownMedia[toks[s].lower]; mk != "" {
			return &Venue{Name: toks[s].text, Kind: mk, Start: toks[s].start, End: toks[s].start + len([]rune(toks[s].text))}
		}
		if kind != "" {
			return &Venue{Name: name, Kind: kind, Start: toks[s].start, End: toks[s].start + len([]rune(name))}
		}
		k = m
	}
	return nil
}
