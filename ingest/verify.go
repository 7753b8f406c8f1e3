package ingest

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// The verifier is a second pass over the attributions the pipeline builds:
// a logistic regression over features the first stage does not see (does
// the source resolve to someone, how long and how far the source and the
// content are, the cue's words and their WordNet classes and clusters,
// quotation marks, where the paragraph stands, the first stage's own margin
// for the cue) that keeps an attribution when it scores at least its
// threshold. With a verifier the first stage decodes with a higher cue
// bias, for more candidates, and the verifier keeps the right ones. It is
// trained on the first stage's output on articles that stage was not
// trained on (TrainVerifier, and polnear.TrainVerified).
type verifier struct {
	bias      float32   // the first stage's cue bias when the verifier filters
	threshold float32   // the least logit kept
	bits      uint8     // log2 of len(w)
	w         []float32 // the hashed feature weights
}

// verifyBits is log2 of the verifier's feature buckets.
const verifyBits = 15

// cueBiasOf returns the cue bias the first stage decodes with.
func (m *Model) cueBiasOf() float32 {
	if m.verifier != nil {
		return m.verifier.bias
	}
	return cueBias
}

// Candidate is one attribution as the pipeline builds it before the
// verifier: its spans and the verifier's features. Model.Candidates returns
// them, to label against annotated articles and train a verifier.
type Candidate struct {
	Source  *Span
	Cue     *Span
	Content []Span
	Feats   []uint32
}

// Candidates runs the extractor over text with the first stage's cue bias
// set to bias, and no verifier, and returns every attribution as the
// verifier would see it.
func (m *Model) Candidates(text string, bias float32) []Candidate {
	d := newDoc(text)
	d.attributeAll()
	d.applyTaggerBiased(m, bias)
	d.afterTagger(m.lex)
	out := make([]Candidate, 0, len(d.atts))
	mask := uint32(1)<<verifyBits - 1
	cons := d.contents()
	for i, a := range d.atts {
		c := Candidate{Feats: d.verifyFeatures(i, cons, m.lex, mask, nil)}
		if a.src != nil {
			c.Source = &Span{a.src.Start, a.src.End}
		}
		if a.cue != nil {
			c.Cue = &Span{a.cue.Start, a.cue.End}
		}
		for _, s := range cons[i] {
			c.Content = append(c.Content, Span{s.start, s.end})
		}
		out = append(out, c)
	}
	return out
}

// verify drops the attributions v scores below its threshold. Each is
// scored with all of them there, as Candidates gives them for training
// (their features count the others), and only then are any dropped.
func (d *doc) verify(v *verifier, lex *Lexicon) {
	mask := uint32(1)<<v.bits - 1
	var buf []uint32
	cons := d.contents()
	keep := make([]bool, len(d.atts))
	for i := range d.atts {
		buf = d.verifyFeatures(i, cons, lex, mask, buf[:0])
		var z float32
		for _, h := range buf {
			z += v.w[h]
		}
		keep[i] = z >= v.threshold
	}
	kept := d.atts[:0]
	for i, a := range d.atts {
		if keep[i] {
			kept = append(kept, a)
		}
	}
	clear(d.atts[len(kept):])
	d.atts = kept
}

// contents returns the content spans of every attribution (contentOf).
func (d *doc) contents() [][]tspan {
	out := make([][]tspan, len(d.atts))
	for i, a := range d.atts {
		out[i] = d.contentOf(a)
	}
	return out
}

