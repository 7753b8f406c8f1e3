package polnear

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/graphd/graphd/ingest"
)

// VenueKinds are the kinds of a venue layer, in report order: where, through
// what medium or to whom something was said.
var VenueKinds = []string{"event", "statement", "audience", "broadcast", "social", "print", "online", "place"}

// GoldVenue is one line of a venue layer (venues-dev.jsonl): the venue of
// the attribution of Doc whose cue runs from Cue[0] (its first fragment's
// start) to Cue[1] (its last fragment's end).
type GoldVenue struct {
	Doc   string `json:"doc"`
	Cue   [2]int `json:"cue"`
	Venue struct {
		Text  string `json:"text"`
		Start int    `json:"start"`
		End   int    `json:"end"`
		Kind  string `json:"kind"`
		Name  string `json:"name"`
	} `json:"venue"`
	line int
}

// ReadVenues reads a venue layer, one JSON object a line, and checks it
// against the month it annotates: every doc is an article of month, every
// cue the cue span of one of its attributions, every venue's text the text
// at its offsets and every kind one of VenueKinds. A line that fails is an
// error wrapping ErrMalformed (or ErrOffset) that names the file and line.
func ReadVenues(path string, month []Doc) ([]GoldVenue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("venues: %w", err)
	}
	docs := make(map[string]*Doc, len(month))
	for i := range month {
		docs[month[i].Name] = &month[i]
	}
	texts := map[string][]rune{}
	var out []GoldVenue
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("venues %s line %d: %s: %w", path, n, fmt.Sprintf(format, args...), ErrMalformed)
		}
		var v GoldVenue
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return nil, bad("%v", err)
		}
		v.line = n
		d := docs[v.Doc]
		if d == nil {
			return nil, bad("doc %q is not an article of the month", v.Doc)
		}
		if !slices.Contains(VenueKinds, v.Venue.Kind) {
			return nil, bad("kind %q is none of %v", v.Venue.Kind, VenueKinds)
		}
		if cueIndex(d.Attributions, v.Cue) < 0 {
			return nil, bad("%s has no attribution with the cue %v", v.Doc, v.Cue)
		}
		text := texts[v.Doc]
		if text == nil {
			text = []rune(d.Text)
			texts[v.Doc] = text
		}
		s, e := v.Venue.Start, v.Venue.End
		if s < 0 || e < s || e > len(text) {
			return nil, fmt.Errorf("venues %s line %d: [%d,%d) in a text of %d characters: %w", path, n, s, e, len(text), ErrOffset)
		}
		if got := string(text[s:e]); got != v.Venue.Text {
			return nil, bad("the text at [%d,%d) is %q, not %q", s, e, got, v.Venue.Text)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("venues %s: %w", path, err)
	}
	return out, nil
}

// cueKey is how a venue layer names an attribution: its cue's first
// fragment's start and last fragment's end.
func cueKey(a Attribution) [2]int {
	if len(a.Cue) == 0 {
		return [2]int{-1, -1}
	}
	k := [2]int{a.Cue[0].Start, a.Cue[0].End}
	for _, s := range a.Cue[1:] {
		k[0], k[1] = min(k[0], s.Start), max(k[1], s.End)
	}
	return k
}

// cueIndex returns the index of the attribution of as whose cue key is
// key, or -1.
func cueIndex(as []Attribution, key [2]int) int {
	for i, a := range as {
		if cueKey(a) == key {
			return i
		}
	}
	return -1
}

// VenueReport scores venues over attribution-matched pairs. A predicted
// venue is right when its attribution matches a gold one (as Score matches
// them) whose venue shares a token with it. Precision is over the venues of
// matched predicted attributions; recall over every gold venue, whether
// its attribution was found or not.
type VenueReport struct {
	PRF
	// Unmatched counts the venues of predicted attributions that match no
	// gold one; they are left out of precision, as the attributions
	// themselves count against the attribution score.
	Unmatched int `json:"unmatched"`
	// AttributionFound counts the gold venues whose attribution was
	// matched: recall can be no higher.
	AttributionFound int `json:"attribution_found"`
	// ByKind is recall by gold kind, in the order of VenueKinds.
	ByKind []KindRecall `json:"by_kind"`
	// Errors are the gold venues missed and the predicted ones wrong.
	Errors []Error `json:"-"`
}

