package ingest

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
)

// The attribution tagger labels every token of a paragraph as part of a
// source, a cue, a content or nothing (BIO tags), with a first-order
// structured perceptron over hashed features. Its features include the
// labels the rule extractor gives the same tokens, so it learns where the
// rules' spans differ from the annotation conventions of the corpus it was
// trained on, and finds the attributions the rules miss.

// Tagger labels.
const (
	labO = iota
	labBSrc
	labISrc
	labBCue
	labICue
	labBCon
	labICon
	numLabels
)

// Lexicon returns the word classes and clusters m carries (nil when it was
// trained without), which a model trained with them keeps: they train
// another model as ReadWordNet and ReadClusters would.
func (m *Model) Lexicon() *Lexicon {
	if m == nil {
		return nil
	}
	return m.lex
}

// ErrModel means a tagger model file could not be read.
var ErrModel = errors.New("bad tagger model")

// Model is a trained attribution tagger.
type Model struct {
	bits uint8
	w    []float32 // weights while training: (1<<bits) × numLabels
	// The quantized weights of the stage's labels, 8 bits each, offset by
	// 128 (so 0 to 255), a row of 4 labels in a word of 32 bits (q4) or of
	// 8 in one of 64 (q8): see sumRows.
	q4     []uint32
	q8     []uint64
	stride int
	raw    []int16                           // the quantized weights as read, until packed
	scale  float32                           // q × scale = w
	trans  [numLabels + 1][numLabels]float32 // previous label (numLabels = start) → label
	// tr and trDangle are trans as decoding uses it; see transitions.
	tr, trDangle *[numLabels + 1][numLabels]float32
	// preds[k] lists the labels that may precede labels[k] (BIO), in the
	// order of labels; npreds[k] how many.
	preds  [numLabels][numLabels]uint8
	npreds [numLabels]uint8
	// step is 5 or 3 when labels are roleLabels or cueLabels, whose steps
	// of decoding are written out (stepRoles, stepCues); 0 otherwise.
	step int
	// cueWords are the hashes of the words that were part of a cue in at
	// least a fifth of their occurrences in training (said, according,
	// told, but not to, of, in): the first stage decodes only the tokens
	// around them, and a paragraph without any is not tagged, since every
	// attribution needs a cue.
	cueWords map[uint32]bool
	// cueBloom has a bit set for the hash of every cue word, so that most
	// words are ruled out without a map lookup.
	cueBloom *[1024]uint64
	// roles finds the source and the content of one cue; see roles.go.
	roles *Model
	// labels are the labels this stage chooses from.
	labels []int
	// lex holds the WordNet classes of words (wordnet.go); nil when the
	// model was trained without them.
	lex *Lexicon
	// verifier, when not nil, keeps the attributions it accepts of those
	// found with its cue bias (verify.go).
	verifier *verifier
}

// ttok is a token as the tagger sees it: quotation marks stand alone.
type ttok struct {
	start, end int
	capital    bool
	inq        bool // inside a quotation
	mark       byte // 'o' an opening quotation mark, 'c' a closing one
	rule       byte // the rule extractor's role: 's' source, 'c' cue, 'q' quotation, 'n' reported content
	sentStart  bool
	lex        bool // a reporting verb
	dangle     bool // a word that never ends a source or content
	comma      bool
	clauseOpen bool   // a word that opens a clause after a comma: which, but, while
	class      byte   // t title, p pronoun, d determiner, g given name, o organisation word
	ruleAtt    int32  // the rule attribution the rule role belongs to, 1-based
	wh, sh     uint32 // hashes of lower and shape
	suf        uint32 // hash of the last three bytes of lower, 0 when shorter
	wn         lexClass
	cl         [3]uint16 // word clusters, finest first, plus one; zeros when unknown
}

// tseq is one paragraph for the tagger.
type tseq struct {
	para int
	toks []ttok
}

// shapeHash hashes the shape of s: X for upper case, x lower, d digit,
// other runes as they are, runs longer than two cut to two.
func shapeHash(s string) uint32 {
	h := newHash(8)
	var last rune
	n := 0
	for _, c := range s {
		var k rune
		switch {
		case c < 0x80 && 'A' <= c && c <= 'Z', c >= 0x80 && unicode.IsUpper(c):
			k = 'X'
		case c < 0x80 && 'a' <= c && c <= 'z', c >= 0x80 && unicode.IsLower(c):
			k = 'x'
		case c < 0x80 && '0' <= c && c <= '9', c >= 0x80 && unicode.IsDigit(c):
			k = 'd'
		default:
			k = c
		}
		if k == last {
			n++
			if n > 1 {
				continue
			}
		} else {
			n = 0
		}
		h = h.u(uint32(k))
		last = k
	}
	return uint32(h)
}