// verifyFeatures appends to buf the feature hashes of the attribution i,
// masked; all holds the contents of every attribution (contents).
func (d *doc) verifyFeatures(i int, all [][]tspan, lex *Lexicon, mask uint32, buf []uint32) []uint32 {
	a := d.atts[i]
	add := func(h hasher) { buf = append(buf, uint32(h)&mask) }
	add(newHash(200)) // the intercept
	cons := all[i]
	quoted := len(a.segs) > 0
	hasSrc := a.src != nil
	named := a.speaker != ""
	q, s, nm := boolByte(quoted), boolByte(hasSrc), boolByte(named)
	add(newHash(201).s(a.how))
	add(newHash(202).s(a.kind))
	add(newHash(203).b(q).b(s).b(nm))
	add(newHash(204).s(a.stype).b(s))
	add(newHash(205).s(a.how).b(q).b(s))
	add(newHash(206).b(bucket(a.para)).b(a.sentBucket()))
	// the first stage's margin for the cue's first word, and whether the
	// cue would have been taken at the usual bias
	if a.tcue {
		mb := byte('a' + min(max(int(math.Floor(float64(a.margin)/4))+8, 0), 16))
		add(newHash(207).b(mb))
		add(newHash(208).b(boolByte(a.margin+cueBias >= 0)).b(q).b(s))
		add(newHash(209).b(mb).s(a.how))
	} else {
		add(newHash(207).b('-'))
	}
	// the content: length, fragments, first word, where it lies
	nc := 0
	for _, c := range cons {
		nc += d.wordsIn(c.start, c.end)
	}
	add(newHash(210).b(bucket(nc)).b(q))
	add(newHash(211).b(bucket(len(cons))))
	if len(cons) > 0 {
		first, last := cons[0], cons[len(cons)-1]
		add(newHash(212).s(d.firstWord(first.start, first.end)).b(q))
		add(newHash(213).s(d.lastWord(last.start, last.end)))
		// what the content ends on and what follows it
		end := byte('w')
		if last.end > 0 && last.end <= len(d.r) {
			switch r := d.r[last.end-1]; {
			case r == '.' || r == '?' || r == '!':
				end = '.'
			case r == ',' || r == ';' || r == ':':
				end = ','
			case isDoubleOpen(r) || r == '"' || r == '”' || r == '’' || r == '\'':
				end = 'q'
			}
		}
		after := byte('w')
		if last.end < len(d.r) {
			switch r := d.r[last.end]; {
			case r == '\n':
				after = 'n'
			case r == '.' || r == ',' || r == ';' || r == ':':
				after = '.'
			case r == ' ':
				after = 's'
			case r == '"' || r == '”' || r == '’':
				after = 'q'
			}
		}
		add(newHash(214).b(end).b(after).b(q))
		marks := 0
		for _, c := range cons {
			for i := c.start; i < c.end; i++ {
				if r := d.r[i]; r == '"' || r == '“' || r == '”' {
					marks++
				}
			}
		}
		add(newHash(215).b(byte('0' + min(marks, 4))).b(byte('0' + marks%2)))
	}
	if a.cue != nil {
		cue := strings.ToLower(a.cue.Text)
		words := strings.FieldsFunc(cue, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '\'' || r >= 0x80) })
		add(newHash(220).s(cue))
		add(newHash(221).s(cue).b(q))
		add(newHash(222).s(cue).b(s).b(nm))
		add(newHash(223).b(bucket(len(words))))
		add(newHash(224).s(cueKind(a.cue)).b(q))
		for i, w := range words {
			if i == 3 {
				break
			}
			add(newHash(225).s(w))
			if lex != nil {
				h := uint32(newHash(1).s(w))
				c := lex.m[h]
				add(newHash(226).u(uint32(c) & 0x3ffff).b(q))
				add(newHash(227).u(uint32(c) >> 6 & 0x3f).u(uint32(c) >> 12 & 0x3f))
				if len(w) >= 3 {
					fine, mid, _ := lex.cl.of(h)
					add(newHash(228).u(uint32(fine)))
					add(newHash(229).u(uint32(mid)).b(q).b(s))
				}
			}
		}
		// where the content and the source lie from the cue
		if len(cons) > 0 {
			side := byte('a')
			dist := d.wordsIn(cons[len(cons)-1].end, a.cue.Start)
			if cons[0].start >= a.cue.End {
				side, dist = 'b', d.wordsIn(a.cue.End, cons[0].start)
			} else if cons[len(cons)-1].end > a.cue.Start {
				side, dist = 'o', 0
			}
			add(newHash(230).b(side).b(bucket(dist)).b(q))
		}
		if hasSrc {
			side := byte('a')
			dist := d.wordsIn(a.src.End, a.cue.Start)
			if a.src.Start >= a.cue.End {
				side, dist = 'b', d.wordsIn(a.cue.End, a.src.Start)
			}
			ns := d.wordsIn(a.src.Start, a.src.End)
			add(newHash(231).b(side).b(bucket(dist)))
			add(newHash(232).b(bucket(ns)).b(nm))
			add(newHash(233).s(strings.ToLower(d.firstWord(a.src.Start, a.src.End))))
			add(newHash(235).s(d.lastWord(a.src.Start, a.src.End)).b(nm))
			add(newHash(234).s(cue).b(side))
		}
	}
	// how many other attributions share the sentence, and whether this
	// one's cue or content lies inside another's content
	n, nested, overlaps := 0, false, false
	for j, b := range d.atts {
		if b == a {
			continue
		}
		if b.para == a.para && b.sent == a.sent {
			n++
		}
		for _, bc := range all[j] {
			if a.cue != nil && a.cue.Start >= bc.start && a.cue.End <= bc.end {
				nested = true
			}
			for _, c := range cons {
				if max(c.start, bc.start) < min(c.end, bc.end) {
					overlaps = true
				}
			}
		}
	}
	add(newHash(240).b(bucket(n)).b(q))
	add(newHash(241).b(boolByte(nested)).b(boolByte(overlaps)).b(q))
	add(newHash(242).b(boolByte(a.goesOn != nil)).b(boolByte(a.prev != nil)).s(a.how))
	add(newHash(243).u(uint32(a.conf * 20)))
	if a.cue != nil {
		prev := d.lastWord(max(a.cue.Start-40, 0), a.cue.Start)
		next := d.firstWord(a.cue.End, min(a.cue.End+40, len(d.r)))
		add(newHash(244).s(prev))
		add(newHash(245).s(next))
		add(newHash(246).s(strings.ToLower(a.cue.Text)).s(next))
		if a.tcue {
			mb := byte('a' + min(max(int(math.Floor(float64(a.margin)/8))+4, 0), 8))
			add(newHash(247).s(strings.ToLower(a.cue.Text)).b(mb))
		}
	}
	return buf
}

