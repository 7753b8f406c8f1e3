package ingest

import (
	"strings"

	"github.com/graphd/graphd/graph"
)

// venueIn finds where a quotation was said in toks[from:to] of the
// attribution: the object of "told" (a medium, an audience, an event), or a
// phrase such as "in an interview with …", "at a news conference in …",
// "in a statement on X", "on CNN". cueAt is the reporting verb, or -1.
func (d *doc) venueIn(p *para, cueAt, from, to int) *Venue {
	toks := p.toks
	if cueAt >= 0 {
		switch toks[cueAt].lower {
		case "told", "tell", "tells", "telling":
			if v := d.venueObject(p, cueAt+1, to); v != nil {
				return v
			}
		case "tweeted", "tweet", "tweets", "tweeting":
			t := toks[cueAt]
			return &Venue{Name: "Twitter", Kind: graph.VenueSocial, Start: t.start, End: t.end}
		}
	}
	for j := from; j < to; j++ {
		t := toks[j]
		if t.kind == tokQuote {
			continue
		}
		if t.is("in", "at", "during", "on", "before", "after", "to", "from", "with", "via") {
			if v := d.venuePhrase(p, j, to); v != nil {
				return v
			}
		}
	}
	return nil
}

// phraseEnd collects a short noun phrase from i: words, possessives and
// hyphens, up to a comma, a quotation or a clause word.
func phraseEnd(toks []token, i, to int) int {
	j := i
	for j < to && j-i < 10 {
		t := toks[j]
		if t.kind != tokWord || t.is("that", "and", "but", "as", "when", "before", "after", "while", "because", "if") {
			break
		}
		j++
	}
	return j
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

// venueObject reads the object of "told": a medium, an audience, an event.
func (d *doc) venueObject(p *para, i, to int) *Venue {
	toks := p.toks
	if i >= to || toks[i].kind != tokWord || isPronounTok(toks[i]) {
		return nil
	}
	e := phraseEnd(toks, i, to)
	// stop before a following prepositional phrase unless it belongs to an event
	for k := i; k < e; k++ {
		if toks[k].is("on", "before", "after", "during", "last", "this", "about", "of", "at") && k > i {
			e = k
			break
		}
	}
	if e == i {
		return nil
	}
	if v := d.eventVenue(p, i, e, to); v != nil {
		return v
	}
	for k := i; k < e; k++ {
		if audienceWords[toks[k].lower] && !toks[k].capital {
			return &Venue{Name: toks[k].text, Kind: graph.VenueAudience, Start: toks[k].start, End: toks[k].end}
		}
	}
	return d.mediumVenue(p, i, e)
}

// eventVenue reads an event or a communication in toks[i:e] ("a news
// conference in Moscow", "the emergency meeting", "an interview with …").
func (d *doc) eventVenue(p *para, i, e, to int) *Venue {
	toks := p.toks
	for k := i; k < e && k < i+5; k++ {
		kind := venueHeads[toks[k].lower]
		if kind == "" || toks[k].capital && k > i {
			continue
		}
		start := i
		for start < k && (determiners[toks[start].lower] || toks[start].is("a", "an")) {
			start++
		}
		end := k + 1
		switch kind {
		case graph.VenueInterview:
			// in an interview with the Onda Cero radio station
			if end < to && toks[end].is("with", "on", "to") {
				oe := phraseEnd(toks, end+1, to)
				if v := d.mediumVenue(p, end+1, oe); v != nil {
					return v
				}
				if s, m := capitalRun(toks, end+1, oe); s < oe {
					return &Venue{Name: string(d.r[toks[s].start:toks[m-1].end]), Kind: graph.VenueInterview, Start: toks[s].start, End: toks[m-1].end}
				}
			}
		case graph.VenueStatement, graph.VenueSocial:
			// in a statement on X
			if end+1 < to && toks[end].is("on", "via") {
				if mk := knownMedia[toks[end+1].lower]; mk != "" {
					t := toks[end+1]
					return &Venue{Name: t.text, Kind: mk, Start: t.start, End: t.end}
				}
			}
		case graph.VenueEvent:
			// at a news conference in Moscow
			if end+1 < to && toks[end].is("in", "at") && toks[end+1].capital {
				m := end + 2
				for m < to && toks[m].capital && toks[m].kind == tokWord {
					m++
				}
				end = m
			}
		}
		name := string(d.r[toks[start].start:toks[end-1].end])
		return &Venue{Name: name, Kind: kind, Start: toks[start].start, End: toks[end-1].end}
	}
	return nil
}

// venuePhrase reads a venue in the prepositional phrase that starts at
// toks[j].
func (d *doc) venuePhrase(p *para, j, to int) *Venue {
	toks := p.toks
	e := phraseEnd(toks, j+1, to)
	if e == j+1 {
		return nil
	}
	if v := d.eventVenue(p, j+1, e, to); v != nil {
		return v
	}
	if toks[j].is("on", "via") {
		// on CNN, on Fox News, on X
		if v := d.mediumVenue(p, j+1, e); v != nil {
			return v
		}
	}
	return nil
}