// taggerSeqs turns the paragraphs of d into tagger sequences, marking the
// tokens with what the rule extractor found.
func (d *doc) taggerSeqs(sc *scratch) []tseq {
	sc.roles = grow(sc.roles, len(d.r))
	sc.ruleAtt = grow(sc.ruleAtt, len(d.r))
	roles := sc.roles // rune offset → rule role
	mark := func(s, e int, role byte, att int32) {
		for i := s; i < e; i++ {
			if roles[i] == 0 || role == 'c' {
				roles[i] = role
				sc.ruleAtt[i] = att
			}
		}
	}
	for k, a := range d.atts {
		att := int32(k + 1)
		if a.src != nil {
			mark(a.src.Start, a.src.End, 's', att)
		}
		if a.cue != nil {
			mark(a.cue.Start, a.cue.End, 'c', att)
		}
		if a.how == "indirect" {
			mark(a.content[0], a.content[1], 'n', att)
		}
		for _, si := range a.segs {
			s := d.segs[si]
			mark(s.start, s.end, 'q', att)
		}
	}
	seqs := make([]tseq, 0, len(d.paras))
	all := sc.all[:0] // the tokens of every paragraph, in one allocation
	if cap(all) < len(d.r)/3 {
		all = make([]ttok, 0, len(d.r)/3)
	}
	for pi := range d.paras {
		p := &d.paras[pi]
		// The paragraph's tokens with every quotation opened up: its
		// marks and its words. Tagger tokens hold no pointers, so that
		// the collector has nothing to scan in them.
		start := len(all)
		ended := true // the previous token ended a sentence
		emit := func(t token, kind byte) {
			tt := ttok{start: t.start, end: t.end, capital: t.capital, sentStart: ended}
			if t.kind == tokWord {
				tt.sh = shapeHash(t.text)
				c := t.cls
				tt.lex = c&classCue != 0
				tt.dangle = c&classDangling != 0
				tt.class = c.tag()
				tt.wh = uint32(newHash(1).s(t.lower))
				tt.clauseOpen = clauseOpeners[t.lower]
				if len(t.lower) > 3 {
					tt.suf = uint32(newHash(10).s(t.lower[len(t.lower)-3:]))
				}
			} else {
				tt.sh = uint32(newHash(8).s(t.text))
				tt.wh = uint32(newHash(1).s(t.text))
				tt.comma = t.text == ","
				if len(t.text) > 3 {
					tt.suf = uint32(newHash(10).s(t.text[len(t.text)-3:]))
				}
			}
			switch kind {
			case 'o', 'c':
				tt.mark = kind
			case 'q':
				tt.inq = true
			}
			tt.rule = roles[t.start]
			tt.ruleAtt = sc.ruleAtt[t.start]
			ended = t.kind == tokPunct && strings.ContainsAny(t.text, ".!?")
			all = append(all, tt)
		}
		for _, t := range p.toks {
			if t.kind != tokQuote {
				emit(t, 0)
				continue
			}
			q := d.segs[t.quote]
			m := d.src.str(q.open, q.open+1)
			emit(token{start: q.open, end: q.open + 1, kind: tokPunct, text: m, lower: m}, 'o')
			inner := q.closeEnd
			if q.closed {
				inner--
			}
			sc.toks = tokenizeAppend(sc.toks[:0], d.src, q.open+1, inner, nil, 0)
			for _, w := range sc.toks {
				emit(w, 'q')
			}
			if q.closed {
				m := d.src.str(inner, q.closeEnd)
				emit(token{start: inner, end: q.closeEnd, kind: tokPunct, text: m, lower: m}, 'c')
			}
		}
		toks := all[start:len(all):len(all)]
		seqs = append(seqs, tseq{para: pi, toks: toks})
	}
	sc.all = all
	return seqs
}

// clauseOpeners open a clause that often ends a reported content when a
// comma stands before them.
var clauseOpeners = set(`which who whom whose but while whereas although though as when because since after
	before including such adding saying according and or so where unless until`)

// wordClass is what the word lists say of a word, in one lookup.
type wordClass uint16

const (
	classCue wordClass = 1 << iota
	classTitle
	classPronoun
	classDeterminer
	classGiven
	classOrg
	classNationality
	classCommon
	classDangling
)

// tag is the class feature of the tagger: the first class that applies.
func (c wordClass) tag() byte {
	switch {
	case c&classTitle != 0:
		return 't'
	case c&classPronoun != 0:
		return 'p'
	case c&classDeterminer != 0:
		return 'd'
	case c&classGiven != 0:
		return 'g'
	case c&classOrg != 0:
		return 'o'
	}
	return 0
}

var wordClasses = func() map[string]wordClass {
	m := map[string]wordClass{}
	for _, l := range []struct {
		words map[string]bool
		c     wordClass
	}{{cueVerbs, classCue}, {titleWords, classTitle}, {determiners, classDeterminer},
		{givenNames, classGiven}, {femaleNames, classGiven}, {orgWords, classOrg},
		{nationalityWords, classNationality}, {commonCapitalized, classCommon}, {danglingWords, classDangling}} {
		for w := range l.words {
			m[w] |= l.c
		}
	}
	for w := range personPronouns {
		m[w] |= classPronoun
	}
	return m
}()

// hasher builds feature hashes (FNV-1a) without allocating.
type hasher uint32

func newHash(tag byte) hasher { return (2166136261 ^ hasher(tag)) * 16777619 }

func (h hasher) s(s string) hasher {
	for i := 0; i < len(s); i++ {
		h = (h ^ hasher(s[i])) * 16777619
	}
	return (h ^ 0xff) * 16777619
}

func (h hasher) b(c byte) hasher { return (h ^ hasher(c)) * 16777619 }

// u mixes in a whole word at once (a murmur3 finalizer step), four times
// cheaper than byte by byte: the tagger hashes a dozen words a token.
func (h hasher) u(x uint32) hasher {
	h = (h ^ hasher(x)) * 0x85ebca6b
	return h ^ h>>13
}

func bucket(n int) byte {
	switch {
	case n <= 0:
		return '0'
	case n == 1:
		return '1'
	case n == 2:
		return '2'
	case n <= 4:
		return '3'
	case n <= 8:
		return '4'
	case n <= 16:
		return '5'
	default:
		return '6'
	}
}