func (a *attr) sentBucket() byte { return bucket(a.sent) }

// wordsIn counts the words and numbers between offsets s and e.
func (d *doc) wordsIn(s, e int) int {
	n, in := 0, false
	for _, r := range d.r[max(s, 0):max(min(e, len(d.r)), max(s, 0))] {
		var w bool
		if r < 0x80 {
			w = r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		} else {
			w = isWordRune(r)
		}
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// lastWord returns the last word between offsets s and e, lower case.
func (d *doc) lastWord(s, e int) string {
	e = min(e, len(d.r))
	s = max(s, 0)
	j := e
	for j > s && !isWordRune(d.r[j-1]) {
		j--
	}
	i := j
	for i > s && isWordRune(d.r[i-1]) {
		i--
	}
	return strings.ToLower(string(d.r[i:j]))
}

// firstWord returns the first word between offsets s and e, lower case.
func (d *doc) firstWord(s, e int) string {
	i := max(s, 0)
	e = min(e, len(d.r))
	for i < e && !isWordRune(d.r[i]) {
		i++
	}
	j := i
	for j < e && isWordRune(d.r[j]) {
		j++
	}
	return strings.ToLower(string(d.r[i:j]))
}

// VerifierExample is one labelled candidate: its features, whether it
// matches an annotated attribution, and the fold of articles it came from.
type VerifierExample struct {
	Feats []uint32
	Right bool
	Fold  int
}

// VerifierOptions are the settings of TrainVerifier.
type VerifierOptions struct {
	// Bias is the first stage's cue bias the candidates were decoded with,
	// kept in the model: it decodes with it when the verifier filters.
	Bias float32
	// Gold is the number of annotated attributions of the articles the
	// candidates came from: the threshold is chosen for the best F1 over
	// them.
	Gold   int
	Folds  int // the folds of the examples, 0 to Folds-1
	Epochs int // passes of gradient descent; 0 means 20
}

// TrainVerifier fits the verifier of m to the examples and sets it. The
// threshold is the one that gives the best attribution F1 when each fold's
// candidates are scored by a verifier fitted to the other folds. It returns
// that F1 and the threshold.
func (m *Model) TrainVerifier(ex []VerifierExample, opts VerifierOptions) (f1, threshold float64) {
	if opts.Epochs <= 0 {
		opts.Epochs = 20
	}
	type scored struct {
		z     float32
		right bool
	}
	var all []scored
	for f := range opts.Folds {
		w := fitLogistic(ex, opts.Epochs, func(e *VerifierExample) bool { return e.Fold != f })
		for i := range ex {
			if ex[i].Fold == f {
				all = append(all, scored{sumAt(w, ex[i].Feats), ex[i].Right})
			}
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.z, a.z) })
	best, bestT, tp := 0.0, float32(0), 0
	for i, s := range all {
		if s.right {
			tp++
		}
		if i+1 < len(all) && all[i+1].z == s.z {
			continue
		}
		if f := 2 * float64(tp) / float64(opts.Gold+i+1); f > best {
			best, bestT = f, s.z
			if i+1 < len(all) {
				bestT = (s.z + all[i+1].z) / 2
			}
		}
	}
	w := fitLogistic(ex, opts.Epochs, func(*VerifierExample) bool { return true })
	m.verifier = &verifier{bias: opts.Bias, threshold: bestT, bits: verifyBits, w: w}
	return best, float64(bestT)
}

func sumAt(w []float32, f []uint32) float32 {
	var z float32
	for _, h := range f {
		z += w[h]
	}
	return z
}

// fitLogistic fits a logistic regression with AdaGrad over the examples
// use keeps, in their order (deterministic).
func fitLogistic(ex []VerifierExample, epochs int, use func(*VerifierExample) bool) []float32 {
	// a small rate: the hashed cue words are sparse, and a larger one
	// fits the training folds at the held-out fold's expense
	const (
		rate = 0.01
		l2   = 1e-5
	)
	w := make([]float32, 1<<verifyBits)
	g2 := make([]float32, 1<<verifyBits)
	for range epochs {
		for i := range ex {
			e := &ex[i]
			if !use(e) {
				continue
			}
			p := 1 / (1 + math.Exp(-float64(sumAt(w, e.Feats))))
			y := 0.0
			if e.Right {
				y = 1
			}
			g := float32(p - y)
			for _, h := range e.Feats {
				gh := g + l2*w[h]
				g2[h] += gh * gh
				w[h] -= rate * gh / float32(math.Sqrt(float64(g2[h]))+1e-6)
			}
		}
	}
	return w
}

// writeVerifier writes v, when there is one, after a byte 1: a model
// without a verifier ends before it, as models did before verifiers.
func writeVerifier(bw *bufio.Writer, v *verifier) {
	if v == nil {
		return
	}
	bw.WriteByte(1)
	bw.WriteByte(v.bits)
	binary.Write(bw, binary.LittleEndian, v.bias)
	binary.Write(bw, binary.LittleEndian, v.threshold)
	binary.Write(bw, binary.LittleEndian, v.w)
}

// readVerifier reads what writeVerifier wrote.
func readVerifier(br *bufio.Reader) (*verifier, error) {
	has, err := br.ReadByte()
	switch {
	case err == io.EOF:
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	case has != 1:
		return nil, fmt.Errorf("%w: bad verifier section", ErrModel)
	}
	v := &verifier{}
	if v.bits, err = br.ReadByte(); err != nil || v.bits < 8 || v.bits > 20 {
		return nil, fmt.Errorf("%w: verifier of %d bits", ErrModel, v.bits)
	}
	v.w = make([]float32, 1<<v.bits)
	for _, x := range []any{&v.bias, &v.threshold, v.w} {
		if err := binary.Read(br, binary.LittleEndian, x); err != nil {
			return nil, fmt.Errorf("%w: verifier: %v", ErrModel, err)
		}
	}
	return v, nil
}
