// Package identity is the pure half of speaker identity: how names are
// split, keyed for blocking and compared, how titles are read, and how
// the evidence that two names are one person adds up to a merge, a
// candidate for review or nothing. graph applies it to the store.
package identity

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/graphd/graphd/fold"
)

// Evidence is one reason for or against taking two names for one person.
type Evidence struct {
	Kind   string  // one of the Evidence* constants
	Detail string  // what agreed or disagreed, for people to read
	Weight float64 // positive for, negative against
}

// Evidence kinds.
const (
	EvidenceSurname     = "surname"       // the same or a variant surname
	EvidenceGiven       = "given-name"    // the same or a variant given name, or an initial
	EvidenceTitle       = "title"         // the same or a conflicting title
	EvidenceVenue       = "venue"         // quoted at the same venues
	EvidenceCoNames     = "co-occurrence" // named in articles with the same people
	EvidenceQuote       = "shared-quote"  // the same quotation attributed to both
	EvidenceDecision    = "decision"      // a person decided
	EvidenceSurnameOnly = "surname-only"  // one side is a surname alone, and only one person fits
)

// Name is a folded name split into given names and a surname.
type Name struct {
	Given   []string // given and middle names, or initials
	Surname string   // the last word of the surname
	Full    string   // the whole folded name
}

// particles start a surname or join it: "Ursula von der Leyen".
var particles = map[string]bool{"von": true, "van": true, "der": true, "den": true, "de": true, "del": true,
	"la": true, "le": true, "di": true, "da": true, "bin": true, "al": true, "el": true, "ibn": true, "dos": true}

// honorifics are dropped from names.
var honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "sir": true, "dame": true, "prof": true}

// Split folds a name, drops honorifics and splits it into given names
// and a surname; particles ("von", "de") are no given names.
func Split(name string) Name { return SplitFolded(fold.String(name)) }

// SplitFolded is Split of a name already folded.
func SplitFolded(full string) Name {
	var ws []string
	for _, w := range strings.Fields(full) {
		if !honorifics[w] {
			ws = append(ws, w)
		}
	}
	p := Name{Full: full}
	if len(ws) == 0 {
		return p
	}
	p.Surname = ws[len(ws)-1]
	for _, w := range ws[:len(ws)-1] {
		if !particles[w] {
			p.Given = append(p.Given, w)
		}
	}
	return p
}