func boolByte(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}

// features computes the feature hashes of every token of seq.
func features(seq []ttok, mask uint32) [][]uint32 {
	return new(scratch).features(seq, mask, nil, true)
}

// localFeatures appends to flat the hashes of the features of t that
// depend on its word alone (its form, shape, suffix, classes and
// clusters), which a loaded model sums once a word (localSums).
func localFeatures(flat []uint32, t *ttok, mask uint32) []uint32 {
	add := func(h hasher) { flat = append(flat, uint32(h)&mask) }
	add(newHash(0))
	add(hasher(t.wh))
	add(hasher(t.sh))
	if t.suf != 0 {
		add(hasher(t.suf))
	}
	if t.class != 0 {
		add(newHash(24).b(t.class))
	}
	if c := t.wn; c != 0 {
		add(newHash(36).u(c.pos()))
		add(newHash(37).u(c.verb()).u(c.noun()))
		add(newHash(38).u(c.verbFlags()).u(c.nounFlags()))
	} else {
		add(newHash(36))
	}
	if t.cl[0] != 0 {
		add(newHash(60).u(uint32(t.cl[0])))
		add(newHash(61).u(uint32(t.cl[1])))
		add(newHash(62).u(uint32(t.cl[2])))
	}
	return flat
}

// scratch holds the buffers of tagging, reused from paragraph to paragraph.
type scratch struct {
	all     []ttok
	toks    []token
	need    []bool
	dangle  []bool
	roles   []byte
	ruleAtt []int32
	sent    []int
	ints    []int
	opener  []uint32
	flat    []uint32
	out     [][]uint32
	delta   [][numLabels]float32
	back    [][numLabels]int8
	labs    []int
	// lexCache holds the WordNet classes of recent words, of lexOf.
	lexCache *[4096]lexCached
	lexOf    *Lexicon
	// localCache holds the word feature sums of recent words, of localOf.
	localCache *[4096]localCached
	localOf    *Model
	base       [][8]int32
	tmp        []uint32
	wins       [][2]int
}

// resize is grow without clearing, for buffers written whole.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	s = s[:n]
	clear(s)
	return s
}

// features computes the feature hashes of the tokens of seq, of those
// marked in need when need is not nil, with the features of the word alone
// when local is true; the result is valid until the next call.
func (sc *scratch) features(seq []ttok, mask uint32, need []bool, local bool) [][]uint32 {
	n := len(seq)
	sc.ints = grow(sc.ints, 3*n)
	// nearest reporting verb outside quotations, left and right
	left := sc.ints[:n]
	right := sc.ints[n : 2*n]
	last := -1
	for i := range n {
		left[i] = last
		if seq[i].lex && !seq[i].inq {
			last = i
		}
	}
	last = -1
	for i := n - 1; i >= 0; i-- {
		right[i] = last
		if seq[i].lex && !seq[i].inq {
			last = i
		}
	}
	// sentences, and the first and last reporting verb outside quotations
	// in each
	sent := sc.ints[2*n : 3*n]
	var first, lastCue, sstart, send []int
	for i := range n {
		if i > 0 && seq[i].sentStart {
			sent[i] = sent[i-1] + 1
		} else if i > 0 {
			sent[i] = sent[i-1]
		}
		if sent[i] == len(first) {
			first = append(first, -1)
			lastCue = append(lastCue, -1)
			sstart = append(sstart, i)
			send = append(send, i)
		}
		send[sent[i]] = i
		if seq[i].lex && !seq[i].inq {
			if first[sent[i]] < 0 {
				first[sent[i]] = i
			}
			lastCue[sent[i]] = i
		}
	}
	word := func(i int) uint32 {
		if i < 0 {
			return 1
		}
		if i >= n {
			return 2
		}
		return seq[i].wh
	}
	sc.out = grow(sc.out, n)
	out := sc.out
	flat := sc.flat[:0]
	if cap(flat) < n*48 {
		flat = make([]uint32, 0, n*48)
	}
	for i := range n {
		if need != nil && !need[i] {
			out[i] = nil
			continue
		}
		t := seq[i]
		start := len(flat)
		if local {
			flat = localFeatures(flat, &t, mask)
		}
		add := func(h hasher) { flat = append(flat, uint32(h)&mask) }
		add(newHash(2).u(word(i - 1)))
		add(newHash(3).u(word(i + 1)))
		add(newHash(6).u(word(i - 1)).u(t.wh))
		add(newHash(7).u(t.wh).u(word(i + 1)))
		if i > 0 {
			add(newHash(9).u(seq[i-1].sh).u(t.sh))
		}
		add(newHash(11).b(boolByte(t.inq)).b(t.mark))
		add(newHash(14).b(t.rule))
		add(newHash(15).b(t.rule).u(t.wh))
		add(newHash(18).b(boolByte(t.lex)).b(boolByte(i > 0 && seq[i-1].lex)).b(boolByte(i+1 < n && seq[i+1].lex)))
		if l := left[i]; l >= 0 {
			add(newHash(20).u(seq[l].wh).b(bucket(i - l)))
		}
		if r := right[i]; r >= 0 {
			add(newHash(22).u(seq[r].wh).b(bucket(r - i)))
		}
		si := sent[i]
		if f := first[si]; f >= 0 {
			switch {
			case i < f:
				add(newHash(27).b('<').b(bucket(f - i)).b(boolByte(t.inq)))
				add(newHash(28).b('<').u(seq[f].wh))
			case i == f:
				add(newHash(27).b('='))
			default:
				add(newHash(27).b('>').b(bucket(i - f)).b(boolByte(t.inq)))
				add(newHash(28).b('>').u(seq[f].wh))
			}
			if l := lastCue[si]; l != f {
				if i > l {
					add(newHash(29).b('>').b(bucket(i - l)))
				} else if i < l {
					add(newHash(29).b('<').b(bucket(l - i)))
				}
			}
		} else {
			add(newHash(27).b('-').b(boolByte(t.inq)))
		}
		add(newHash(30).b(bucket(i - sstart[si])).b(bucket(send[si] - i)))
		if c := t.wn; c != 0 {
			add(newHash(39).u(c.verb()).u(word(i + 1)))
		}
		pp, np := uint32(1), uint32(2)
		if i > 0 {
			pp = seq[i-1].wn.pos()
		}
		if i+1 < n {
			np = seq[i+1].wn.pos()
		}
		add(newHash(41).u(pp).u(t.wn.pos()).u(np))
		add(newHash(45).u(word(i - 1)).u(t.wn.verb()))
		pc, nc := uint32(1), uint32(2)
		if i > 0 {
			pc = uint32(seq[i-1].cl[1])
		}
		if i+1 < n {
			nc = uint32(seq[i+1].cl[1])
		}
		if pc|nc|uint32(t.cl[1]) != 0 {
			add(newHash(63).u(pc).u(uint32(t.cl[1])))
			add(newHash(64).u(uint32(t.cl[1])).u(nc))
		}
		out[i] = flat[start:len(flat):len(flat)]
	}
	sc.flat = flat
	return out
}

