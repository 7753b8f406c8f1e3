package graph_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// The generated corpus: people with name variants (transliterations,
// nicknames, diacritics, initials, a surname alone, machine-mangled
// letters), confusable pairs (one surname and two people, one given name
// and two people, surnames a letter apart), and statements that articles
// reprint with controlled edits (exact, cut, words swapped, reordered,
// typos, paraphrased). Every article names its speakers one way and says
// who is who only to the test, which then scores the store's speaker
// merges and quote groups pair by pair.

type person struct {
	id             int
	given, surname string
	givenVariants  []string
	surVariants    []string
	title          string
	circle         int
	venues         []string
}

type statement struct {
	id      int
	speaker int
	words   []string
	date    time.Time
}

type genOcc struct {
	article int
	text    string
	stmt    int
	person  int
	name    string
	edit    string
}

type genCorpus struct {
	people   []person
	articles []graph.ArticleInput
	occs     []genOcc
	names    map[string]int // name as printed → person
}

var (
	givenPool = [][]string{
		{"Sergey", "Sergei"}, {"Dmitry", "Dmitri", "Dmitriy"}, {"Kirill", "Kiril"}, {"Yuri", "Yury", "Yuriy"},
		{"Alexander", "Aleksandr", "Alexandr"}, {"Mikhail", "Mykhailo"}, {"Andrei", "Andrey", "Andriy"},
		{"Nikolai", "Nikolay"}, {"Yevgeny", "Evgeny"}, {"William", "Bill"}, {"Robert", "Bob"}, {"Joseph", "Joe"},
		{"Katherine", "Kate"}, {"Elizabeth", "Liz"}, {"Anthony", "Tony"}, {"José", "Jose"}, {"François", "Francois"},
		{"Jürgen", "Jurgen"}, {"Maria"}, {"Olaf"}, {"Donald"}, {"Peter"}, {"Anna"}, {"Ursula"}, {"Kaja"}, {"Marco"},
		{"Emmanuel"}, {"Pedro"}, {"Giorgia"}, {"Viktor"}, {"Keir"}, {"Friedrich"}, {"Mette"}, {"Helena"}, {"Tomas"},
	}
	surnamePool = [][]string{
		{"Zelensky", "Zelenskyy", "Zelenskiy"}, {"Lavrov"}, {"Peskov"}, {"Shoigu"}, {"Sánchez", "Sanchez"},
		{"Müller", "Mueller"}, {"Albares"}, {"Kallas"}, {"Rubio"}, {"Macron"}, {"Scholz"}, {"Meloni"}, {"Orbán", "Orban"},
		{"Starmer"}, {"Merz"}, {"Frederiksen"}, {"Dmitriev"}, {"Ushakov"}, {"Nebenzya", "Nebenzia"}, {"Kuleba"},
		{"Sybiha"}, {"Yermak"}, {"Tusk"}, {"Sikorski"}, {"Fico"}, {"Vučić", "Vucic"}, {"Erdoğan", "Erdogan"},
		{"Fidan"}, {"Lammy"}, {"Barrot"}, {"Wadephul"}, {"Tajani"}, {"Borrell"}, {"Rutte"}, {"Stoltenberg"},
		{"Witkoff"}, {"Waltz"}, {"Vance"}, {"Hegseth"}, {"Kellogg"}, {"Stefanchuk"}, {"Shmyhal"}, {"Umerov"},
		{"Budanov"}, {"Syrskyi", "Syrsky"}, {"Nuland"}, {"Blinken"}, {"Austin"}, {"Sullivan"}, {"Kirby"},
	}
	countries = []string{"Russian", "Ukrainian", "Spanish", "German", "French", "Polish", "Italian", "Turkish",
		"British", "Dutch", "Hungarian", "Danish", "Estonian", "Slovak", "Serbian", "US"}
	roles = []string{"Foreign Minister", "Prime Minister", "Defence Minister", "President", "government spokesman",
		"Finance Minister", "Interior Minister", "national security adviser", "ambassador to the UN", "chief of staff"}
	verbs = []string{"said", "told reporters", "said in an interview", "wrote on X", "told a news conference"}
)

