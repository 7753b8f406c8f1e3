package polnear

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/graphd/graphd/ingest"
)

// A speakers layer resolves the source of every sourced attribution of a
// month: to whom the source refers, under which names, by what kind of
// mention, and what kind of entity it is. It is one JSON object a line,
// keyed by the article and the attribution's cue span (the first cue
// fragment's start, the last one's end):
//
//	{"doc": "NAME", "cue": [start, end], "source": [start, end], "source_text": "…",
//	 "mention": "pronoun", "referent": "Jane Doe", "type": "person", "names": ["Jane Doe"]}
//
// mention is one of MentionClasses; type one of SpeakerTypes; referent is
// null for a generic or unnamed source, and then names is empty. Other
// fields (note, checked) are ignored.

// MentionClasses are the kinds of source mention a speakers layer tells
// apart, in report order.
var MentionClasses = []string{"name", "pronoun", "relative", "role", "other"}

// SpeakerTypes are the kinds of entity a source may be.
var SpeakerTypes = []string{"person", "organization", "group", "place", "document", "generic"}

// SpeakerGold is one line of a speakers layer.
type SpeakerGold struct {
	Doc        string   `json:"doc"`
	Cue        [2]int   `json:"cue"`
	Source     [2]int   `json:"source"`
	SourceText string   `json:"source_text"`
	Mention    string   `json:"mention"`
	Referent   *string  `json:"referent"`
	Type       string   `json:"type"`
	Names      []string `json:"names"`
	line       int
}

// speakerKey is what joins a layer line to a gold attribution.
type speakerKey struct {
	doc        string
	start, end int
}

// Speakers is a speakers layer, by article and cue.
type Speakers struct {
	path  string
	lines map[speakerKey]*SpeakerGold
}

// Len returns the number of lines of the layer.
func (s *Speakers) Len() int { return len(s.lines) }

// ReadSpeakers reads a speakers layer. A line that is not a JSON object of
// the layer's fields, has a mention class or type not listed, a cue or
// source span that is not [start, end], a referent without names (or
// names without a referent), or repeats the key of an earlier line, is an
// error wrapping ErrMalformed that names the file and the line.
func ReadSpeakers(path string) (*Speakers, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("speakers: %w", err)
	}
	defer f.Close()
	s := &Speakers{path: path, lines: map[speakerKey]*SpeakerGold{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("speakers %s line %d: %s: %w", path, n, fmt.Sprintf(format, args...), ErrMalformed)
		}
		g := &SpeakerGold{line: n}
		if err := json.Unmarshal([]byte(line), g); err != nil {
			return nil, bad("%v", err)
		}
		switch {
		case g.Doc == "":
			return nil, bad("no doc")
		case !slices.Contains(MentionClasses, g.Mention):
			return nil, bad("mention %q is not one of %s", g.Mention, strings.Join(MentionClasses, ", "))
		case !slices.Contains(SpeakerTypes, g.Type):
			return nil, bad("type %q is not one of %s", g.Type, strings.Join(SpeakerTypes, ", "))
		case g.Cue[0] < 0 || g.Cue[1] <= g.Cue[0]:
			return nil, bad("cue %v is not [start, end]", g.Cue)
		case g.Source[0] < 0 || g.Source[1] <= g.Source[0]:
			return nil, bad("source %v is not [start, end]", g.Source)
		case (g.Referent == nil) != (len(g.Names) == 0):
			return nil, bad("a referent needs names, and names a referent")
		}
		k := speakerKey{g.Doc, g.Cue[0], g.Cue[1]}
		if prev, dup := s.lines[k]; dup {
			return nil, bad("the cue %v of %s is also on line %d", g.Cue, g.Doc, prev.line)
		}
		s.lines[k] = g
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("speakers %s: %w", path, err)
	}
	return s, nil
}

// lookup finds the layer's line of gold attribution a of article doc: by
// its cue's first fragment's start and last fragment's end, in the
// order the annotation gives them, else by the cue's extent.
func (s *Speakers) lookup(doc string, a Attribution) *SpeakerGold {
	if len(a.Cue) == 0 || len(a.Source) == 0 {
		return nil
	}
	if g := s.lines[speakerKey{doc, a.Cue[0].Start, a.Cue[len(a.Cue)-1].End}]; g != nil {
		return g
	}
	lo, hi := a.Cue[0].Start, a.Cue[0].End
	for _, c := range a.Cue {
		lo, hi = min(lo, c.Start), max(hi, c.End)
	}
	return s.lines[speakerKey{doc, lo, hi}]
}