// allowed reports whether label b may follow label a (BIO).
func allowed(a, b int) bool {
	switch b {
	case labISrc:
		return a == labBSrc || a == labISrc
	case labICue:
		return a == labBCue || a == labICue
	case labICon:
		return a == labBCon || a == labICon
	}
	return true
}

// emissions adds up the weights of the features f for every label, on
// top of base, the sums of a word's own features (localSums), when it is
// not nil.
func (m *Model) emissions(f []uint32, base *[8]int32, em *[numLabels]float32) {
	*em = [numLabels]float32{}
	if m.q4 == nil && m.q8 == nil {
		for _, h := range f {
			w := m.w[int(h)*numLabels : int(h)*numLabels+numLabels : int(h)*numLabels+numLabels]
			for l := range numLabels {
				em[l] += w[l]
			}
		}
		return
	}
	acc := m.sumRows(f)
	if base != nil {
		for k := range acc {
			acc[k] += base[k]
		}
	}
	for k, l := range m.labels {
		em[l] = float32(acc[k]) * m.scale
	}
}

// sumRows returns the summed quantized weights of the features f, by
// label of the stage. This loop is most of the tagger's time: a row's
// labels are added at once. A row's bytes are its labels' weights offset by
// 128, so that none is negative; the even bytes are summed in lanes of 16
// bits (even), and the whole rows as they are (all), from which the odd
// bytes' sums follow: all = even + odd<<8, where odd's last lane, the
// padding past the stage's labels (pack), loses its top bits. 256 rows of
// bytes of at most 255 fill no lane past 65,535; longer lists are summed
// in pieces.
func (m *Model) sumRows(f []uint32) (acc [8]int32) {
	const chunk = 256
	for len(f) > 0 {
		g := f[:min(len(f), chunk)]
		f = f[len(g):]
		off := 128 * int32(len(g))
		if m.q8 != nil {
			q := m.q8
			var even, all uint64
			for _, h := range g {
				x := q[h]
				all += x
				even += x & 0x00ff00ff00ff00ff
			}
			odd := (all - even) >> 8
			for k := range 4 {
				acc[2*k] += int32(even>>(16*k)&0xffff) - off
				acc[2*k+1] += int32(odd>>(16*k)&0xffff) - off
			}
			acc[7] = 0 // padding
			continue
		}
		q := m.q4
		var even, all uint32
		for _, h := range g {
			x := q[h]
			all += x
			even += x & 0x00ff00ff
		}
		odd := (all - even) >> 8
		acc[0] += int32(even&0xffff) - off
		acc[1] += int32(odd&0xffff) - off
		acc[2] += int32(even>>16) - off
	}
	return acc
}

// weight returns the quantized weight of feature h for the k-th label of
// the stage.
func (m *Model) weight(h uint32, k int) int32 {
	if m.q8 != nil {
		return int32(m.q8[h]>>(8*k)&0xff) - 128
	}
	return int32(m.q4[h]>>(8*k)&0xff) - 128
}

// localSums sets base[i] to the summed weights of the word features
// (localFeatures) of each token of seq marked in need, for the packed
// labels of m. Words recur: sc keeps the sums of recent ones.
func (m *Model) localSums(sc *scratch, seq []ttok, need []bool) [][8]int32 {
	sc.base = resize(sc.base, len(seq))
	if sc.localCache == nil {
		sc.localCache = new([4096]localCached)
	}
	if sc.localOf != m {
		sc.localOf = m
		clear(sc.localCache[:])
	}
	mask := uint32(1)<<m.bits - 1
	for i := range seq {
		if !need[i] {
			continue
		}
		t := &seq[i]
		// The key is everything localFeatures reads but the suffix,
		// which the word gives: a word's class and WordNet class depend
		// on where it stands.
		key := localKey{wh: t.wh, sh: t.sh, class: t.class, wn: t.wn, cl: t.cl}
		// ("He’s" is the word "he" of four characters, with its own
		// WordNet class and clusters)
		e := &sc.localCache[(t.wh^t.sh*0x9e3779b1)%uint32(len(sc.localCache))]
		if !e.ok || e.key != key {
			e.key, e.ok = key, true
			sc.tmp = localFeatures(sc.tmp[:0], t, mask)
			e.sums = m.sumRows(sc.tmp)
		}
		sc.base[i] = e.sums
	}
	return sc.base
}

