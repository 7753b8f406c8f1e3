package polnear

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/graphd/graphd/ingest"
)

// Roles are the roles scored, in report order.
var Roles = []string{"source", "cue", "content"}

// PRF is precision, recall and F1 in percent with the counts behind them.
// MatchedGold counts the gold items matched, MatchedPred the predicted ones;
// they differ only where the two sides are split differently (quoted and
// unquoted attributions).
type PRF struct {
	Gold        int     `json:"gold"`
	Pred        int     `json:"pred"`
	MatchedGold int     `json:"matched_gold"`
	MatchedPred int     `json:"matched_pred"`
	Precision   float64 `json:"precision"`
	Recall      float64 `json:"recall"`
	F1          float64 `json:"f1"`
}

func newPRF(gold, pred, matchedGold, matchedPred int) PRF {
	p := PRF{Gold: gold, Pred: pred, MatchedGold: matchedGold, MatchedPred: matchedPred}
	if pred > 0 {
		p.Precision = 100 * float64(matchedPred) / float64(pred)
	}
	if gold > 0 {
		p.Recall = 100 * float64(matchedGold) / float64(gold)
	}
	if p.Precision+p.Recall > 0 {
		p.F1 = 2 * p.Precision * p.Recall / (p.Precision + p.Recall)
	}
	return p
}

// RoleReport scores one role: spans matched exactly after trimming, and
// tokens covered.
type RoleReport struct {
	Role  string `json:"role"`
	Exact PRF    `json:"exact"`
	Token PRF    `json:"token"`
}

// AttributionReport scores whole attributions. Quoted and Unquoted split
// recall by whether the gold content holds a quotation mark and precision by
// whether the predicted content does (see Quoted).
type AttributionReport struct {
	All      PRF `json:"all"`
	Quoted   PRF `json:"quoted"`
	Unquoted PRF `json:"unquoted"`
}

// Report is the outcome of Score.
type Report struct {
	Articles     int               `json:"articles"`
	Roles        []RoleReport      `json:"roles"` // in the order of Roles
	Attributions AttributionReport `json:"attributions"`
	// Errors are the misses and false positives, for study: exact spans of
	// each role, then whole attributions.
	Errors []Error `json:"-"`
}

// Error is one gold item that was missed or one predicted item that matched
// nothing.
type Error struct {
	Role    string // source, cue, content or attribution
	Miss    bool   // a gold item missed; otherwise a false positive
	Article string
	Start   int    // the span, trimmed; for an attribution, its content's extent
	End     int    //
	Text    string // the span's text
	Context string // about 100 characters around it, the span marked with [[ ]]
	Note    string // for an attribution, its source and cue
}

