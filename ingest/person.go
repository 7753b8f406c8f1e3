package ingest

import (
	"strings"
)

// person is someone the article names, under the fullest name it gives.
type person struct {
	name   []string // tokens of the fullest name, as printed
	key    []string // the same, folded for matching
	titles []string
	gender byte // 'm', 'f' or 0 when unknown
}

func (p *person) fullName() string { return strings.Join(p.name, " ") }

func (p *person) last() string { return p.key[len(p.key)-1] }

// mention is a place where the article names a person.
type mention struct {
	pos     int
	para    int
	person  int
	subject bool // the subject of its sentence or of a reporting verb
}

func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return foldName(strings.ToLower(s))
		}
	}
	return strings.ToLower(s) // nothing to fold, and no copy when already lower case
}

// foldName drops diacritics from common Latin letters so that José and Jose
// match.
func foldName(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case 'á', 'à', 'â', 'ä', 'ã', 'å', 'ā':
			c = 'a'
		case 'é', 'è', 'ê', 'ë', 'ē', 'ė', 'ę':
			c = 'e'
		case 'í', 'ì', 'î', 'ï', 'ī':
			c = 'i'
		case 'ó', 'ò', 'ô', 'ö', 'õ', 'ø', 'ō':
			c = 'o'
		case 'ú', 'ù', 'û', 'ü', 'ū':
			c = 'u'
		case 'ç', 'ć', 'č':
			c = 'c'
		case 'ñ', 'ń':
			c = 'n'
		case 'š', 'ś':
			c = 's'
		case 'ž', 'ź', 'ż':
			c = 'z'
		case 'ł':
			c = 'l'
		case 'ý', 'ÿ':
			c = 'y'
		case 'ğ':
			c = 'g'
		case 'ı':
			c = 'i'
		case '’':
			c = '\''
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isGiven(lower string) bool { return givenNames[lower] || femaleNames[lower] }

// isNameWord reports whether t can be part of a person's name.
func isNameWord(t token) bool {
	if t.kind != tokWord || !t.capital {
		return false
	}
	return t.cls&(classTitle|classNationality|classOrg|classCommon|classDeterminer|classCue) == 0
}

// nameStart returns where the name ends the noun phrase toks[i:e], or e
// when it has none: "Kremlin spokesman Dmitry Peskov" → Dmitry Peskov.
func nameStart(toks []token, i, e int) int {
	n := e
	for n > i {
		t := toks[n-1]
		if n < e && t.poss {
			break
		}
		if isNameWord(t) {
			n--
			continue
		}
		// Particles sit between name words: Ursula von der Leyen.
		if t.kind == tokWord && nameParticles[t.lower] && n < e {
			m := n - 1
			for m > i && nameParticles[toks[m-1].lower] {
				m--
			}
			if m > i && isNameWord(toks[m-1]) {
				n = m
				continue
			}
		}
		break
	}
	if n == e {
		return e
	}
	for n < e && nameParticles[toks[n].lower] {
		n++
	}
	if e-n > 1 {
		for g := n; g < e-1; g++ {
			if isGiven(toks[g].lower) {
				return g
			}
		}
		if e-n > 3 {
			return e - 2
		}
	}
	return n
}

// hasOrgWord reports whether any token in toks[i:e] marks an organisation.
func hasOrgWord(toks []token, i, e int) bool {
	for k := i; k < e; k++ {
		if orgWords[toks[k].lower] {
			return true
		}
	}
	return e-i == 1 && knownMedia[toks[i].lower] != ""
}

// collectPeople finds the people of the article: capitalized names with a
// given name, a title before them, or a reporting verb after them. Then it
// records every mention of them outside quotations.
func (d *doc) collectPeople() {
	type run struct{ pi, i, e, n int }
	var runs []run
	for pi := range d.paras {
		p := &d.paras[pi]
		for _, se := range p.sents {
			for i := se[0]; i < se[1]; {
				if !isNameWord(p.toks[i]) {
					i++
					continue
				}
				e := i + 1
				for e < se[1] && !p.toks[e-1].poss {
					t := p.toks[e]
					if isNameWord(t) {
						e++
						continue
					}
					if t.kind == tokWord && nameParticles[t.lower] {
						m := e
						for m < se[1] && nameParticles[p.toks[m].lower] {
							m++
						}
						if m < se[1] && isNameWord(p.toks[m]) {
							e = m
							continue
						}
					}
					break
				}
				if n := nameStart(p.toks, i, e); n < e && !p.toks[e-1].poss && !hasOrgWord(p.toks, i, e) {
					runs = append(runs, run{pi, i, e, n})
				}
				i = e
			}
		}
	}
	signal := func(r run) bool {
		p := &d.paras[r.pi]
		first := p.toks[r.n]
		if r.e-r.n >= 2 && isGiven(first.lower) {
			return true
		}
		if r.n > 0 {
			if b := p.toks[r.n-1]; b.kind == tokWord && titleWords[b.lower] {
				return true
			}
		}
		j := r.e
		for j < len(p.toks) && p.toks[j].kind == tokWord && skipWords[p.toks[j].lower] {
			j++
		}
		if j < len(p.toks) && d.isCue(p.toks[j], false) {
			return true
		}
		// Name, a foreign policy adviser …
		if j+1 < len(p.toks) && p.toks[j].text == "," {
			for k := j + 1; k < len(p.toks) && k <= j+5; k++ {
				if p.toks[k].kind != tokWord {
					break
				}
				if titleWords[p.toks[k].lower] && !p.toks[k].capital {
					return true
				}
			}
		}
		return false
	}
	// Full names first, so that a surname alone joins its person.
	for pass := 0; pass < 2; pass++ {
		for _, r := range runs {
			p := &d.paras[r.pi]
			words := p.toks[r.n:r.e]
			if (pass == 0) != (len(words) >= 2) || !signal(r) {
				continue
			}
			d.addPerson(words)
		}
	}
	for _, r := range runs {
		p := &d.paras[r.pi]
		words := p.toks[r.n:r.e]
		id := d.findPerson(words, words[0].start)
		if id < 0 {
			continue
		}
		if r.n > r.i || r.n > 0 {
			d.addTitle(id, p, r.n)
		}
		d.ments = append(d.ments, mention{pos: words[0].start, para: r.pi, person: id, subject: d.isSubject(p, r.i, r.e)})
	}
}

// isSubject reports whether the name toks[i:e] opens its sentence or is
// followed by a reporting verb.
func (d *doc) isSubject(p *para, i, e int) bool {
	j := e
	for j < len(p.toks) && p.toks[j].kind == tokWord && skipWords[p.toks[j].lower] {
		j++
	}
	if j < len(p.toks) && d.isCue(p.toks[j], false) {
		return true
	}
	for _, se := range p.sents {
		if i < se[0] || i >= se[1] {
			continue
		}
		for k := se[0]; k < i; k++ {
			t := p.toks[k]
			if t.kind != tokWord || !(t.capital || titleWords[t.lower] || nationalityWords[t.lower] || determiners[t.lower] || t.poss) {
				return false
			}
		}
		return true
	}
	return false
}

// addTitle records the title printed before the name at toks[n]:
// "Russian Foreign Minister" Sergey Lavrov.
func (d *doc) addTitle(id int, p *para, n int) {
	i := n
	hasTitle := false
	for i > 0 {
		t := p.toks[i-1]
		if t.kind != tokWord || cueVerbs[t.lower] && !t.capital {
			break
		}
		if titleWords[t.lower] {
			hasTitle = true
			i--
			continue
		}
		if t.capital && !(determiners[t.lower]) && !(commonCapitalized[t.lower] && !nationalityWords[t.lower]) {
			i--
			continue
		}
		if nationalityWords[t.lower] || t.is("of", "for", "and") && i-2 >= 0 && p.toks[i-2].capital {
			i--
			continue
		}
		if !t.capital && hasTitle && !commonCapitalized[t.lower] && !skipWords[t.lower] && len(t.lower) > 2 && i < n && titleWords[p.toks[i].lower] {
			// sovereign wealth fund chief
			i--
			continue
		}
		break
	}
	for i < n && p.toks[i].is("of", "for", "and", "the") {
		i++
	}
	if !hasTitle || i >= n {
		return
	}
	title := string(d.r[p.toks[i].start:p.toks[n-1].end])
	d.people[id].addTitle(title)
}

func (p *person) addTitle(t string) {
	for _, have := range p.titles {
		if strings.EqualFold(have, t) {
			return
		}
	}
	p.titles = append(p.titles, t)
}

func nameKey(words []token) []string {
	k := make([]string, 0, len(words))
	for _, w := range words {
		if nameParticles[w.lower] {
			continue
		}
		k = append(k, fold(strings.TrimSuffix(w.text, ".")))
	}
	return k
}

// addPerson registers a name, merging it with a known person when the
// surnames agree and the given names do not conflict.
func (d *doc) addPerson(words []token) int {
	key := nameKey(words)
	if len(key) == 0 {
		return -1
	}
	names := make([]string, len(words))
	for i, w := range words {
		names[i] = w.text
	}
	for id, p := range d.people {
		if p.last() != key[len(key)-1] {
			continue
		}
		if len(key) >= 2 && len(p.key) >= 2 && !givenCompatible(p.key[0], key[0]) {
			continue
		}
		if len(key) > len(p.key) {
			p.name, p.key = names, key
		}
		return id
	}
	p := &person{name: names, key: key}
	first := strings.ToLower(words[0].text)
	if len(key) >= 2 {
		switch {
		case femaleNames[first]:
			p.gender = 'f'
		case givenNames[first]:
			p.gender = 'm'
		}
	}
	d.people = append(d.people, p)
	return len(d.people) - 1
}

// givenCompatible: the same given name, or an initial of it.
func givenCompatible(a, b string) bool {
	if a == b {
		return true
	}
	a, b = strings.TrimSuffix(a, "."), strings.TrimSuffix(b, ".")
	return len(a) == 1 && strings.HasPrefix(b, a) || len(b) == 1 && strings.HasPrefix(a, b)
}

// findPerson finds the person a name refers to, or -1. A surname alone goes
// to the person with that surname mentioned last before pos.
func (d *doc) findPerson(words []token, pos int) int {
	key := nameKey(words)
	if len(key) == 0 {
		return -1
	}
	lastKey := key[len(key)-1]
	best, bestPos := -1, -1
	for id, p := range d.people {
		if p.last() != lastKey {
			continue
		}
		if len(key) >= 2 && len(p.key) >= 2 && !givenCompatible(p.key[0], key[0]) {
			continue
		}
		mp := d.lastMention(id, pos)
		if best < 0 || mp > bestPos {
			best, bestPos = id, mp
		}
	}
	if best >= 0 || len(key) > 1 {
		return best
	}
	// A given name alone: "Hillary".
	for id, p := range d.people {
		if len(p.key) >= 2 && p.key[0] == lastKey {
			return id
		}
	}
	return -1
}

func (d *doc) lastMention(id, pos int) int {
	best := -1
	for _, m := range d.ments {
		if m.person == id && m.pos < pos && m.pos > best {
			best = m.pos
		}
	}
	return best
}

// resolvePronoun finds the person a pronoun at pos refers to: the most
// recent subject of a compatible gender in this or the two paragraphs
// before, else the most recent compatible person.
func (d *doc) resolvePronoun(pos, pi int, gender byte) int {
	best := -1
	bestSubj, bestSubjPos, bestPos := -1, -1, -1
	for _, m := range d.ments {
		if m.pos >= pos || m.para < pi-2 || !compatible(d.people[m.person].gender, gender) {
			continue
		}
		if m.subject && m.pos > bestSubjPos {
			bestSubj, bestSubjPos = m.person, m.pos
		}
		if m.pos > bestPos {
			best, bestPos = m.person, m.pos
		}
	}
	if bestSubj >= 0 {
		return bestSubj
	}
	return best
}

func compatible(have, want byte) bool {
	return have == 0 || want == 0 || have == want
}

// resolveRole finds the person a role noun phrase ("the Republican leader",
// "the minister") refers to: the last person who holds that title, else
// the first person named in the same sentence, else as a pronoun.
func (d *doc) resolveRole(head string, pos, pi, sentStart int) int {
	best, bestPos := -1, -1
	for _, m := range d.ments {
		if m.pos >= pos {
			continue
		}
		for _, t := range d.people[m.person].titles {
			for _, w := range strings.Fields(strings.ToLower(t)) {
				if w == head && m.pos > bestPos {
					best, bestPos = m.person, m.pos
				}
			}
		}
	}
	if best >= 0 {
		return best
	}
	for _, m := range d.ments {
		if m.pos >= sentStart && m.pos < pos {
			return m.person
		}
	}
	return d.resolvePronoun(pos, pi, 0)
}

// setSpeaker records the noun phrase toks[i:e] as the source of a and
// resolves it to a person, an organisation or nobody.
func (d *doc) setSpeaker(a *attr, p *para, i, e int) {
	toks := p.toks
	a.src = &Mention{Text: string(d.r[toks[i].start:toks[e-1].end]), Start: toks[i].start, End: toks[e-1].end}
	a.person, a.name, a.titles = -1, "", nil
	if e-i == 1 && isPronounTok(toks[i]) {
		g := personPronouns[toks[i].lower]
		if g == "pl" {
			return
		}
		var gender byte
		if g != "" {
			gender = g[0]
		}
		if id := d.resolvePronoun(toks[i].start, a.para, gender); id >= 0 {
			a.person = id
			if gender != 0 && d.people[id].gender == 0 {
				d.people[id].gender = gender
			}
			d.noteSpeaker(id, a.para, toks[i].start)
		}
		return
	}
	n := nameStart(toks, i, e)
	if n < e && !hasOrgWord(toks, n, e) {
		id := d.findPerson(toks[n:e], toks[n].start)
		if id < 0 {
			id = d.addPerson(toks[n:e])
		}
		a.person = id
		if n > i {
			d.addTitle(id, p, n)
		}
		d.noteSpeaker(id, a.para, toks[n].start)
		return
	}
	if d.npIsRole(p, i, e) {
		head := toks[e-1].lower
		sentStart := toks[i].start
		for _, se := range p.sents {
			if i >= se[0] && i < se[1] {
				sentStart = toks[se[0]].start
			}
		}
		if id := d.resolveRole(head, toks[i].start, a.para, sentStart); id >= 0 {
			a.person = id
			d.noteSpeaker(id, a.para, toks[i].start)
		}
		return
	}
	// An organisation: the capitalized words of the phrase.
	j := i
	for j < e && determiners[toks[j].lower] {
		j++
	}
	if j < e && (toks[j].capital || hasOrgWord(toks, j, e)) && d.npHasCapital(p, j, e) {
		a.name = strings.TrimSpace(string(d.r[toks[j].start:toks[e-1].end]))
	}
}

func (d *doc) npHasCapital(p *para, i, e int) bool {
	for k := i; k < e; k++ {
		if p.toks[k].capital && !nationalityWords[p.toks[k].lower] {
			return true
		}
	}
	return false
}

// noteSpeaker records that a person spoke at pos, so that a later pronoun
// prefers them.
func (d *doc) noteSpeaker(id, pi, pos int) {
	m := mention{pos: pos, para: pi, person: id, subject: true}
	k := len(d.ments)
	for k > 0 && d.ments[k-1].pos > pos {
		k--
	}
	if k > 0 && d.ments[k-1].pos == pos {
		d.ments[k-1].subject = true
		d.ments[k-1].person = id
		return
	}
	d.ments = append(d.ments, mention{})
	copy(d.ments[k+1:], d.ments[k:])
	d.ments[k] = m
}

// npIsRole reports whether toks[i:e] is a singular role noun phrase ("the
// Republican leader") with no name in it.
func (d *doc) npIsRole(p *para, i, e int) bool {
	last := p.toks[e-1]
	if !titleWords[last.lower] || strings.HasSuffix(last.lower, "s") && titleWords[strings.TrimSuffix(last.lower, "s")] {
		return false
	}
	return nameStart(p.toks, i, e) == e
}

func (d *doc) npHasName(p *para, i, e int) bool {
	n := nameStart(p.toks, i, e)
	return n < e && !hasOrgWord(p.toks, n, e)
}

func isFunctionWord(l string) bool { return commonCapitalized[l] || skipWords[l] }

// npBackward finds the noun phrase that ends right before toks[k], the
// subject of a reporting verb: "Kremlin spokesman Dmitry Peskov", "he",
// "the Republican leader". It skips adverbs and auxiliaries between them
// and an appositive between commas. It returns i == e when there is none.
func npBackward(toks []token, s0, k int) (int, int) {
	j := k
	for j > s0 {
		t := toks[j-1]
		if t.kind == tokWord && skipWords[t.lower] && !isNameWord(t) || t.kind == tokWord && isDay(t.lower) {
			j--
			continue
		}
		break
	}
	if j > s0 && toks[j-1].text == "," {
		m := j - 2
		for m > s0 && toks[m].text != "," {
			m--
		}
		if m > s0 && toks[m].text == "," && j-1-m <= 14 {
			j = m
		} else {
			return k, k
		}
	}
	e := j
	hasTitle := false
	for j > s0 {
		t := toks[j-1]
		if t.kind != tokWord {
			break
		}
		if isPronounTok(t) {
			if j == e && !t.is("him", "her", "you") {
				j--
			}
			break
		}
		if determiners[t.lower] {
			if j < e {
				j--
			}
			break
		}
		if t.capital && !(j-1 == s0 && (commonCapitalized[t.lower] && !nationalityWords[t.lower] || cueVerbs[t.lower])) {
			j--
			continue
		}
		if t.capital {
			break
		}
		if titleWords[t.lower] || nationalityWords[t.lower] || orgWords[t.lower] || mediaWords[t.lower] != "" {
			hasTitle = hasTitle || titleWords[t.lower]
			j--
			continue
		}
		if nameParticles[t.lower] && j < e && toks[j].capital {
			m := j - 1
			for m > s0 && nameParticles[toks[m-1].lower] {
				m--
			}
			if m > s0 && toks[m-1].capital {
				j = m
				continue
			}
		}
		if t.is("of", "for", "and") && j-2 >= s0 && toks[j-2].capital && j < e && toks[j].capital {
			j--
			continue
		}
		if hasTitle && !isFunctionWord(t.lower) && !cueVerbs[t.lower] && len(t.lower) > 2 {
			// foreign policy adviser, sovereign wealth fund chief
			j--
			continue
		}
		break
	}
	for j < e && toks[j].is("of", "for", "and") {
		j++
	}
	if j == e {
		return k, k
	}
	last := toks[e-1]
	if !(last.capital || titleWords[last.lower] || isPronounTok(last) || orgWords[last.lower] || mediaWords[last.lower] != "") {
		return k, k
	}
	if e-j == 1 && last.capital && commonCapitalized[last.lower] && !isPronounTok(last) {
		return k, k
	}
	return j, e
}

func isDay(l string) bool {
	switch l {
	case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday":
		return true
	}
	return false
}

// npForward finds a noun phrase starting at toks[i] and returns its end,
// or i when there is none.
func npForward(toks []token, i, s1 int) int {
	if i >= s1 || toks[i].kind != tokWord {
		return i
	}
	if isPronounTok(toks[i]) {
		if toks[i].is("him", "her", "you") {
			return i
		}
		return i + 1
	}
	j := i
	if determiners[toks[j].lower] {
		j++
	}
	start := j
	for j < s1 {
		t := toks[j]
		if t.kind != tokWord || cueVerbs[t.lower] && !t.capital {
			break
		}
		if t.capital || titleWords[t.lower] || nationalityWords[t.lower] || orgWords[t.lower] || mediaWords[t.lower] != "" {
			j++
			if t.poss && j < s1 && !toks[j].capital && !titleWords[toks[j].lower] && mediaWords[toks[j].lower] == "" {
				break
			}
			continue
		}
		if (nameParticles[t.lower] || t.is("of", "for", "and")) && j > start && j+1 < s1 && toks[j-1].capital && toks[j+1].capital {
			j++
			continue
		}
		// lowercase modifiers before a title: foreign policy adviser
		if !isFunctionWord(t.lower) && len(t.lower) > 2 {
			k := j + 1
			for k < s1 && k <= j+3 && toks[k].kind == tokWord && !titleWords[toks[k].lower] && !isFunctionWord(toks[k].lower) {
				k++
			}
			if k < s1 && titleWords[toks[k].lower] {
				j = k + 1
				continue
			}
		}
		break
	}
	if j == start {
		return i
	}
	return j
}