// localKey is what a token's word feature sums depend on.
type localKey struct {
	wh, sh uint32
	class  byte
	wn     lexClass
	cl     [3]uint16
}

// localCached is one word's feature sums in scratch's cache.
type localCached struct {
	key  localKey
	sums [8]int32
	ok   bool
}

// pack keeps, of the quantized weights read from a file, the labels of
// the stage only, in rows of 4 or 8 that never straddle two cache lines.
func (m *Model) pack(raw []int16) {
	m.stride = 8
	if len(m.labels) <= 3 {
		m.stride = 4
	}
	if len(m.labels) > 5 {
		panic("tagger: a stage of more than 5 labels")
	}
	// 8 bits a weight are enough for tagging and halve the table again.
	var maxAbs int16
	for h := range 1 << m.bits {
		for _, l := range m.labels {
			v := raw[h*numLabels+l]
			maxAbs = max(maxAbs, v, -v)
		}
	}
	div := float32(maxAbs) / 127
	if div == 0 {
		div = 1
	}
	if m.stride == 8 {
		m.q8 = make([]uint64, 1<<m.bits)
	} else {
		m.q4 = make([]uint32, 1<<m.bits)
	}
	for h := range 1 << m.bits {
		// every lane 0 (128 offset); the lanes past the stage's labels stay so
		row := uint64(0x8080808080808080) >> (64 - 8*m.stride)
		for k, l := range m.labels {
			v := int8(math.Round(float64(float32(raw[h*numLabels+l]) / div)))
			row ^= uint64(uint8(v)) << (8 * k)
		}
		if m.q8 != nil {
			m.q8[h] = row
		} else {
			m.q4[h] = uint32(row)
		}
	}
	m.scale *= div
	m.tr, m.trDangle = m.transitions()
	m.setPreds()
}

// allowedTable[a][b] tells whether label b may follow label a; a =
// numLabels stands for the start of the sequence, which acts as O.
var allowedTable = func() (t [numLabels + 1][numLabels]bool) {
	for a := range numLabels + 1 {
		for b := range numLabels {
			t[a][b] = allowed(min(a, labO+numLabels-1), b)
			if a == numLabels {
				t[a][b] = allowed(labO, b)
			}
		}
	}
	return t
}()

// decode finds the best label sequence (Viterbi).
func (m *Model) decode(feats [][]uint32) []int {
	return m.decodeInto(new(scratch), feats, nil)
}

// decodeInto is decode with reused buffers; the result is valid until the
// next call.
func (m *Model) decodeInto(sc *scratch, feats [][]uint32, dangle []bool) []int {
	return m.decodeBiased(sc, feats, 0, dangle, nil)
}

// decodeBiased is decodeInto with bias added to the score of a cue's first
// token, trading the cues' precision for recall. When dangle is not nil, a
// source or content never ends on a token it marks, but at the end of feats.
// When base is not nil, it holds the sums of each token's word features,
// which feats then leaves out (localSums).
func (m *Model) decodeBiased(sc *scratch, feats [][]uint32, bias float32, dangle []bool, base [][8]int32) []int {
	n := len(feats)
	if n == 0 {
		return nil
	}
	sc.delta = resize(sc.delta, n)
	sc.back = resize(sc.back, n)
	delta, back := sc.delta, sc.back
	var em [numLabels]float32
	negInf := float32(math.Inf(-1))
	labels := m.labels
	tr, trDangle := m.transitions()
	step := m.step
	for i := range n {
		if base != nil {
			m.emissions(feats[i], &base[i], &em)
		} else {
			m.emissions(feats[i], nil, &em)
		}
		em[labBCue] += bias
		if i == 0 {
			for _, l := range labels {
				delta[0][l] = tr[numLabels][l] + em[l]
				back[0][l] = numLabels
				if tr[numLabels][l] == negInf {
					back[0][l] = -1
				}
			}
			continue
		}
		t := tr
		if dangle != nil && dangle[i-1] {
			t = trDangle
		}
		prev := &delta[i-1]
		switch step {
		case 5:
			stepRoles(prev, &delta[i], &back[i], t, &em)
			continue
		case 3:
			stepCues(prev, &delta[i], &back[i], t, &em)
			continue
		}
		for k, l := range labels {
			best, arg := negInf, -1
			// only the labels that may precede l, in the order of labels
			for _, p := range m.preds[k][:m.npreds[k]] {
				if v := prev[p] + t[p][l]; v > best {
					best, arg = v, int(p)
				}
			}
			delta[i][l] = best + em[l]
			back[i][l] = int8(arg)
		}
	}
	sc.labs = resize(sc.labs, n)
	out := sc.labs
	best := labels[0]
	for _, l := range labels[1:] {
		if delta[n-1][l] > delta[n-1][best] {
			best = l
		}
	}
	for i := n - 1; i >= 0; i-- {
		out[i] = best
		best = int(back[i][best])
	}
	return out
}