// SpeakerScore counts one class of gold attributions whose referent is
// named: Gold of them, Matched by a predicted attribution, Right when the
// predicted speaker is one of the gold names. Accuracy is Right over
// Matched, Recall Right over Gold, both in percent.
type SpeakerScore struct {
	Class    string  `json:"class"`
	Gold     int     `json:"gold"`
	Matched  int     `json:"matched"`
	Right    int     `json:"right"`
	Accuracy float64 `json:"accuracy"`
	Recall   float64 `json:"recall"`
}

func (s *SpeakerScore) finish() {
	if s.Matched > 0 {
		s.Accuracy = 100 * float64(s.Right) / float64(s.Matched)
	}
	if s.Gold > 0 {
		s.Recall = 100 * float64(s.Right) / float64(s.Gold)
	}
}

// TypeScore counts the matched attributions of one gold entity type whose
// predicted speaker type is that type.
type TypeScore struct {
	Type     string         `json:"type"`
	Matched  int            `json:"matched"`
	Right    int            `json:"right"`
	Accuracy float64        `json:"accuracy"`
	Got      map[string]int `json:"got,omitempty"` // the predicted types, wrong ones included
}

// SpeakerReport is the outcome of ScoreSpeakers.
type SpeakerReport struct {
	// Lines is the number of lines of the layer; Keyed, of the gold
	// attributions with a source, those the layer has a line for.
	Lines int `json:"lines"`
	Keyed int `json:"keyed"`
	// Classes are the scores of named referents by mention class, in the
	// order of MentionClasses; All is over every class.
	Classes []SpeakerScore `json:"classes"`
	All     SpeakerScore   `json:"all"`
	// Generic counts the gold attributions with no named referent that a
	// predicted attribution matched (Matched), and of those the ones given
	// no speaker (Right); Accuracy is the share.
	Generic SpeakerScore `json:"generic"`
	// Types are, over every matched attribution, the predicted speaker
	// types against the gold ones, by gold type in the order of
	// SpeakerTypes; TypesAll over every type.
	Types    []TypeScore `json:"types"`
	TypesAll TypeScore   `json:"types_all"`
	// Errors are the matched attributions whose speaker or type is wrong,
	// and the gold attributions with a named referent that nothing
	// matched.
	Errors []SpeakerError `json:"-"`
}

// SpeakerError is one speaker miss, with what an editor needs to judge
// it.
type SpeakerError struct {
	Article    string
	Source     ingest.Span // the gold source
	SourceText string
	Sentence   string // the sentence of the gold source, the source marked with [[ ]]
	Class      string // the gold mention class
	Type       string // the gold type
	Names      []string
	// Matched tells whether a predicted attribution matched; then Speaker
	// and SpeakerType are what it said.
	Matched     bool
	Speaker     string
	SpeakerType string
	// PredictedSource is the text of the matched attribution's source, ""
	// when it has none.
	PredictedSource string
	// What is wrong: "wrong speaker", "wrong type", "wrong speaker and
	// type", or "not found" (a named referent no prediction matched).
	What string
}