// mangle swaps letters a machine translation swaps, keeping the skeleton
// of the name: b and v, s and z, i and y.
func mangle(r *rand.Rand, s string) string {
	b := []rune(s)
	var at []int
	for i, c := range b {
		if i > 0 && strings.ContainsRune("bvszyi", c) {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return s
	}
	i := at[r.IntN(len(at))]
	b[i] = map[rune]rune{'b': 'v', 'v': 'b', 's': 'z', 'z': 's', 'y': 'i', 'i': 'y'}[b[i]]
	return string(b)
}

// vocabulary makes n pseudo-words of two or three syllables, and a
// synonym for each: another word.
func vocabulary(r *rand.Rand, n int) []string {
	cons, vows := "bdfgklmnprstvz", "aeiou"
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteByte(cons[r.IntN(len(cons))])
			b.WriteByte(vows[r.IntN(len(vows))])
			if r.IntN(3) == 0 {
				b.WriteByte(cons[r.IntN(len(cons))])
			}
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

var function = strings.Fields("the a of to and in that is we will not it for on with this be are as our they have but at by from")

func generate(seed uint64, nPeople, nArticles int) *genCorpus {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	vocab := vocabulary(r, 3000)
	synonym := map[string]string{}
	for i, w := range vocab {
		synonym[w] = vocab[(i*7+13)%len(vocab)]
	}
	c := &genCorpus{names: map[string]int{}}
	used := map[string]bool{}
	// People; the first pairs are confusable on purpose.
	add := func(g, s []string, circle int) {
		p := person{id: len(c.people), given: g[0], surname: s[0], givenVariants: g[1:], surVariants: s[1:], circle: circle}
		for {
			p.title = countries[r.IntN(len(countries))] + " " + roles[r.IntN(len(roles))]
			if !used[p.title] {
				used[p.title] = true
				break
			}
		}
		c.people = append(c.people, p)
	}
	circles := max(2, nPeople/6)
	add([]string{"Joe"}, []string{"Biden"}, 0)              // same surname, two people
	add([]string{"Hunter"}, []string{"Biden"}, 1)           //
	add([]string{"Donald"}, []string{"Trump"}, 0)           // same given name, two people
	add([]string{"Donald"}, []string{"Tusk"}, 1)            //
	add([]string{"Peter"}, []string{"Hansen"}, 0)           // surnames a letter apart, same given name
	add([]string{"Peter"}, []string{"Hanson"}, 1)           //
	add([]string{"Anna"}, []string{"Kovac"}, 0)             // and again
	add([]string{"Anna"}, []string{"Kovach"}, 1)            //
	add([]string{"Olga"}, []string{"Ivanova"}, 0)           // surnames a letter apart, other given names
	add([]string{"Irina"}, []string{"Ivanov", "Ivanow"}, 1) //
	for tries := 0; len(c.people) < nPeople && tries < 100000; tries++ {
		g := givenPool[r.IntN(len(givenPool))]
		s := surnamePool[r.IntN(len(surnamePool))]
		taken := slices.ContainsFunc(c.people, func(p person) bool { return p.surname == s[0] })
		if taken {
			continue
		}
		add(g, s, r.IntN(circles))
	}
	venues := []string{"CNN", "BBC", "Reuters", "Onda Cero", "CBS", "Fox News", "Le Monde", "Der Spiegel", "TASS",
		"RIA Novosti", "Politico", "Sky News", "Al Jazeera", "France 24", "ZDF", "RAI", "Channel One", "Axios", "NPR", "ABC"}
	for i := range c.people {
		c.people[i].venues = []string{venues[r.IntN(len(venues))], venues[r.IntN(len(venues))]}
	}
	surnameCount := map[string]int{}
	for _, p := range c.people {
		surnameCount[p.surname]++
	}
	// nameOf picks how an article prints p; names that would be another
	// person's are not used.
	nameOf := func(p person) (string, string) {
		for range 10 {
			g, s, how := p.given, p.surname, "canonical"
			switch x := r.IntN(100); {
			case x < 15 && len(p.givenVariants) > 0:
				g, how = p.givenVariants[r.IntN(len(p.givenVariants))], "given variant"
			case x < 25 && len(p.surVariants) > 0:
				s, how = p.surVariants[r.IntN(len(p.surVariants))], "surname variant"
			case x < 31:
				s, how = mangle(r, s), "mangled"
			case x < 35:
				g, how = string([]rune(g)[:1])+".", "initial"
			case x < 38 && surnameCount[p.surname] == 1:
				g, how = "", "surname alone"
			}
			name := strings.TrimSpace(g + " " + s)
			if owner, ok := c.names[name]; ok && owner != p.id {
				continue
			}
			if other := slices.IndexFunc(c.people, func(q person) bool {
				return q.id != p.id && (strings.EqualFold(q.given+" "+q.surname, name) || strings.EqualFold(q.surname, name))
			}); other >= 0 {
				continue
			}
			c.names[name] = p.id
			return name, how
		}
		name := p.given + " " + p.surname
		c.names[name] = p.id
		return name, "canonical"
	}
	topic := make([][]string, circles)
	for i := range topic {
		topic[i] = vocab[i*40 : i*40+40]
	}
	newStatement := func(p person, d time.Time) statement {
		n := 6 + r.IntN(12)
		if r.IntN(10) == 0 {
			n = 3 + r.IntN(3)
		}
		var ws []string
		for len(ws) < n {
			switch x := r.IntN(10); {
			case x < 4:
				ws = append(ws, function[r.IntN(len(function))])
			case x < 6:
				ws = append(ws, topic[p.circle][r.IntN(len(topic[p.circle]))])
			default:
				ws = append(ws, vocab[400+r.IntN(len(vocab)-400)])
			}
		}
		ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
		return statement{speaker: p.id, words: ws, date: d}
	}
	edit := func(ws []string) ([]string, string) {
		out := slices.Clone(ws)
		content := func(i int) bool { return !slices.Contains(function, strings.ToLower(out[i])) }
		switch x := r.IntN(100); {
		case x < 30:
			return out, "exact"
		case x < 45 && len(out) >= 6:
			n := max(4, len(out)*(60+r.IntN(30))/100)
			i := r.IntN(len(out) - n + 1)
			return out[i : i+n], "cut"
		case x < 60:
			for range 1 + r.IntN(2) {
				if i := r.IntN(len(out)); content(i) {
					out[i] = synonym[strings.ToLower(out[i])]
				}
			}
			return out, "words swapped"
		case x < 70 && len(out) >= 6:
			i := len(out)/3 + r.IntN(len(out)/3)
			return append(slices.Clone(out[i:]), out[:i]...), "reordered"
		case x < 85:
			for range 1 + r.IntN(2) {
				i := r.IntN(len(out))
				if w := []rune(out[i]); len(w) > 3 {
					j := 1 + r.IntN(len(w)-2)
					w[j], w[j+1] = w[j+1], w[j]
					out[i] = string(w)
				}
			}
			return out, "typos"
		}
		for i := range out {
			if content(i) && r.IntN(4) == 0 {
				out[i] = synonym[strings.ToLower(out[i])]
			}
		}
		if len(out) > 5 {
			i := r.IntN(len(out))
			if !content(i) {
				out = slices.Delete(out, i, i+1)
			}
		}
		return out, "paraphrase"
	}

	var stmts []statement
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for a := range nArticles {
		d := start.AddDate(0, 0, a*150/nArticles)
		circle := r.IntN(circles)
		var cast []person
		for _, p := range c.people {
			if p.circle == circle {
				cast = append(cast, p)
			}
		}
		r.Shuffle(len(cast), func(i, j int) { cast[i], cast[j] = cast[j], cast[i] })
		cast = cast[:min(len(cast), 2+r.IntN(3))]
		var b strings.Builder
		type pending struct {
			text, name string
			person     person
			stmt       int
			edit       string
			titled     bool
			venue      string
		}
		var qs []pending
		for _, p := range cast {
			name, how := nameOf(p)
			_ = how
			titled := r.IntN(10) < 7
			seen := map[int]bool{}
			for range 1 + r.IntN(2) {
				var st statement
				var text, ed string
				// A reprint of a recent statement of p, or a new one.
				var recent []int
				for i := len(stmts) - 1; i >= 0 && d.Sub(stmts[i].date) < 20*24*time.Hour; i-- {
					if stmts[i].speaker == p.id && !seen[i] {
						recent = append(recent, i)
					}
				}
				if len(recent) > 0 && r.IntN(2) == 0 {
					i := recent[r.IntN(len(recent))]
					st = stmts[i]
					var ws []string
					ws, ed = edit(st.words)
					text = strings.Join(ws, " ")
				} else {
					st = newStatement(p, d)
					st.id = len(stmts)
					stmts = append(stmts, st)
					text, ed = strings.Join(st.words, " "), "new"
				}
				if seen[st.id] {
					continue
				}
				seen[st.id] = true
				venue := ""
				if r.IntN(10) < 6 {
					venue = p.venues[r.IntN(2)]
				}
				qs = append(qs, pending{text + ".", name, p, st.id, ed, titled, venue})
			}
		}
		var in graph.ArticleInput
		for _, q := range qs {
			intro := q.name
			if q.titled {
				intro = q.person.title + " " + q.name
			}
			fmt.Fprintf(&b, "%s %s: “", intro, verbs[r.IntN(len(verbs))])
			startRune := utf8.RuneCountInString(b.String())
			b.WriteString(q.text)
			end := utf8.RuneCountInString(b.String())
			b.WriteString("”\n")
			qi := graph.QuoteInput{
				Text: q.text, Kind: graph.KindDirect, Spans: []graph.Span{{Start: startRune, End: end}}, Confidence: 0.9,
				Speaker: &graph.SpeakerRef{Name: q.name},
			}
			if q.titled {
				qi.Speaker.Titles = []string{q.person.title}
			}
			if q.venue != "" {
				qi.Venue = &graph.VenueRef{Name: q.venue, Kind: graph.VenueBroadcast}
			}
			in.Quotes = append(in.Quotes, qi)
			c.occs = append(c.occs, genOcc{article: a, text: q.text, stmt: q.stmt, person: q.person.id, name: q.name, edit: q.edit})
		}
		in.URL = fmt.Sprintf("https://gen.test/%d", a)
		in.Title = fmt.Sprintf("Story %d", a)
		in.Outlet = fmt.Sprintf("Outlet %d", a%7)
		if r.IntN(10) > 0 {
			in.Published = d
		}
		in.Text = b.String()
		if in.Text == "" {
			in.Text = "Nobody spoke."
		}
		c.articles = append(c.articles, in)
	}
	return c
}

// pairScore counts true and predicted same-pairs over items.
type pairScore struct{ tp, fp, fn int }

func (s pairScore) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s pairScore) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

func score[T comparable, P comparable](truth []T, pred []P) pairScore {
	var s pairScore
	for i := range truth {
		for j := i + 1; j < len(truth); j++ {
			same, said := truth[i] == truth[j], pred[i] == pred[j]
			switch {
			case same && said:
				s.tp++
			case said:
				s.fp++
			case same:
				s.fn++
			}
		}
	}
	return s
}

// TestGeneratedCorpus ingests a generated corpus and scores speaker merges
// and quote groups, pair by pair, against what the generator knows.
// Targets: speakers precision ≥ 99% and recall ≥ 90%; quotes precision
// ≥ 97% and recall ≥ 90%.
func TestGeneratedCorpus(t *testing.T) {
	ctx := t.Context()
	c := generate(20250217, 48, 500)
	s := graphtest.Open(t)
	ids := make([]uuid.UUID, len(c.articles))
	for i, in := range c.articles {
		res, err := s.PutArticle(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = res.Article.ID
	}

	// Speakers: every pair of distinct names printed.
	var names []string
	for n := range c.names {
		names = append(names, n)
	}
	slices.Sort(names)
	var truthP []int
	var predP []uuid.UUID
	norm := map[string]bool{}
	for _, n := range names {
		sp, err := s.SpeakerByName(ctx, n)
		if err != nil {
			continue // a name the generator chose but no article printed
		}
		k := strings.ToLower(n)
		if norm[k] {
			continue
		}
		norm[k] = true
		truthP = append(truthP, c.names[n])
		predP = append(predP, sp.ID)
	}
	sp := score(truthP, predP)

	// Quotes: every pair of printings.
	byText := map[[2]string]uuid.UUID{}
	for i, id := range ids {
		qs, _, err := s.Quotes(ctx, graph.QuoteFilter{ArticleID: id}, graph.Page{First: graph.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			occs, err := s.Occurrences(ctx, q.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range occs {
				if o.ArticleID == id {
					byText[[2]string{fmt.Sprint(i), o.Text}] = q.ID
				}
			}
		}
	}
	var truthQ []int
	var predQ []uuid.UUID
	missing := 0
	for _, o := range c.occs {
		q, ok := byText[[2]string{fmt.Sprint(o.article), o.text}]
		if !ok {
			missing++
			continue
		}
		truthQ = append(truthQ, o.stmt)
		predQ = append(predQ, q)
	}
	if missing > 0 {
		t.Errorf("%d printings not found in the store", missing)
	}
	qp := score(truthQ, predQ)
	counts, _ := s.Counts(ctx)
	t.Logf("corpus: %d articles, %d printings of %d statements, %d names of %d people; store: %+v",
		len(c.articles), len(c.occs), len(slices.Compact(slices.Sorted(slices.Values(truthQ)))), len(truthP), len(c.people), counts)
	t.Logf("speaker merges: precision %.4f recall %.4f (%d true pairs, %d merged wrongly, %d missed)", sp.precision(), sp.recall(), sp.tp, sp.fp, sp.fn)
	t.Logf("quote groups:   precision %.4f recall %.4f (%d true pairs, %d grouped wrongly, %d missed)", qp.precision(), qp.recall(), qp.tp, qp.fp, qp.fn)
	if sp.precision() < 0.99 || sp.recall() < 0.90 {
		t.Errorf("speaker merges: precision %.4f (want ≥ 0.99), recall %.4f (want ≥ 0.90)", sp.precision(), sp.recall())
	}
	if qp.precision() < 0.97 || qp.recall() < 0.90 {
		t.Errorf("quote groups: precision %.4f (want ≥ 0.97), recall %.4f (want ≥ 0.90)", qp.precision(), qp.recall())
	}
	if t.Failed() || testing.Verbose() {
		logErrors(t, c, truthP, predP, names, norm)
	}
}

// logErrors names the speaker pairs merged wrongly or missed.
func logErrors(t *testing.T, c *genCorpus, truth []int, pred []uuid.UUID, names []string, kept map[string]bool) {
	var ns []string
	seen := map[string]bool{}
	for _, n := range names {
		if k := strings.ToLower(n); kept[k] && !seen[k] {
			seen[k] = true
			ns = append(ns, n)
		}
	}
	shown := 0
	for i := range truth {
		for j := i + 1; j < len(truth) && shown < 30; j++ {
			if (truth[i] == truth[j]) != (pred[i] == pred[j]) {
				shown++
				t.Logf("speakers %q and %q: same person %v, merged %v", ns[i], ns[j], truth[i] == truth[j], pred[i] == pred[j])
			}
		}
	}
}