// stepRoles is one step of decodeBiased for the labels of the second stage
// (roleLabels), written out: of the labels that may precede each label, in
// the order of labels, the first best one (as the general loop).
func stepRoles(prev, cur *[numLabels]float32, back *[numLabels]int8, t *[numLabels + 1][numLabels]float32, em *[numLabels]float32) {
	po, pbs, pis, pbc, pic := prev[labO], prev[labBSrc], prev[labISrc], prev[labBCon], prev[labICon]
	// any label may precede O, B-source and B-content
	for _, l := range [3]int{labO, labBSrc, labBCon} {
		best, arg := float32(math.Inf(-1)), int8(-1)
		if v := po + t[labO][l]; v > best {
			best, arg = v, labO
		}
		if v := pbs + t[labBSrc][l]; v > best {
			best, arg = v, labBSrc
		}
		if v := pis + t[labISrc][l]; v > best {
			best, arg = v, labISrc
		}
		if v := pbc + t[labBCon][l]; v > best {
			best, arg = v, labBCon
		}
		if v := pic + t[labICon][l]; v > best {
			best, arg = v, labICon
		}
		cur[l] = best + em[l]
		back[l] = arg
	}
	best, arg := float32(math.Inf(-1)), int8(-1)
	if v := pbs + t[labBSrc][labISrc]; v > best {
		best, arg = v, labBSrc
	}
	if v := pis + t[labISrc][labISrc]; v > best {
		best, arg = v, labISrc
	}
	cur[labISrc] = best + em[labISrc]
	back[labISrc] = arg
	best, arg = float32(math.Inf(-1)), int8(-1)
	if v := pbc + t[labBCon][labICon]; v > best {
		best, arg = v, labBCon
	}
	if v := pic + t[labICon][labICon]; v > best {
		best, arg = v, labICon
	}
	cur[labICon] = best + em[labICon]
	back[labICon] = arg
}

// stepCues is stepRoles for the labels of the first stage (cueLabels).
func stepCues(prev, cur *[numLabels]float32, back *[numLabels]int8, t *[numLabels + 1][numLabels]float32, em *[numLabels]float32) {
	po, pb, pi := prev[labO], prev[labBCue], prev[labICue]
	for _, l := range [2]int{labO, labBCue} {
		best, arg := float32(math.Inf(-1)), int8(-1)
		if v := po + t[labO][l]; v > best {
			best, arg = v, labO
		}
		if v := pb + t[labBCue][l]; v > best {
			best, arg = v, labBCue
		}
		if v := pi + t[labICue][l]; v > best {
			best, arg = v, labICue
		}
		cur[l] = best + em[l]
		back[l] = arg
	}
	best, arg := float32(math.Inf(-1)), int8(-1)
	if v := pb + t[labBCue][labICue]; v > best {
		best, arg = v, labBCue
	}
	if v := pi + t[labICue][labICue]; v > best {
		best, arg = v, labICue
	}
	cur[labICue] = best + em[labICue]
	back[labICue] = arg
}

// setPreds fills preds and npreds from labels.
func (m *Model) setPreds() {
	for k, l := range m.labels {
		n := 0
		for _, p := range m.labels {
			if allowed(p, l) {
				m.preds[k][n] = uint8(p)
				n++
			}
		}
		m.npreds[k] = uint8(n)
	}
	// the two stages' labels have steps of their own, written out
	switch {
	case slices.Equal(m.labels, roleLabels):
		m.step = 5
	case slices.Equal(m.labels, cueLabels):
		m.step = 3
	default:
		m.step = 0
	}
}

// transitions returns the transition weights with the forbidden ones at
// -∞, and the same with the ends of sources and contents forbidden, for
// after a dangling word. A loaded model computes them once; a model in
// training, whose weights change, every time.
func (m *Model) transitions() (tr, trDangle *[numLabels + 1][numLabels]float32) {
	if m.tr != nil {
		return m.tr, m.trDangle
	}
	negInf := float32(math.Inf(-1))
	tr, trDangle = new([numLabels + 1][numLabels]float32), new([numLabels + 1][numLabels]float32)
	for p := range tr {
		for l := range tr[p] {
			tr[p][l], trDangle[p][l] = negInf, negInf
			if allowedTable[p][l] {
				tr[p][l] = m.trans[p][l]
				endSrc := (p == labBSrc || p == labISrc) && l != labISrc
				endCon := (p == labBCon || p == labICon) && l != labICon
				if !endSrc && !endCon {
					trDangle[p][l] = tr[p][l]
				}
			}
		}
	}
	return tr, trDangle
}

// The labels each stage uses: the first finds cues, the second the source
// and the content of one cue.
var (
	cueLabels  = []int{labO, labBCue, labICue}
	roleLabels = []int{labO, labBSrc, labISrc, labBCon, labICon}
)

// TrainExample is an article with its annotated attributions.
type TrainExample struct {
	Text         string
	Attributions []GoldAttribution
}

// GoldAttribution is one annotated attribution: spans of each role.
type GoldAttribution struct {
	Source, Cue, Content []Span
}

// TrainOptions set the training of a tagger.
type TrainOptions struct {
	Epochs int   // passes over the data; 0 means 15
	Bits   uint8 // log2 of the number of feature buckets of the cue stage; 0 means 17
	// RoleBits is the same for the stage that finds sources and contents;
	// 0 means 16.
	RoleBits uint8
	Seed     uint64 // the shuffling seed, for reproducible models
	// Lexicon gives the tagger WordNet's word classes and word clusters;
	// nil trains without.
	Lexicon *Lexicon
}