// KindRecall is the recall of the gold venues of one kind.
type KindRecall struct {
	Kind  string  `json:"kind"`
	Gold  int     `json:"gold"`
	Found int     `json:"found"`
	Right int     `json:"right"`
	Rec   float64 `json:"recall"`
}

// ScoreVenues scores the venues of pred, paired with gold by name as Score
// pairs them, against the venue layer venues of gold.
func ScoreVenues(gold, pred []Doc, venues []GoldVenue) VenueReport {
	byName := make(map[string]*Doc, len(pred))
	for i := range pred {
		byName[pred[i].Name] = &pred[i]
	}
	byDoc := map[string][]GoldVenue{}
	for _, v := range venues {
		byDoc[v.Doc] = append(byDoc[v.Doc], v)
	}
	var r VenueReport
	kinds := map[string]*KindRecall{}
	for _, k := range VenueKinds {
		r.ByKind = append(r.ByKind, KindRecall{Kind: k})
	}
	for i := range r.ByKind {
		kinds[r.ByKind[i].Kind] = &r.ByKind[i]
	}
	var nGold, nPred, right int
	for gi := range gold {
		g := &gold[gi]
		p := byName[g.Name]
		if p == nil {
			p = &Doc{Name: g.Name, Text: g.Text}
		}
		text := []rune(g.Text)
		tok := tokenIndex(text)
		gm, pm := matchAttributions(g.Attributions, p.Attributions, tok)
		// the gold venue of each gold attribution
		gv := make([]*GoldVenue, len(g.Attributions))
		vs := byDoc[g.Name]
		for k := range vs {
			if i := cueIndex(g.Attributions, vs[k].Cue); i >= 0 {
				gv[i] = &vs[k]
			}
		}
		for i, v := range gv {
			if v == nil {
				continue
			}
			nGold++
			kr := kinds[v.Venue.Kind]
			kr.Gold++
			sp := ingest.Span{Start: v.Venue.Start, End: v.Venue.End}
			e := spanError("venue", true, g.Name, text, sp)
			e.Note = v.Venue.Kind + ", cue " + quoteSpans(text, g.Attributions[i].Cue)
			switch j := gm[i]; {
			case j < 0:
				e.Note += "; attribution not found"
			case p.Attributions[j].Venue == nil:
				kr.Found++
				r.AttributionFound++
				e.Note += "; no venue predicted"
			default:
				kr.Found++
				r.AttributionFound++
				pv := p.Attributions[j].Venue
				if shareToken(tok, sp, ingest.Span{Start: pv.Start, End: pv.End}) {
					kr.Right++
					right++
					continue
				}
				e.Note += "; predicted " + quoteSpans(text, []ingest.Span{{Start: pv.Start, End: pv.End}})
			}
			r.Errors = append(r.Errors, e)
		}
		for j, a := range p.Attributions {
			if a.Venue == nil {
				continue
			}
			if pm[j] < 0 {
				r.Unmatched++
				continue
			}
			nPred++
			gi := pm[j]
			sp := ingest.Span{Start: a.Venue.Start, End: a.Venue.End}
			if v := gv[gi]; v != nil && shareToken(tok, sp, ingest.Span{Start: v.Venue.Start, End: v.Venue.End}) {
				continue
			}
			e := spanError("venue", false, g.Name, text, Trim(text, sp))
			e.Note = a.Venue.Kind + ", cue " + quoteSpans(text, a.Cue)
			if v := gv[gi]; v != nil {
				e.Note += "; gold " + v.Venue.Text
			} else {
				e.Note += "; gold has none"
			}
			r.Errors = append(r.Errors, e)
		}
	}
	r.PRF = newPRF(nGold, nPred, right, right)
	for i := range r.ByKind {
		if k := &r.ByKind[i]; k.Gold > 0 {
			k.Rec = 100 * float64(k.Right) / float64(k.Gold)
		}
	}
	// misses before false positives, each in article order
	slices.SortStableFunc(r.Errors, func(a, b Error) int {
		switch {
		case a.Miss == b.Miss:
			return 0
		case a.Miss:
			return -1
		}
		return 1
	})
	return r
}

// shareToken reports whether spans a and b of a text cover a common token,
// tok being the text's tokenIndex.
func shareToken(tok []int, a, b ingest.Span) bool {
	in := map[int]bool{}
	addTokens(in, []ingest.Span{a}, tok)
	for i := max(b.Start, 0); i < min(b.End, len(tok)); i++ {
		if tok[i] >= 0 && in[tok[i]] {
			return true
		}
	}
	return false
}