// ScoreSpeakers scores the predicted speakers of pred against the layer
// s, over the gold attributions of gold that the layer keys, paired with
// predictions by the attribution-level matching of Score. A predicted
// speaker is right when, folded by FoldName, it equals one of the gold
// names folded alike (for a gold group, any member's name); a predicted
// group ("A, B and C", type group) is right when one of its members is. A
// generic source is right with no speaker. A predicted type is right when it is the gold
// type.
func ScoreSpeakers(gold, pred []Doc, s *Speakers) SpeakerReport {
	byName := make(map[string]*Doc, len(pred))
	for i := range pred {
		byName[pred[i].Name] = &pred[i]
	}
	r := SpeakerReport{Lines: s.Len(), Generic: SpeakerScore{Class: "generic"}}
	classes := make([]SpeakerScore, len(MentionClasses))
	for i, c := range MentionClasses {
		classes[i].Class = c
	}
	types := make([]TypeScore, len(SpeakerTypes))
	for i, t := range SpeakerTypes {
		types[i] = TypeScore{Type: t, Got: map[string]int{}}
	}
	all := TypeScore{Type: "all", Got: map[string]int{}}
	for gi := range gold {
		g := &gold[gi]
		p := byName[g.Name]
		if p == nil {
			p = &Doc{Name: g.Name, Text: g.Text}
		}
		text := []rune(g.Text)
		tok := tokenIndex(text)
		gm, _ := matchAttributions(g.Attributions, p.Attributions, tok)
		for i, a := range g.Attributions {
			sg := s.lookup(g.Name, a)
			if sg == nil {
				continue
			}
			r.Keyed++
			var pa *Attribution
			if gm[i] >= 0 {
				pa = &p.Attributions[gm[i]]
			}
			named := sg.Referent != nil
			speakerOK := false
			if pa != nil {
				speakerOK = named && speakerIn(pa, sg.Names) || !named && pa.Speaker == ""
			}
			if named {
				c := &classes[slices.Index(MentionClasses, sg.Mention)]
				c.Gold++
				if pa != nil {
					c.Matched++
					if speakerOK {
						c.Right++
					}
				}
			} else if pa != nil {
				r.Generic.Gold++
				r.Generic.Matched++
				if speakerOK {
					r.Generic.Right++
				}
			} else {
				r.Generic.Gold++
			}
			typeOK := false
			if pa != nil {
				t := &types[slices.Index(SpeakerTypes, sg.Type)]
				t.Matched++
				all.Matched++
				got := pa.SpeakerType
				if got == "" {
					got = "none"
				}
				t.Got[got]++
				all.Got[got]++
				if pa.SpeakerType == sg.Type {
					typeOK = true
					t.Right++
					all.Right++
				}
			}
			if pa != nil && speakerOK && typeOK || pa == nil && !named {
				continue
			}
			e := SpeakerError{
				Article: g.Name, Source: ingest.Span{Start: sg.Source[0], End: sg.Source[1]}, SourceText: sg.SourceText,
				Class: sg.Mention, Type: sg.Type, Names: sg.Names, Matched: pa != nil,
			}
			e.Sentence = sentenceAround(text, e.Source)
			switch {
			case pa == nil:
				e.What = "not found"
			case !speakerOK && !typeOK:
				e.What = "wrong speaker and type"
			case !speakerOK:
				e.What = "wrong speaker"
			default:
				e.What = "wrong type"
			}
			if pa != nil {
				e.Speaker, e.SpeakerType = pa.Speaker, pa.SpeakerType
				if len(pa.Source) > 0 {
					e.PredictedSource = spanText(text, pa.Source[0])
				}
			}
			r.Errors = append(r.Errors, e)
		}
	}
	r.All.Class = "all"
	for i := range classes {
		classes[i].finish()
		r.All.Gold += classes[i].Gold
		r.All.Matched += classes[i].Matched
		r.All.Right += classes[i].Right
	}
	r.All.finish()
	r.Generic.finish()
	r.Generic.Recall = 0 // no end-to-end figure for sources with no one to name
	r.Classes = classes
	for i := range types {
		types[i].finish()
	}
	all.finish()
	r.Types, r.TypesAll = types, all
	return r
}

func (t *TypeScore) finish() {
	if t.Matched > 0 {
		t.Accuracy = 100 * float64(t.Right) / float64(t.Matched)
	}
	if len(t.Got) == 0 {
		t.Got = nil
	}
}

// speakerIn reports whether the speaker of a is one of names; a speaker
// of type group ("A, B and C") is when any of its members is.
func speakerIn(a *Attribution, names []string) bool {
	if nameIn(a.Speaker, names) {
		return true
	}
	if a.SpeakerType != "group" {
		return false
	}
	for _, m := range groupMembers(a.Speaker) {
		if nameIn(m, names) {
			return true
		}
	}
	return false
}

// groupMembers splits the name of a group, "A, B and C" or "A; B", into
// its members'.
func groupMembers(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		for _, m := range strings.Split(part, " and ") {
			if m = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(m), "and ")); m != "" {
				out = append(out, m)
			}
		}
	}
	return out
}

// nameIn reports whether name, folded, is one of names folded.
func nameIn(name string, names []string) bool {
	f := FoldName(name)
	if f == "" {
		return false
	}
	for _, n := range names {
		if FoldName(n) == f {
			return true
		}
	}
	return false
}

