package graph

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// This file holds the pure half of speaker identity: how names are split,
// keyed and compared, how titles are read, and how the evidence for two
// names being one person adds up. resolve.go applies it to the store.

// personName is a normalized name split into given names and a surname.
type personName struct {
	given []string // given and middle names, or initials
	sur   string   // the last word of the surname
	full  string   // the whole normalized name
}

// particles start a surname or join it: "Ursula von der Leyen".
var particles = map[string]bool{"von": true, "van": true, "der": true, "den": true, "de": true, "del": true,
	"la": true, "le": true, "di": true, "da": true, "bin": true, "al": true, "el": true, "ibn": true, "dos": true}

// honorifics are dropped from names.
var honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "sir": true, "dame": true, "prof": true}

func splitName(name string) personName {
	full := normalize(name)
	var ws []string
	for _, w := range strings.Fields(full) {
		if !honorifics[w] {
			ws = append(ws, w)
		}
	}
	p := personName{full: full}
	if len(ws) == 0 {
		return p
	}
	p.sur = ws[len(ws)-1]
	for _, w := range ws[:len(ws)-1] {
		if !particles[w] {
			p.given = append(p.given, w)
		}
	}
	return p
}

// skeleton is a spelling-independent key of a name word: letters that
// transliterations and spellings swap are made one (v/w/b, z/s, c/k/q,
// y/j/i), digraphs folded, vowels after the first letter dropped and
// doubles collapsed. Sergey and Sergei, Albares and Alvarez, Zelensky and
// Zelenskyy agree; Trump and Tusk do not.
func skeleton(w string) string {
	for _, r := range [][2]string{{"sch", "s"}, {"tch", "k"}, {"sh", "s"}, {"zh", "s"}, {"ch", "k"}, {"kh", "k"},
		{"ph", "f"}, {"th", "t"}, {"ck", "k"}, {"ts", "s"}, {"tz", "s"}, {"dz", "s"}, {"x", "ks"}} {
		w = strings.ReplaceAll(w, r[0], r[1])
	}
	var b []byte
	for i, c := range []byte(w) {
		switch c {
		case 'v', 'w':
			c = 'b'
		case 'z':
			c = 's'
		case 'c', 'q':
			c = 'k'
		case 'y', 'j':
			c = 'i'
		}
		vowel := c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
		if i > 0 && vowel {
			continue
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// blockKeys are the keys under which a speaker record is found as a
// candidate for another: the skeleton of its surname. Names that share no
// key are never compared.
func nameBlockKeys(names ...string) []string {
	var out []string
	for _, n := range names {
		if p := splitName(n); p.sur != "" {
			if k := "s:" + skeleton(p.sur); !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// givenVariants groups given names that are one name in another
// transliteration or as a nickname.
var givenVariants = func() map[string]int {
	groups := []string{
		"sergey sergei sergej serguei serhiy serhii",
		"dmitry dmitri dmitriy dimitri dmytro",
		"kirill kiril kyrylo cyril",
		"yuri yury yuriy iurii yurii",
		"volodymyr vladimir wolodymyr volodimir voldimi",
		"alexander aleksandr alexandr oleksandr alex sasha alexandre alejandro",
		"alexei alexey aleksei oleksiy",
		"mikhail mykhailo michael mike mikhael",
		"andrei andrey andriy andrew andre",
		"nikolai nikolay mykola nicholas nick",
		"yevgeny evgeny yevgeniy eugene",
		"maria mariya marija",
		"yulia yuliya julia",
		"olena elena yelena helen",
		"petro pyotr peter pete",
		"william bill will billy",
		"robert bob rob bobby",
		"richard rick dick",
		"james jim jimmy",
		"joseph joe",
		"jose josep",
		"john jack johnny",
		"edward ed ted",
		"thomas tom",
		"anthony tony antonio",
		"steven stephen steve",
		"daniel dan danny",
		"charles charlie chuck",
		"christopher chris",
		"benjamin ben bibi",
		"elizabeth liz beth",
		"katherine catherine kate kathy",
		"margaret maggie meg",
		"jennifer jen",
		"donald don",
		"muhammad mohammed mohammad mohamed",
		"recep receptacle",
	}
	m := map[string]int{}
	for i, g := range groups {
		for _, w := range strings.Fields(g) {
			m[w] = i + 1
		}
	}
	return m
}()

// Name agreement of two words.
const (
	nameConflict = iota
	nameInitial
	nameVariant
	nameSame
)

// compareWord says how two given names or two surnames agree.
func compareWord(a, b string, given bool) int {
	switch {
	case a == b:
		return nameSame
	case given && (len(a) == 1 || len(b) == 1):
		if a[0] == b[0] {
			return nameInitial
		}
		return nameConflict
	case given && givenVariants[a] != 0 && givenVariants[a] == givenVariants[b]:
		return nameVariant
	case len(a) >= 3 && len(b) >= 3 && skeleton(a) == skeleton(b) && editDistance(a, b) <= max(2, min(len(a), len(b))/3):
		return nameVariant
	}
	return nameConflict
}

// editDistance is the Levenshtein distance of two short words, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// nameEvidence compares two names. veto is true when they cannot be one
// person (another surname, another given name); single is true when one
// of them is a surname alone.
func nameEvidence(a, b personName) (ev []Evidence, veto, single bool) {
	if a.sur == "" || b.sur == "" {
		return nil, true, false
	}
	switch compareWord(a.sur, b.sur, false) {
	case nameSame:
		ev = append(ev, Evidence{EvidenceSurname, "same surname " + a.sur, 2})
	case nameVariant:
		ev = append(ev, Evidence{EvidenceSurname, "similar surnames " + a.sur + " and " + b.sur, 0.5})
	default:
		return nil, true, false
	}
	if len(a.given) == 0 || len(b.given) == 0 {
		return ev, false, true
	}
	// Every given name of the shorter list must agree with one of the
	// longer, in order: "Jose Albares" fits "Jose Manuel Albares".
	short, long := a.given, b.given
	if len(short) > len(long) {
		short, long = long, short
	}
	best := nameSame
	j := 0
	for _, g := range short {
		found := false
		for ; j < len(long); j++ {
			if c := compareWord(g, long[j], true); c != nameConflict {
				best = min(best, c)
				found = true
				j++
				break
			}
		}
		if !found {
			return nil, true, false
		}
	}
	given := strings.Join(a.given, " ") + " and " + strings.Join(b.given, " ")
	switch best {
	case nameSame:
		ev = append(ev, Evidence{EvidenceGiven, "same given names " + strings.Join(short, " "), 1.5})
	case nameVariant:
		ev = append(ev, Evidence{EvidenceGiven, "variant given names " + given, 1})
	case nameInitial:
		ev = append(ev, Evidence{EvidenceGiven, "initials fit " + given, 0.3})
	}
	return ev, false, false
}

// namesCompatible reports whether two names may be one person: they share
// a block key and nothing in them disagrees.
func namesCompatible(a, b string) bool {
	_, veto, _ := nameEvidence(splitName(a), splitName(b))
	return !veto
}

// roleWords are the words a title's role is made of; the other words of a
// title name its organization or country.
var roleWords = map[string]bool{
	"minister": true, "foreign": true, "prime": true, "deputy": true, "secretary": true, "state": true,
	"president": true, "vice": true, "chancellor": true, "spokesman": true, "spokeswoman": true, "spokesperson": true,
	"adviser": true, "advisor": true, "chief": true, "head": true, "leader": true, "envoy": true, "special": true,
	"ambassador": true, "general": true, "director": true, "chairman": true, "chair": true, "governor": true,
	"senator": true, "representative": true, "commissioner": true, "defence": true, "defense": true, "finance": true,
	"interior": true, "security": true, "national": true, "policy": true, "high": true, "senior": true, "official": true,
	"king": true, "queen": true, "mayor": true, "speaker": true, "ceo": true, "executive": true, "correspondent": true,
	"editor": true, "reporter": true, "analyst": true, "economy": true, "trade": true, "justice": true, "health": true,
	"of": true, "for": true, "the": true, "and": true, "affairs": true, "sovereign": true, "wealth": true, "fund": true,
}

// countries maps nationality adjectives to the country a title names.
var countries = map[string]string{
	"russian": "Russia", "spanish": "Spain", "us": "United States", "american": "United States", "polish": "Poland",
	"ukrainian": "Ukraine", "turkish": "Turkey", "french": "France", "german": "Germany", "british": "United Kingdom",
	"uk": "United Kingdom", "chinese": "China", "italian": "Italy", "israeli": "Israel", "iranian": "Iran",
	"saudi": "Saudi Arabia", "european": "European Union", "eu": "European Union", "japanese": "Japan",
	"indian": "India", "canadian": "Canada", "brazilian": "Brazil", "mexican": "Mexico", "dutch": "Netherlands",
	"portuguese": "Portugal", "greek": "Greece", "swedish": "Sweden", "finnish": "Finland", "norwegian": "Norway",
	"hungarian": "Hungary", "romanian": "Romania", "czech": "Czech Republic", "belgian": "Belgium", "austrian": "Austria",
}

// parseTitle splits a title as printed ("Spanish Foreign Minister",
// "Kremlin spokesman") into a role and an organization.
func parseTitle(t string) (role, org string) {
	words := strings.Fields(clean(t))
	var rs, os []string
	for _, w := range words {
		n := normalize(w)
		switch {
		case countries[n] != "" && len(rs) == 0:
			os = append(os, countries[n])
		case roleWords[n]:
			rs = append(rs, w)
		case len(rs) == 0:
			os = append(os, w)
		default:
			rs = append(rs, w)
		}
	}
	role = strings.Trim(strings.Join(rs, " "), " ,")
	if role == "" {
		role = clean(t)
	}
	return role, strings.Join(os, " ")
}

// titleKey is the normalized title, for comparing titles.
func titleKey(t string) string { return normalize(t) }

// profile of a cluster of speaker records: what evidence is drawn from.
type speakerProfile struct {
	typ    string   // the speaker type of the cluster, "" read as a person
	names  []string // names and aliases of every member
	titles []string // normalized titles
	roles  []string // normalized role parts of the titles
	venues []string
	co     []string
}

func (p *speakerProfile) add(r *speakerRec) {
	if p.typ == "" {
		p.typ = speakerType(r.Type)
	}
	p.names = append(p.names, r.Name)
	p.names = append(p.names, r.Aliases...)
	for _, t := range r.Titles {
		p.titles = appendNew(p.titles, titleKey(t))
		role, _ := parseTitle(t)
		p.roles = appendNew(p.roles, normalize(role))
	}
	for _, v := range r.Venues {
		p.venues = appendNew(p.venues, v)
	}
	for _, c := range r.Co {
		p.co = appendNew(p.co, c)
	}
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func shared(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// Thresholds on the summed evidence weights.
const (
	mergeScore     = 4.0 // merge on their own
	mergeName      = 2.0 // of which the names must give at least this
	mergeContext   = 1.0 // and titles, venues, co-occurrences or quotes this
	candidateScore = 2.5 // offer for review
	weightQuote    = 2.0 // per quotation attributed to both, up to two
)

// scoreProfiles weighs the evidence that two clusters are one person.
// Their best agreeing pair of names counts; any pair of names that cannot
// be one person vetoes. sharedQuotes is how many quotations articles gave
// to both.
func scoreProfiles(a, b *speakerProfile, sharedQuotes int) (ev []Evidence, score float64, veto bool) {
	if speakerType(a.typ) != speakerType(b.typ) {
		return nil, 0, true // a person and an organisation are never one
	}
	var bestName []Evidence
	best := math.Inf(-1)
	singleOnly := true
	for _, x := range a.names {
		px := splitName(x)
		for _, y := range b.names {
			e, v, single := nameEvidence(px, splitName(y))
			if v {
				// A surname alone never vetoes: "Lavrov" and "Sergey Lavrov" can
				// both be printed, and only full names disagree.
				if len(px.given) > 0 && len(splitName(y).given) > 0 {
					return nil, 0, true
				}
				continue
			}
			if !single {
				singleOnly = false
			}
			if s := sum(e); s > best {
				best, bestName = s, e
			}
		}
	}
	if bestName == nil {
		return nil, 0, true
	}
	ev = append(ev, bestName...)
	if singleOnly {
		ev = append(ev, Evidence{EvidenceSurnameOnly, "one name is a surname alone", 0})
	}
	if t := shared(a.titles, b.titles); len(t) > 0 {
		ev = append(ev, Evidence{EvidenceTitle, "same title " + t[0], 1.5})
	} else if r := shared(a.roles, b.roles); len(r) > 0 {
		ev = append(ev, Evidence{EvidenceTitle, "same role " + r[0], 0.75})
	} else if len(a.roles) > 0 && len(b.roles) > 0 {
		ev = append(ev, Evidence{EvidenceTitle, fmt.Sprintf("different titles %s and %s", a.titles[0], b.titles[0]), -1})
	}
	if v := shared(a.venues, b.venues); len(v) > 0 {
		ev = append(ev, Evidence{EvidenceVenue, "quoted at " + strings.Join(v[:min(len(v), 3)], ", "), min(0.5*float64(len(v)), 1)})
	}
	if c := shared(a.co, b.co); len(c) > 0 {
		w := 0.5
		switch {
		case len(c) >= 4:
			w = 1.5
		case len(c) >= 2:
			w = 1
		}
		ev = append(ev, Evidence{EvidenceCoNames, fmt.Sprintf("named beside the same %d people", len(c)), w})
	}
	if sharedQuotes > 0 {
		ev = append(ev, Evidence{EvidenceQuote, fmt.Sprintf("%d quotation(s) attributed to both", sharedQuotes), weightQuote * float64(min(sharedQuotes, 2))})
	}
	return ev, sum(ev), false
}

func sum(ev []Evidence) float64 {
	s := 0.0
	for _, e := range ev {
		s += e.Weight
	}
	return s
}

// verdict turns evidence into a decision: merge, review or nothing.
func verdict(ev []Evidence, score float64) (merge, review bool) {
	var name, context float64
	for _, e := range ev {
		switch e.Kind {
		case EvidenceSurname, EvidenceGiven:
			name += e.Weight
		default:
			context += e.Weight
		}
	}
	if score >= mergeScore && name >= mergeName && context >= mergeContext {
		return true, false
	}
	return false, score >= candidateScore
}

// confidence maps an evidence score to (0, 1).
func confidence(score float64) float64 {
	return math.Round(1000/(1+math.Exp(-(score-mergeScore+1)))) / 1000
}
