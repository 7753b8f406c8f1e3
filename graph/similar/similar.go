// Package similar compares printings of quotations: how alike two texts
// are (Compare), the keys under which a printing is found again
// (MatchKeys), a MinHash sketch of an article's wording (Sketch), the
// word-level diff from one printing to another (Diff), how faithful a
// printing is (Fidelity) and whether a change may alter the meaning
// (Misquotes). Everything works on folded words (package fold) and is
// pure: graph groups printings into quotes with it.
package similar

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/graphd/graphd/fold"
)

// Text is a quotation prepared for comparison.
type Text struct {
	Words []string // folded words, in order
	Stems []string // content words, stemmed, in order
	set   []string // distinct stems, sorted
	grams []uint32 // distinct hashed character 3-grams of the stems, sorted
	Norm  string   // the words joined by spaces: fold.String of the text
}

// Prepare prepares text for comparison.
func Prepare(text string) Text {
	p := stems(text)
	p.set = slices.Clone(p.Stems)
	slices.Sort(p.set)
	p.set = slices.Compact(p.set)
	var r []rune
	for _, s := range p.Stems {
		// The 3-grams of " " + s + " ", each hashed as hash32 of its
		// string, without making the strings.
		r = append(r[:0], ' ')
		for _, c := range s {
			r = append(r, c)
		}
		r = append(r, ' ')
		for i := 0; i+3 <= len(r); i++ {
			var b [3 * utf8.UTFMax]byte
			g := utf8.AppendRune(utf8.AppendRune(utf8.AppendRune(b[:0], r[i]), r[i+1]), r[i+2])
			h := uint32(fnv32Offset)
			for _, c := range g {
				h = (h ^ uint32(c)) * fnv32Prime
			}
			p.grams = append(p.grams, h)
		}
	}
	slices.Sort(p.grams)
	p.grams = slices.Compact(p.grams)
	return p
}

// FNV-1a, 32 bits, as hash/fnv computes it.
const (
	fnv32Offset = 2166136261
	fnv32Prime  = 16777619
)

// stems is the folded text, its words and its content words stemmed.
func stems(text string) Text {
	p := Text{Norm: fold.String(text)}
	p.Words = strings.Fields(p.Norm)
	for _, w := range p.Words {
		if stopword[w] {
			continue
		}
		p.Stems = append(p.Stems, quoteStem(w))
	}
	return p
}

func hash64(s string) uint64 { return fnvAdd(fnvOffset, s) }

// quoteStem cuts a word to a crude stem: common English endings off, then at
// most six letters, so that "negotiating" and "negotiation" agree.
func quoteStem(w string) string {
	if utf8.RuneCountInString(w) > 4 {
		for _, suf := range []string{"ing", "ion", "ed", "es", "ly", "s"} {
			if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-len(suf) >= 3 {
				w = strings.TrimSuffix(w, suf)
				break
			}
		}
	}
	if r := []rune(w); len(r) > 6 {
		w = string(r[:6])
	}
	return w
}