// courtesyTitles are dropped from the front of a name before comparing.
var courtesyTitles = []string{"mr", "mrs", "ms", "miss", "mx", "messrs"}

// FoldName folds a name for comparison: lowercase, Latin diacritics
// dropped, apostrophes and periods removed ("O'Brien" is "obrien", "U.S."
// "us"), any other punctuation a space, spaces collapsed, and a leading
// courtesy title (Mr., Mrs., Ms., Miss, Mx.) dropped.
func FoldName(s string) string {
	var b strings.Builder
	space := true
	for _, c := range s {
		switch {
		case c == '\'' || c == '’' || c == '.' || c == 'ʼ' || unicode.Is(unicode.Mn, c):
			continue
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			b.WriteString(foldRune(unicode.ToLower(c)))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	out := strings.TrimSpace(b.String())
	for _, t := range courtesyTitles {
		if rest, ok := strings.CutPrefix(out, t+" "); ok {
			return rest
		}
	}
	return out
}

// latin maps the lowercase Latin letters with diacritics that names carry
// to plain ones.
var latin = func() map[rune]string {
	m := map[rune]string{}
	for _, g := range []struct{ to, from string }{
		{"a", "àáâãäåāăą"}, {"c", "çćĉċč"}, {"d", "ďđ"}, {"e", "èéêëēĕėęě"}, {"g", "ĝğġģ"},
		{"i", "ìíîïĩīĭįı"}, {"l", "ĺļľŀł"}, {"n", "ñńņň"}, {"o", "òóôõöøōŏő"}, {"r", "ŕŗř"},
		{"s", "śŝşšș"}, {"t", "ţťț"}, {"u", "ùúûüũūŭůűų"}, {"y", "ýÿŷ"}, {"z", "źżž"},
		{"ss", "ß"}, {"ae", "æ"}, {"oe", "œ"},
	} {
		for _, r := range g.from {
			m[r] = g.to
		}
	}
	return m
}()

func foldRune(c rune) string {
	if s, ok := latin[c]; ok {
		return s
	}
	return string(c)
}

// sentenceAround returns the sentence holding s on one line, s marked with
// [[ ]]: from the last sentence end or line break before s to the next
// after it, at most 300 characters each side.
func sentenceAround(text []rune, s ingest.Span) string {
	s.Start, s.End = min(max(s.Start, 0), len(text)), min(max(s.End, 0), len(text))
	lo := s.Start
	for lo > 0 && s.Start-lo < 300 && text[lo-1] != '\n' && !(lo >= 2 && strings.ContainsRune(".!?", text[lo-2]) && text[lo-1] == ' ' && !abbrevBefore(text, lo-2)) {
		lo--
	}
	hi := s.End
	for hi < len(text) && hi-s.End < 300 && text[hi] != '\n' {
		hi++
		if strings.ContainsRune(".!?", text[hi-1]) && (hi == len(text) || text[hi] == ' ' || text[hi] == '\n') && !abbrevBefore(text, hi-1) {
			break
		}
	}
	c := string(text[lo:s.Start]) + "[[" + string(text[s.Start:s.End]) + "]]" + string(text[s.End:hi])
	return strings.Join(strings.Fields(c), " ")
}

// abbrevBefore reports whether the period at i ends a short abbreviation
// ("Mr.", "Sen.", "U.S.") rather than a sentence.
func abbrevBefore(text []rune, i int) bool {
	if text[i] != '.' {
		return false
	}
	j := i
	for j > 0 && unicode.IsLetter(text[j-1]) {
		j--
	}
	w := strings.ToLower(string(text[j:i]))
	switch w {
	case "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "st", "jr", "sr", "vs", "u", "s", "no", "sens", "reps", "prof", "rev", "pres", "d", "r":
		return true
	}
	return len(w) == 1 && unicode.IsUpper(text[j])
}

// spanText is the text of s, clamped to text.
func spanText(text []rune, s ingest.Span) string {
	s.Start, s.End = min(max(s.Start, 0), len(text)), min(max(s.End, 0), len(text))
	if s.Start >= s.End {
		return ""
	}
	return strings.Join(strings.Fields(string(text[s.Start:s.End])), " ")
}