// goldLabels labels the tokens of a paragraph from annotated spans.
func goldLabels(toks []ttok, spans [3][]Span) []int {
	labs := make([]int, len(toks))
	for role, list := range spans {
		b := []int{labBSrc, labBCue, labBCon}[role]
		for _, sp := range list {
			first := true
			for i, t := range toks {
				if t.end <= sp.Start || t.start >= sp.End {
					continue
				}
				if labs[i] != labO && role == 2 {
					continue // cue and source win over content
				}
				if first {
					labs[i] = b
					first = false
				} else {
					labs[i] = b + 1
				}
			}
		}
	}
	// repair I without B after overlaps
	for i := range labs {
		if labs[i] == labISrc || labs[i] == labICue || labs[i] == labICon {
			if i == 0 || !allowed(labs[i-1], labs[i]) {
				labs[i]--
			}
		}
	}
	return labs
}

// Train learns a tagger from annotated articles with an averaged structured
// perceptron. The same examples, options and seed give the same model.
func Train(examples []TrainExample, opts TrainOptions, progress func(epoch int, errRate float64)) *Model {
	if opts.Epochs <= 0 {
		opts.Epochs = 15
	}
	if opts.Bits == 0 {
		opts.Bits = 17
	}
	if opts.RoleBits == 0 {
		opts.RoleBits = 16
	}
	mask := uint32(1)<<opts.Bits - 1
	var items []item
	seen, cued := map[uint32]int{}, map[uint32]int{}
	lsc := new(scratch)
	for _, ex := range examples {
		d := newDoc(ex.Text)
		d.attributeAll()
		var spans [3][]Span
		for _, a := range ex.Attributions {
			spans[0] = append(spans[0], a.Source...)
			spans[1] = append(spans[1], a.Cue...)
			spans[2] = append(spans[2], a.Content...)
		}
		for _, s := range d.taggerSeqs(new(scratch)) {
			if len(s.toks) == 0 {
				continue
			}
			opts.Lexicon.classify(lsc, s.toks)
			// the first stage learns cues alone; the second, per cue, its
			// source and content (roles.go)
			gold := goldLabels(s.toks, [3][]Span{nil, spans[1], nil})
			for i, t := range s.toks {
				// the first stage looks for cues outside quotations
				// only, so a word is counted where it may be one: "I
				// think" in a quotation does not make "think" rare
				if t.inq {
					continue
				}
				seen[t.wh]++
				if gold[i] == labBCue || gold[i] == labICue {
					cued[t.wh]++
				}
			}
			items = append(items, item{feats: features(s.toks, mask), gold: gold})
		}
	}
	m := &Model{bits: opts.Bits, w: make([]float32, int(mask+1)*numLabels), cueWords: map[uint32]bool{}, labels: cueLabels, lex: opts.Lexicon}
	m.setPreds()
	for h, n := range cued {
		if n >= 2 && float64(n) >= cueWordRate*float64(seen[h]) {
			m.cueWords[h] = true
		}
	}
	m.indexCueWords()
	m.perceptron(items, opts, progress)
	ro := opts
	ro.Bits = opts.RoleBits
	m.roles = trainRoles(examples, ro, uint32(1)<<ro.Bits-1)
	return m
}

// indexCueWords sets the bits of cueBloom.
func (m *Model) indexCueWords() {
	m.cueBloom = new([1024]uint64)
	for h := range m.cueWords {
		b := h >> 7 % (1024 * 64)
		m.cueBloom[b/64] |= 1 << (b % 64)
	}
}

// isCueWord reports whether the word hashed h was a cue in training.
func (m *Model) isCueWord(h uint32) bool {
	b := h >> 7 % (1024 * 64)
	return m.cueBloom[b/64]&(1<<(b%64)) != 0 && m.cueWords[h]
}

// cueWordRate is how often a word outside quotations must be part of a cue
// in training to anchor the first stage's windows. Function words that are
// often part of cues ("according to", "said in a statement") are far more
// often not, and windows around them would cover four tokens in five. Tuned
// on the PolNeAR dev month and on a fifth of the train month held out (train
// --holdout 0.2): 0.1 and 0.15 score the same as 0.2, for more windows.
const cueWordRate = 0.2

// item is one training sequence: its features and gold labels.
type item struct {
	feats  [][]uint32
	gold   []int
	dangle []bool // see decodeBiased
}

// perceptron trains m on items with the averaged structured perceptron.
func (m *Model) perceptron(items []item, opts TrainOptions, progress func(epoch int, errRate float64)) {
	acc := make([]float32, len(m.w))
	var tacc [numLabels + 1][numLabels]float32
	c := float32(1)
	sc := new(scratch)
	rng := rand.New(rand.NewPCG(opts.Seed, 0x6772617068640a))
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	for epoch := range opts.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		wrong, total := 0, 0
		for _, k := range order {
			it := items[k]
			pred := m.decodeInto(sc, it.feats, it.dangle)
			for i := range pred {
				total++
				prevG, prevP := numLabels, numLabels
				if i > 0 {
					prevG, prevP = it.gold[i-1], pred[i-1]
				}
				if pred[i] == it.gold[i] && prevG == prevP {
					continue
				}
				if pred[i] != it.gold[i] {
					wrong++
					for _, h := range it.feats[i] {
						g, p := int(h)*numLabels+it.gold[i], int(h)*numLabels+pred[i]
						m.w[g]++
						acc[g] += c
						m.w[p]--
						acc[p] -= c
					}
				}
				m.trans[prevG][it.gold[i]]++
				tacc[prevG][it.gold[i]] += c
				m.trans[prevP][pred[i]]--
				tacc[prevP][pred[i]] -= c
			}
			c++
		}
		if progress != nil {
			progress(epoch+1, float64(wrong)/float64(max(total, 1)))
		}
	}
	for i := range m.w {
		m.w[i] -= acc[i] / c
	}
	for i := range m.trans {
		for j := range m.trans[i] {
			m.trans[i][j] -= tacc[i][j] / c
		}
	}
}