// stopword holds the English function words that comparisons skip.
var stopword = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but if so of to in on at by for from with as into onto
		about over under than then that this these those there here it its it's itd is are was were be been being am
		do does did doing have has had having will would shall should can could may might must
		i me my we us our you your he him his she her they them their what which who whom whose when where why how
		just also very too really quite not no nor yet all any some such each both either neither
		up out off again once only own same other more most much many few own s t d ll re ve m im ive youre theyre
		dont isnt arent wasnt werent doesnt didnt cant cannot wont wouldnt shouldnt couldnt hasnt havent hadnt
		said says say told tell going go get got`) {
		m[w] = true
	}
	return m
}()

// dice is 2|a∩b| / (|a|+|b|) of two sorted sets.
func dice[T string | uint32](a, b []T) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	return 2 * float64(intersect(a, b)) / float64(len(a)+len(b))
}

func intersect[T string | uint32](a, b []T) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

// lcs returns the length of the longest common subsequence of a and b.
func lcs(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Contains reports whether the words of small appear, in a row, in big.
func Contains(big, small []string) bool {
	if len(small) == 0 || len(small) > len(big) {
		return false
	}
	for i := 0; i+len(small) <= len(big); i++ {
		if slices.Equal(big[i:i+len(small)], small) {
			return true
		}
	}
	return false
}

// A Match says how two printings of a quotation relate.
type Match struct {
	How   string  // Exact, Contained, Paraphrase, or "" for none
	Score float64 // in [0, 1]
}

// How an occurrence joined its quote.
const (
	First      = "first"      // it started the quote
	Exact      = "exact"      // the same words
	Contained  = "contained"  // a cut of the other, or the other a cut of it
	Paraphrase = "paraphrase" // alike enough, by the same speaker, near in time
)

// DiffOp is a run of words of a word-level diff: DiffEqual in both
// texts, DiffDelete only in the first, DiffInsert only in the second.
type DiffOp struct {
	Op   string // one of the Diff* constants
	Text string
}

// Diff operations.
const (
	DiffEqual  = "equal"
	DiffDelete = "delete"
	DiffInsert = "insert"
)

// Compare scores two printings. The paraphrase score mixes the share of
// content words (stemmed), of character 3-grams and of words in the same
// order; rare (long) shared words add to it.
func Compare(a, b *Text) Match {
	if a.Norm == b.Norm && a.Norm != "" {
		return Match{Exact, 1}
	}
	short, long := a, b
	if len(short.Words) > len(long.Words) {
		short, long = long, short
	}
	if len(short.Stems) >= 2 && Contains(long.Words, short.Words) {
		return Match{Contained, 0.9 + 0.1*float64(len(short.Words))/float64(len(long.Words))}
	}
	if len(a.Stems) == 0 || len(b.Stems) == 0 {
		return Match{}
	}
	words := dice(a.set, b.set)
	grams := dice(a.grams, b.grams)
	order := 2 * float64(lcs(a.Stems, b.Stems)) / float64(len(a.Stems)+len(b.Stems))
	rare := 0
	for _, s := range a.set {
		if utf8.RuneCountInString(s) >= 6 {
			if _, ok := slices.BinarySearch(b.set, s); ok {
				rare++
			}
		}
	}
	score := 0.35*words + 0.35*grams + 0.2*order + 0.05*float64(min(rare, 2))
	// Numbers are the most specific words there are: two texts that differ
	// in theirs are more likely two statements than one misquoted.
	if na, nb := numbers(a.set), numbers(b.set); len(na) > 0 && len(nb) > 0 && !slices.Equal(na, nb) {
		score *= 0.6
	}
	return Match{Paraphrase, max(0, min(score, 1))}
}

func numbers(set []string) []string {
	var out []string
	for _, s := range set {
		if isNumber(s) {
			out = append(out, s)
		}
	}
	return out
}

// MatchKeys are the keys under which an occurrence is found again: the
// bottom hashes of its stemmed content-word pairs, adjacent and one apart
// ("a b"), so that two printings sharing much share some key. Single words
// ("a") are keys only of quotations too short for pairs, and a quotation
// without content words has one key, a hash of its whole normalized text
// ("=", an exact key): the same words printed again share every key
// anyway. Pairs are rare, so that most keys of a new quotation are found
// nowhere, which Badger's bloom filters answer cheaply; a shared pair is
// already a good reason to compare.
func (p *Text) MatchKeys() []string {
	var keys []string
	type hk struct {
		h uint64
		k string
	}
	var cands []hk
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			cands = append(cands, hk{hash64(k), k})
		}
	}
	for i, s := range p.Stems {
		if i+1 < len(p.Stems) {
			add(s + " " + p.Stems[i+1])
		}
		if i+2 < len(p.Stems) {
			add(s + " " + p.Stems[i+2])
		}
		if len(p.Stems) <= 2 {
			add(s)
		}
	}
	slices.SortFunc(cands, func(a, b hk) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return strings.Compare(a.k, b.k)
	})
	for i := 0; i < len(cands) && i < maxMatchKeys; i++ {
		keys = append(keys, cands[i].k)
	}
	if len(keys) == 0 {
		keys = append(keys, "="+hexHash(p.Norm))
	}
	return keys
}

// MatchKeys are the match keys of text, as Prepare(text).MatchKeys()
// gives them, without the rest of the preparation.
func MatchKeys(text string) []string {
	p := stems(text)
	return p.MatchKeys()
}

// maxMatchKeys bounds the word keys of one occurrence.
const maxMatchKeys = 4

func hexHash(s string) string {
	const digits = "0123456789abcdef"
	h := hash64(s)
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[h&15]
		h >>= 4
	}
	return string(b[:])
}

// maxDiffCells bounds the work of one word diff; longer pairs get a
// coarse diff (all deleted, all inserted).
const maxDiffCells = 1 << 22

// Diff returns the word-level diff from canon to text: words compared
// normalized, shown as printed, runs of one operation joined.
func Diff(canon, text string) []DiffOp {
	a, b := strings.Fields(canon), strings.Fields(text)
	na, nb := normWords(a), normWords(b)
	var ops []DiffOp
	push := func(op, w string) {
		if n := len(ops); n > 0 && ops[n-1].Op == op {
			ops[n-1].Text += " " + w
			return
		}
		ops = append(ops, DiffOp{Op: op, Text: w})
	}
	if len(a)*len(b) > maxDiffCells {
		if len(a) > 0 {
			push(DiffDelete, canon)
		}
		if len(b) > 0 {
			push(DiffInsert, text)
		}
		return ops
	}
	// t[i][j] is the LCS of na[i:] and nb[j:].
	t := make([][]int32, len(a)+1)
	for i := range t {
		t[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if na[i] == nb[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && na[i] == nb[j]:
			push(DiffEqual, b[j])
			i++
			j++
		case i < len(a) && (j == len(b) || t[i+1][j] >= t[i][j+1]):
			push(DiffDelete, a[i])
			i++
		default:
			push(DiffInsert, b[j])
			j++
		}
	}
	return ops
}

func normWords(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fold.String(w)
	}
	return out
}

// Fidelity scores text against canon: similarity is 2·LCS/(|canon|+|text|)
// over normalized words, fidelity the share of text's words that are
// canon's words in order (a faithful cut scores 1).
func Fidelity(canon, text string) (similarity, fid float64) {
	a, b := strings.Fields(fold.String(canon)), strings.Fields(fold.String(text))
	if len(a) == 0 || len(b) == 0 {
		return 0, 0
	}
	var l int
	if len(a)*len(b) > maxDiffCells {
		if slices.Equal(a, b) {
			l = len(a)
		}
	} else {
		l = lcs(a, b)
	}
	similarity = 2 * float64(l) / float64(len(a)+len(b))
	fid = float64(l) / float64(len(b))
	return Round3(similarity), Round3(fid)
}

// Round3 rounds f to three decimals, half up.
func Round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// negations are words that turn a statement around.
var negations = map[string]bool{"not": true, "no": true, "never": true, "nothing": true, "none": true, "nobody": true,
	"cannot": true, "cant": true, "wont": true, "dont": true, "doesnt": true, "didnt": true, "isnt": true, "arent": true,
	"wasnt": true, "werent": true, "shouldnt": true, "wouldnt": true, "couldnt": true, "hasnt": true, "havent": true,
	"hadnt": true, "neither": true, "nor": true, "without": true}

// antonyms pairs words whose swap reverses a statement.
var antonyms = func() map[string]string {
	m := map[string]string{}
	for _, p := range [][2]string{{"increase", "decrease"}, {"increased", "decreased"}, {"rise", "fall"}, {"up", "down"},
		{"win", "lose"}, {"won", "lost"}, {"support", "oppose"}, {"supports", "opposes"}, {"accept", "reject"},
		{"accepted", "rejected"}, {"agree", "disagree"}, {"always", "never"}, {"more", "less"}, {"more", "fewer"},
		{"allow", "ban"}, {"allow", "forbid"}, {"legal", "illegal"}, {"true", "false"}, {"yes", "no"},
		{"strong", "weak"}, {"stronger", "weaker"}, {"best", "worst"}, {"better", "worse"}, {"success", "failure"},
		{"peace", "war"}, {"ally", "enemy"}, {"friend", "enemy"}, {"before", "after"}, {"guilty", "innocent"},
		{"possible", "impossible"}, {"likely", "unlikely"}, {"will", "wont"}, {"can", "cannot"}, {"must", "mustnt"},
		{"open", "closed"}, {"start", "end"}, {"begin", "end"}, {"high", "low"}, {"higher", "lower"}, {"love", "hate"},
		{"safe", "dangerous"}, {"right", "wrong"}, {"good", "bad"}, {"approve", "veto"}, {"approve", "reject"},
		{"all", "none"}, {"everyone", "nobody"}, {"everything", "nothing"}, {"guaranteed", "ruled"}} {
		m[p[0]], m[p[1]] = p[1], p[0]
	}
	return m
}()

var numberWords = map[string]bool{"zero": true, "one": true, "two": true, "three": true, "four": true, "five": true,
	"six": true, "seven": true, "eight": true, "nine": true, "ten": true, "eleven": true, "twelve": true, "twenty": true,
	"thirty": true, "forty": true, "fifty": true, "hundred": true, "thousand": true, "million": true, "billion": true,
	"trillion": true, "dozen": true, "half": true, "double": true, "triple": true}

func isNumber(w string) bool {
	if numberWords[w] {
		return true
	}
	for _, r := range w {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}

// Misquotes lists the changes of a diff that may alter the meaning: a
// negation added or dropped, a number changed, a word swapped for its
// opposite. A cut that drops a negation counts too.
func Misquotes(ops []DiffOp) []string {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	var del, ins []string
	flush := func() {
		negDel, negIns := 0, 0
		for _, w := range del {
			if negations[w] {
				negDel++
			}
		}
		for _, w := range ins {
			if negations[w] {
				negIns++
			}
		}
		if negDel != negIns && (len(del) > 0 && len(ins) > 0 || negDel > 0 && len(ins) == 0 && len(del) <= 3 || negIns > 0 && len(del) == 0 && len(ins) <= 3) {
			add("negation changed: " + describe(del, ins))
		}
		var numDel, numIns []string
		for _, w := range del {
			if isNumber(w) {
				numDel = append(numDel, w)
			}
		}
		for _, w := range ins {
			if isNumber(w) {
				numIns = append(numIns, w)
			}
		}
		if len(numDel) > 0 && len(numIns) > 0 && !slices.Equal(numDel, numIns) {
			add("number changed: " + describe(numDel, numIns))
		}
		for _, d := range del {
			if o, ok := antonyms[d]; ok && slices.Contains(ins, o) {
				add("opposite word: " + d + " → " + o)
			}
		}
		del, ins = del[:0], ins[:0]
	}
	for _, op := range ops {
		switch op.Op {
		case DiffEqual:
			flush()
		case DiffDelete:
			del = append(del, strings.Fields(fold.String(op.Text))...)
		case DiffInsert:
			ins = append(ins, strings.Fields(fold.String(op.Text))...)
		}
	}
	flush()
	return out
}

func describe(del, ins []string) string {
	d, i := strings.Join(del, " "), strings.Join(ins, " ")
	switch {
	case d == "":
		return "added “" + i + "”"
	case i == "":
		return "dropped “" + d + "”"
	}
	return "“" + d + "” → “" + i + "”"
}

// SketchSize is the number of MinHash values of an article's sketch.
const SketchSize = 64

// Sketch is the MinHash of the word 3-grams of text: the Jaccard overlap
// of two texts' shingles is about the share of equal values.
func Sketch(text string) []uint32 {
	words := strings.Fields(fold.String(text))
	if len(words) < 3 {
		return nil
	}
	out := make([]uint32, SketchSize)
	for i := range out {
		out[i] = ^uint32(0)
	}
	for i := 0; i+3 <= len(words); i++ {
		// hash64 of the three words joined by spaces, without joining them.
		h := uint64(fnvOffset)
		h = fnvAdd(h, words[i])
		h = (h ^ ' ') * fnvPrime
		h = fnvAdd(h, words[i+1])
		h = (h ^ ' ') * fnvPrime
		h = fnvAdd(h, words[i+2])
		for j := range out {
			v := uint32((h*sketchMul[j] + uint64(j)*0x94d049bb133111eb) >> 32)
			if v < out[j] {
				out[j] = v
			}
		}
	}
	return out
}

// FNV-1a, 64 bits, as hash/fnv computes it.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// sketchMul are the fixed odd multipliers of Sketch's multiply-shift
// hashing, one for each value.
var sketchMul = func() (m [SketchSize]uint64) {
	for j := range m {
		m[j] = uint64(0x9e3779b97f4a7c15) + uint64(j)*0xbf58476d1ce4e5b9 | 1
	}
	return m
}()

// Overlap estimates the Jaccard overlap of the texts of two sketches;
// 0 when either has none.
func Overlap(a, b []uint32) float64 {
	if len(a) != SketchSize || len(b) != SketchSize {
		return 0
	}
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / SketchSize
}