// Skeleton is a spelling-independent key of a name word: letters that
// transliterations and spellings swap are made one (v/w/b, z/s, c/k/q,
// y/j/i), digraphs folded, vowels after the first letter dropped and
// doubles collapsed. Sergey and Sergei, Albares and Alvarez, Zelensky and
// Zelenskyy agree; Trump and Tusk do not.
func Skeleton(w string) string {
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

// BlockKeys are the keys under which a speaker record is found as a
// candidate for another: "s:" and the skeleton of its surname. Names that
// share no key are never compared.
func BlockKeys(names ...string) []string {
	var out []string
	for _, n := range names {
		if p := Split(n); p.Surname != "" {
			if k := "s:" + Skeleton(p.Surname); !slices.Contains(out, k) {
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
	case len(a) >= 3 && len(b) >= 3 && Skeleton(a) == Skeleton(b) && editDistance(a, b) <= max(2, min(len(a), len(b))/3):
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
func nameEvidence(a, b Name) (ev []Evidence, veto, single bool) {
	if a.Surname == "" || b.Surname == "" {
		return nil, true, false
	}
	switch compareWord(a.Surname, b.Surname, false) {
	case nameSame:
		ev = append(ev, Evidence{EvidenceSurname, "same surname " + a.Surname, 2})
	case nameVariant:
		ev = append(ev, Evidence{EvidenceSurname, "similar surnames " + a.Surname + " and " + b.Surname, 0.5})
	default:
		return nil, true, false
	}
	if len(a.Given) == 0 || len(b.Given) == 0 {
		return ev, false, true
	}
	// Every given name of the shorter list must agree with one of the
	// longer, in order: "Jose Albares" fits "Jose Manuel Albares".
	short, long := a.Given, b.Given
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
	given := strings.Join(a.Given, " ") + " and " + strings.Join(b.Given, " ")
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

// Compatible reports whether two names may be one person: nothing in
// them disagrees.
func Compatible(a, b string) bool {
	_, veto, _ := nameEvidence(Split(a), Split(b))
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

// ParseTitle splits a title as printed ("Spanish Foreign Minister",
// "Kremlin spokesman") into a role and an organization.
func ParseTitle(t string) (role, org string) {
	words := strings.Fields(t)
	var rs, os []string
	for _, w := range words {
		n := fold.String(w)
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
		role = strings.Join(words, " ")
	}
	return role, strings.Join(os, " ")
}

// Profile is what the evidence about a cluster of speaker records is
// drawn from.
type Profile struct {
	Type   string   // the entity type of the cluster ("person", "organization", …); "" is a person
	Names  []string // names and aliases of every member
	Titles []string // folded titles
	Roles  []string // folded role parts of the titles
	Venues []string // folded names of the venues they were quoted at
	Co     []string // block keys of the people quoted beside them
}

// Add adds a speaker record to p: its names and aliases, titles, venues
// and co-quoted block keys.
func (p *Profile) Add(names, titles, venues, co []string) {
	p.Names = append(p.Names, names...)
	for _, t := range titles {
		p.Titles = appendNew(p.Titles, fold.String(t))
		role, _ := ParseTitle(t)
		p.Roles = appendNew(p.Roles, fold.String(role))
	}
	for _, v := range venues {
		p.Venues = appendNew(p.Venues, v)
	}
	for _, c := range co {
		p.Co = appendNew(p.Co, c)
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

// entityType is t, or a person when t is empty: records stored before
// speakers had types are people.
func entityType(t string) string {
	if t == "" {
		return "person"
	}
	return t
}

// Thresholds on the summed evidence weights.
const (
	mergeScore     = 4.0 // merge on their own
	mergeName      = 2.0 // of which the names must give at least this
	mergeContext   = 1.0 // and titles, venues, co-occurrences or quotes this
	candidateScore = 2.5 // offer for review
	weightQuote    = 2.0 // per quotation attributed to both, up to two
)

// Score weighs the evidence that two clusters are one person.
// Their best agreeing pair of names counts; any pair of names that cannot
// be one person vetoes. sharedQuotes is how many quotations articles gave
// to both.
func Score(a, b *Profile, sharedQuotes int) (ev []Evidence, score float64, veto bool) {
	if entityType(a.Type) != entityType(b.Type) {
		return nil, 0, true // a person and an organisation are never one
	}
	var bestName []Evidence
	best := math.Inf(-1)
	singleOnly := true
	for _, x := range a.Names {
		px := Split(x)
		for _, y := range b.Names {
			e, v, single := nameEvidence(px, Split(y))
			if v {
				// A surname alone never vetoes: "Lavrov" and "Sergey Lavrov" can
				// both be printed, and only full names disagree.
				if len(px.Given) > 0 && len(Split(y).Given) > 0 {
					return nil, 0, true
				}
				continue
			}
			if !single {
				singleOnly = false
			}
			if s := Sum(e); s > best {
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
	if t := shared(a.Titles, b.Titles); len(t) > 0 {
		ev = append(ev, Evidence{EvidenceTitle, "same title " + t[0], 1.5})
	} else if r := shared(a.Roles, b.Roles); len(r) > 0 {
		ev = append(ev, Evidence{EvidenceTitle, "same role " + r[0], 0.75})
	} else if len(a.Roles) > 0 && len(b.Roles) > 0 {
		ev = append(ev, Evidence{EvidenceTitle, fmt.Sprintf("different titles %s and %s", a.Titles[0], b.Titles[0]), -1})
	}
	if v := shared(a.Venues, b.Venues); len(v) > 0 {
		ev = append(ev, Evidence{EvidenceVenue, "quoted at " + strings.Join(v[:min(len(v), 3)], ", "), min(0.5*float64(len(v)), 1)})
	}
	if c := shared(a.Co, b.Co); len(c) > 0 {
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
	return ev, Sum(ev), false
}

// Sum adds up the weights of ev.
func Sum(ev []Evidence) float64 {
	s := 0.0
	for _, e := range ev {
		s += e.Weight
	}
	return s
}

// Verdict turns evidence into a decision: merge, review or nothing.
func Verdict(ev []Evidence, score float64) (merge, review bool) {
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

// Confidence maps an evidence score to (0, 1).
func Confidence(score float64) float64 {
	return math.Round(1000/(1+math.Exp(-(score-mergeScore+1)))) / 1000
}

// Fuller reports whether name a is fuller than b: more words, then more
// letters.
func Fuller(a, b string) bool {
	wa, wb := len(strings.Fields(a)), len(strings.Fields(b))
	if wa != wb {
		return wa > wb
	}
	return len(a) > len(b)
}