// modelMagic names the model format; it changes with the layout of the file
// and with the features, whose hashed weights a model holds.
const modelMagic = "graphd-tagger-6\n"

// WriteTo writes the model: a header, the transition weights, and the
// feature weights quantized to 16 bits, gzipped.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(zw)
	bw.WriteString(modelMagic)
	m.writeBody(bw)
	if m.roles != nil {
		bw.WriteByte(1)
		m.roles.writeBody(bw)
	} else {
		bw.WriteByte(0)
	}
	if m.lex != nil {
		bw.WriteByte(1)
		writeLexicon(bw, m.lex.m)
	} else {
		bw.WriteByte(0)
	}
	if m.lex != nil && m.lex.cl != nil {
		bw.WriteByte(1)
		writeClusters(bw, m.lex.cl)
	} else {
		bw.WriteByte(0)
	}
	writeVerifier(bw, m.verifier)
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	err = zw.Close()
	return cw.n, err
}

// writeBody writes the bits, the transitions, the cue words and the
// quantized weights of one tagger.
func (m *Model) writeBody(bw *bufio.Writer) {
	bw.WriteByte(m.bits)
	bw.WriteByte(numLabels)
	var maxAbs float32
	for _, v := range m.w {
		maxAbs = max(maxAbs, float32(math.Abs(float64(v))))
	}
	scale := maxAbs / 32767
	if scale == 0 {
		scale = 1
	}
	binary.Write(bw, binary.LittleEndian, scale)
	binary.Write(bw, binary.LittleEndian, m.trans)
	words := make([]uint32, 0, len(m.cueWords))
	for h := range m.cueWords {
		words = append(words, h)
	}
	slices.Sort(words)
	binary.Write(bw, binary.LittleEndian, uint32(len(words)))
	binary.Write(bw, binary.LittleEndian, words)
	q := make([]int16, len(m.w))
	for i, v := range m.w {
		q[i] = int16(math.Round(float64(v / scale)))
	}
	binary.Write(bw, binary.LittleEndian, q)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// LoadModel reads a model written by WriteTo.
func LoadModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	br := bufio.NewReader(zr)
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		if strings.HasPrefix(string(magic), "graphd-tagger-") {
			return nil, fmt.Errorf("%w: format %q, not %q: train it again with this graphd", ErrModel,
				strings.TrimSpace(string(magic)), strings.TrimSpace(modelMagic))
		}
		return nil, fmt.Errorf("%w: not a graphd tagger model", ErrModel)
	}
	m, err := readBody(br)
	if err != nil {
		return nil, err
	}
	m.labels = cueLabels
	m.pack(m.raw)
	has, err := br.ReadByte()
	if err != nil || has != 1 {
		return nil, fmt.Errorf("%w: no second stage", ErrModel)
	}
	if m.roles, err = readBody(br); err != nil {
		return nil, err
	}
	m.roles.labels = roleLabels
	m.roles.pack(m.roles.raw)
	if has, err := br.ReadByte(); err != nil {
		return nil, fmt.Errorf("%w: no word classes", ErrModel)
	} else if has == 1 {
		lex, err := readLexicon(br)
		if err != nil {
			return nil, err
		}
		m.lex = &Lexicon{m: lex}
	}
	if has, err := br.ReadByte(); err != nil {
		return nil, fmt.Errorf("%w: no word clusters", ErrModel)
	} else if has == 1 {
		cl, err := readClusters(br)
		if err != nil {
			return nil, err
		}
		if m.lex == nil {
			m.lex = &Lexicon{m: map[uint32]lexClass{}}
		}
		m.lex.cl = cl
	}
	if m.verifier, err = readVerifier(br); err != nil {
		return nil, err
	}
	// The end of the file, where gzip checks the checksum and length of
	// what it held: a file cut or changed there is refused too.
	if _, err := br.ReadByte(); err != io.EOF {
		if err == nil {
			err = errors.New("more data after the model")
		}
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	m.raw, m.roles.raw = nil, nil
	return m, nil
}

// readBody reads what writeBody wrote.
func readBody(br *bufio.Reader) (*Model, error) {
	bits, _ := br.ReadByte()
	nl, _ := br.ReadByte()
	if bits < 8 || bits > 26 || nl != numLabels {
		return nil, fmt.Errorf("%w: %d bits, %d labels", ErrModel, bits, nl)
	}
	m := &Model{bits: bits}
	var scale float32
	if err := binary.Read(br, binary.LittleEndian, &scale); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	if err := binary.Read(br, binary.LittleEndian, &m.trans); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	var nw uint32
	if err := binary.Read(br, binary.LittleEndian, &nw); err != nil || nw > 1<<20 {
		return nil, fmt.Errorf("%w: cue words: %v", ErrModel, err)
	}
	words := make([]uint32, nw)
	if err := binary.Read(br, binary.LittleEndian, words); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	m.cueWords = make(map[uint32]bool, nw)
	for _, h := range words {
		m.cueWords[h] = true
	}
	m.indexCueWords()
	q := make([]int16, (1<<bits)*numLabels)
	if err := binary.Read(br, binary.LittleEndian, q); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	m.raw, m.scale = q, scale
	return m, nil
}