// Score compares predicted documents with gold ones, paired by name; a gold
// document without a prediction counts as predicting nothing, a predicted
// one without gold is ignored. Offsets on both sides point into the gold
// text; predicted spans beyond it are clipped.
//
// Exact spans: each fragment of a role is a span of its own, trimmed of
// quotation marks, spaces and , . ; : at both ends (a span left empty, such
// as a cue that is only a colon, is dropped); gold and predicted spans are
// matched as multisets of (article, start, end), one span per attribution,
// so a source shared by two attributions counts twice on both sides.
//
// Tokens: a token (a maximal run of letters and digits) belongs to a role
// when a span of that role overlaps it; the sets of (article, token) are
// compared.
//
// Attributions: a gold and a predicted attribution may match when the token
// IoU of their contents is at least 0.5 and their sources share a token, or
// neither has a source token; pairs are taken greedily by IoU, best first,
// each attribution matched at most once.
func Score(gold, pred []Doc) Report {
	byName := make(map[string]*Doc, len(pred))
	for i := range pred {
		byName[pred[i].Name] = &pred[i]
	}
	r := Report{Articles: len(gold)}
	type counts struct{ gold, pred, match int }
	exact := make([]counts, len(Roles))
	token := make([]counts, len(Roles))
	var all, quoted, unquoted struct{ gold, pred, matchedGold, matchedPred int }

	for gi := range gold {
		g := &gold[gi]
		p := byName[g.Name]
		if p == nil {
			p = &Doc{Name: g.Name, Text: g.Text}
		}
		text := []rune(g.Text)
		tok := tokenIndex(text)
		for ri, role := range Roles {
			gs, ps := roleSpans(g, ri, text), roleSpans(p, ri, text)
			exact[ri].gold += len(gs)
			exact[ri].pred += len(ps)
			left := map[ingest.Span]int{}
			for _, s := range gs {
				left[s]++
			}
			var fps []ingest.Span
			for _, s := range ps {
				if left[s] > 0 {
					left[s]--
					exact[ri].match++
				} else {
					fps = append(fps, s)
				}
			}
			var misses []ingest.Span
			for _, s := range gs {
				if left[s] > 0 {
					left[s]--
					misses = append(misses, s)
				}
			}
			for _, s := range misses {
				r.Errors = append(r.Errors, spanError(role, true, g.Name, text, s))
			}
			for _, s := range fps {
				r.Errors = append(r.Errors, spanError(role, false, g.Name, text, s))
			}

			gt, pt := roleTokens(g, ri, tok), roleTokens(p, ri, tok)
			token[ri].gold += len(gt)
			token[ri].pred += len(pt)
			for t := range pt {
				if gt[t] {
					token[ri].match++
				}
			}
		}

		gm, pm := matchAttributions(g.Attributions, p.Attributions, tok)
		for i, a := range g.Attributions {
			c := &unquoted
			if Quoted(text, a.Content) {
				c = &quoted
			}
			c.gold++
			all.gold++
			if gm[i] >= 0 {
				c.matchedGold++
				all.matchedGold++
			} else {
				r.Errors = append(r.Errors, attributionError(true, g.Name, text, a))
			}
		}
		for i, a := range p.Attributions {
			c := &unquoted
			if Quoted(text, a.Content) {
				c = &quoted
			}
			c.pred++
			all.pred++
			if pm[i] >= 0 {
				c.matchedPred++
				all.matchedPred++
			} else {
				r.Errors = append(r.Errors, attributionError(false, g.Name, text, a))
			}
		}
	}

	for ri, role := range Roles {
		r.Roles = append(r.Roles, RoleReport{
			Role:  role,
			Exact: newPRF(exact[ri].gold, exact[ri].pred, exact[ri].match, exact[ri].match),
			Token: newPRF(token[ri].gold, token[ri].pred, token[ri].match, token[ri].match),
		})
	}
	r.Attributions = AttributionReport{
		All:      newPRF(all.gold, all.pred, all.matchedGold, all.matchedPred),
		Quoted:   newPRF(quoted.gold, quoted.pred, quoted.matchedGold, quoted.matchedPred),
		Unquoted: newPRF(unquoted.gold, unquoted.pred, unquoted.matchedGold, unquoted.matchedPred),
	}
	// by role, misses before false positives, each in article order
	order := map[string]int{"source": 0, "cue": 1, "content": 2, "attribution": 3}
	slices.SortStableFunc(r.Errors, func(a, b Error) int {
		if c := cmp.Compare(order[a.Role], order[b.Role]); c != 0 {
			return c
		}
		if a.Miss != b.Miss {
			if a.Miss {
				return -1
			}
			return 1
		}
		return 0
	})
	return r
}

// role returns attribution a's fragments of Roles[i].
func role(a Attribution, i int) []ingest.Span {
	switch i {
	case 0:
		return a.Source
	case 1:
		return a.Cue
	}
	return a.Content
}

// roleSpans returns the trimmed, non-empty fragments of one role over all of
// d's attributions.
func roleSpans(d *Doc, ri int, text []rune) []ingest.Span {
	var out []ingest.Span
	for _, a := range d.Attributions {
		for _, s := range role(a, ri) {
			if t := Trim(text, s); t.Start < t.End {
				out = append(out, t)
			}
		}
	}
	return out
}

func roleTokens(d *Doc, ri int, tok []int) map[int]bool {
	set := map[int]bool{}
	for _, a := range d.Attributions {
		addTokens(set, role(a, ri), tok)
	}
	return set
}

// trimmed are the characters Trim removes from both ends of a span.
const trimmed = "\"“”‘’'«»„,.;:"

// Trim narrows s by dropping spaces, quotation marks (" “ ” ‘ ’ ' « » „) and
// , . ; : from both ends. Offsets outside text are clamped to it; a span of
// nothing but such characters becomes empty.
func Trim(text []rune, s ingest.Span) ingest.Span {
	s.Start = min(max(s.Start, 0), len(text))
	s.End = min(max(s.End, s.Start), len(text))
	for s.Start < s.End && trimmable(text[s.Start]) {
		s.Start++
	}
	for s.End > s.Start && trimmable(text[s.End-1]) {
		s.End--
	}
	return s
}

func trimmable(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(trimmed, r) }

// quoteMarks are the characters that make a content quoted: double marks and
// the opening single mark. ’ and ' are left out: they are mostly apostrophes.
const quoteMarks = "\"“”«»„‘"

// Quoted reports whether a content holds a quotation mark, or has one just
// before or after one of its fragments, so that a prediction whose spans lie
// inside the marks counts as quoted like the gold content that includes
// them.
func Quoted(text []rune, content []ingest.Span) bool {
	for _, s := range content {
		lo, hi := max(s.Start-1, 0), min(s.End+1, len(text))
		if lo >= hi {
			continue
		}
		if strings.ContainsAny(string(text[lo:hi]), quoteMarks) {
			return true
		}
	}
	return false
}

// tokenIndex gives, for each character of text, the number of the token it
// belongs to, or -1.
func tokenIndex(text []rune) []int {
	idx := make([]int, len(text))
	n := -1
	in := false
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !in {
				n++
				in = true
			}
			idx[i] = n
		} else {
			in = false
			idx[i] = -1
		}
	}
	return idx
}

func addTokens(set map[int]bool, spans []ingest.Span, tok []int) {
	for _, s := range spans {
		for i := max(s.Start, 0); i < min(s.End, len(tok)); i++ {
			if tok[i] >= 0 {
				set[tok[i]] = true
			}
		}
	}
}

// matchAttributions pairs gold and predicted attributions of one article
// and returns, for each side, the index of its partner or -1.
func matchAttributions(gold, pred []Attribution, tok []int) (gm, pm []int) {
	type side struct{ content, source map[int]bool }
	sets := func(as []Attribution) []side {
		out := make([]side, len(as))
		for i, a := range as {
			out[i] = side{map[int]bool{}, map[int]bool{}}
			addTokens(out[i].content, a.Content, tok)
			addTokens(out[i].source, a.Source, tok)
		}
		return out
	}
	gs, ps := sets(gold), sets(pred)
	type pair struct {
		g, p int
		iou  float64
	}
	var pairs []pair
	for i, g := range gs {
		for j, p := range ps {
			iou := jaccard(g.content, p.content)
			if iou < 0.5 {
				continue
			}
			if len(g.source) > 0 || len(p.source) > 0 {
				if !intersects(g.source, p.source) {
					continue
				}
			}
			pairs = append(pairs, pair{i, j, iou})
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(b.iou, a.iou) })
	gm, pm = make([]int, len(gold)), make([]int, len(pred))
	for i := range gm {
		gm[i] = -1
	}
	for i := range pm {
		pm[i] = -1
	}
	for _, x := range pairs {
		if gm[x.g] < 0 && pm[x.p] < 0 {
			gm[x.g], pm[x.p] = x.p, x.g
		}
	}
	return gm, pm
}

func jaccard(a, b map[int]bool) float64 {
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func intersects(a, b map[int]bool) bool {
	for t := range a {
		if b[t] {
			return true
		}
	}
	return false
}

// contextChars is how much text an Error shows on each side of its span.
const contextChars = 50

func spanError(role string, miss bool, article string, text []rune, s ingest.Span) Error {
	return Error{
		Role: role, Miss: miss, Article: article, Start: s.Start, End: s.End,
		Text: string(text[s.Start:s.End]), Context: around(text, s),
	}
}

func attributionError(miss bool, article string, text []rune, a Attribution) Error {
	ext := ingest.Span{Start: len(text), End: 0}
	for _, s := range a.Content {
		s = Trim(text, s)
		ext.Start, ext.End = min(ext.Start, s.Start), max(ext.End, s.End)
	}
	if ext.Start > ext.End {
		ext = ingest.Span{}
	}
	e := spanError("attribution", miss, article, text, ext)
	e.Note = "source " + quoteSpans(text, a.Source) + ", cue " + quoteSpans(text, a.Cue)
	return e
}

func quoteSpans(text []rune, spans []ingest.Span) string {
	if len(spans) == 0 {
		return "none"
	}
	var parts []string
	for _, s := range spans {
		s = Trim(text, s)
		parts = append(parts, string(text[s.Start:s.End]))
	}
	return strings.Join(parts, " … ")
}

// around returns the text around s on one line, s marked with [[ ]].
func around(text []rune, s ingest.Span) string {
	lo, hi := max(s.Start-contextChars, 0), min(s.End+contextChars, len(text))
	c := string(text[lo:s.Start]) + "[[" + string(text[s.Start:s.End]) + "]]" + string(text[s.End:hi])
	return strings.Join(strings.Fields(c), " ")
}
