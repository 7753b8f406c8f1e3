package ingest

import (
	"slices"
	"sort"
)

// The second stage of the tagger: given one cue, label the tokens around it
// as its source, its content or neither. Conditioning on the cue lets the
// features say where each token lies relative to it (which side, how far,
// across how many quotation marks, commas and sentence ends, past another
// reporting verb), which a tagger of the whole paragraph cannot; and it ties
// every source and content to its cue by construction.

// roleWindow is how many tokens on each side of a cue may be its source or
// content.
const roleWindow = 70

// fineBucket buckets a distance in tokens.
func fineBucket(n int) byte {
	switch {
	case n <= 6:
		return byte('0' + n)
	case n <= 8:
		return '7'
	case n <= 11:
		return '8'
	case n <= 15:
		return '9'
	case n <= 22:
		return 'a'
	case n <= 32:
		return 'b'
	default:
		return 'c'
	}
}

func clip2(n int) byte {
	if n > 2 {
		n = 2
	}
	return byte('0' + n)
}

// sentences numbers the sentences of seq.
func sentences(seq []ttok, out []int) []int {
	out = grow(out, len(seq))
	for i := range seq {
		if i > 0 {
			out[i] = out[i-1]
			if seq[i].sentStart {
				out[i]++
			}
		}
	}
	return out
}

// roleFeatures computes the features of the tokens seq[lo:hi] with respect
// to the cue seq[cs:ce]; the result is valid until the next call.
func (sc *scratch) roleFeatures(seq []ttok, sent []int, lo, hi, cs, ce int, mask uint32) [][]uint32 {
	n := hi - lo
	sc.out = grow(sc.out, n)
	out := sc.out
	flat := sc.flat[:0]
	if cap(flat) < n*24 {
		flat = make([]uint32, 0, n*24)
	}
	cue := seq[cs].wh
	cueAtt := seq[cs].ruleAtt
	word := func(i int) uint32 {
		if i < 0 {
			return 1
		}
		if i >= len(seq) {
			return 2
		}
		return seq[i].wh
	}
	// what lies between each token and the cue, counted outward from it
	sc.ints = grow(sc.ints, 4*n)
	marks, commas, others, opens := sc.ints[:n], sc.ints[n:2*n], sc.ints[2*n:3*n], sc.ints[3*n:4*n]
	// the nearest word between each token and the cue that opens a clause
	// ("which", "but", "while"), whether after a comma, as word<<1|comma
	sc.opener = grow(sc.opener, n)
	opener := sc.opener[:n]
	count := func(from, to, step int) {
		m, c, o, op := 0, 0, 0, 0
		ow := uint32(0)
		for i := from; i != to; i += step {
			t := seq[i]
			marks[i-lo], commas[i-lo], others[i-lo], opens[i-lo], opener[i-lo] = m, c, o, op, ow
			if !t.inq && t.clauseOpen {
				ow = t.wh << 1
				if i > 0 && seq[i-1].comma {
					ow |= 1
				}
			}
			if t.mark != 0 {
				m++
			}
			if t.comma {
				c++
			}
			if t.lex && !t.inq {
				o++
			}
			// a clause that opens after a comma: ", which", ", but"
			if !t.inq && t.clauseOpen && i > 0 && seq[i-1].comma {
				op++
			}
		}
	}
	count(cs-1, lo-1, -1)
	count(ce, hi, 1)
	for i := lo; i < hi; i++ {
		t := seq[i]
		start := len(flat)
		add := func(h hasher) { flat = append(flat, uint32(h)&mask) }
		var dir byte
		var dist int
		switch {
		case i < cs:
			dir, dist = 'L', cs-i
		case i >= ce:
			dir, dist = 'R', i-ce+1
		default:
			dir = 'C'
		}
		b := fineBucket(dist)
		coarse := bucket(dist)
		k := i - lo
		sd := sent[i] - sent[cs]
		sdb := byte('2' + max(-2, min(2, sd)))
		add(newHash(40).b(dir).b(b))
		add(newHash(42).b(dir).u(t.wh))
		add(newHash(43).b(dir).u(word(i - 1)))
		add(newHash(44).b(dir).u(word(i + 1)))
		add(newHash(47).b(dir).b(boolByte(t.inq)).b(t.mark))
		add(newHash(48).b(dir).b(clip2(marks[k])).b(sdb))
		add(newHash(49).b(dir).b(clip2(commas[k])).b(clip2(others[k])))
		add(newHash(50).u(cue).b(dir).b(coarse))
		add(newHash(51).u(cue).b(dir).b(clip2(marks[k])))
		same := t.ruleAtt != 0 && t.ruleAtt == cueAtt
		add(newHash(52).b(t.rule).b(dir).b(boolByte(same)))
		add(newHash(54).b(dir).u(word(i - 1)).u(t.wh))
		pp := uint32(1)
		if i > 0 {
			pp = seq[i-1].wn.pos()
		}
		add(newHash(55).b(dir).u(t.wn.pos()).u(pp))
		add(newHash(56).b(dir).u(t.wn.noun()).u(t.wn.verb()))
		add(newHash(70).b(dir).u(uint32(seq[cs].cl[2])).u(t.wh))
		add(newHash(71).b(dir).b(clip2(opens[k])).b(sdb).b(boolByte(t.inq)))
		add(newHash(72).b(dir).u(opener[k]).b(sdb))

		if t.cl[1] != 0 || seq[cs].cl[1] != 0 {
			add(newHash(65).b(dir).u(uint32(t.cl[1])))
			add(newHash(66).u(uint32(seq[cs].cl[1])).b(dir).b(coarse))
			add(newHash(67).b(dir).u(uint32(t.cl[0])).b(clip2(marks[k])))
		}
		out[k] = flat[start:len(flat):len(flat)]
	}
	sc.flat = flat
	return out
}

// roleWindowOf returns the tokens that may be a role of the cue seq[cs:ce].
func roleWindowOf(n, cs, ce int) (int, int) {
	return max(0, cs-roleWindow), min(n, ce+roleWindow)
}

// trainRoles trains the second stage on every annotated attribution.
func trainRoles(examples []TrainExample, opts TrainOptions, mask uint32) *Model {
	var items []item
	lsc := new(scratch)
	for _, ex := range examples {
		d := newDoc(ex.Text)
		d.attributeAll()
		for _, s := range d.taggerSeqs(new(scratch)) {
			if len(s.toks) == 0 {
				continue
			}
			opts.Lexicon.classify(lsc, s.toks)
			sent := sentences(s.toks, nil)
			for _, a := range ex.Attributions {
				if len(a.Cue) == 0 {
					continue
				}
				cs, ce := tokensIn(s.toks, a.Cue[0])
				if cs == ce {
					continue
				}
				lo, hi := roleWindowOf(len(s.toks), cs, ce)
				gold := goldLabels(s.toks[lo:hi], [3][]Span{a.Source, nil, a.Content})
				for i := range gold {
					if lo+i >= cs && lo+i < ce {
						gold[i] = labO
					}
				}
				sc := new(scratch)
				items = append(items, item{sc.roleFeatures(s.toks, sent, lo, hi, cs, ce, mask), gold, slices.Clone(sc.dangles(s.toks[lo:hi]))})
			}
		}
	}
	m := &Model{bits: opts.Bits, w: make([]float32, int(mask+1)*numLabels), labels: roleLabels}
	m.setPreds()
	m.perceptron(items, opts, nil)
	return m
}

// tokensIn returns the tokens of seq that overlap sp.
func tokensIn(seq []ttok, sp Span) (int, int) {
	i := sort.Search(len(seq), func(k int) bool { return seq[k].end > sp.Start })
	j := i
	for j < len(seq) && seq[j].start < sp.End {
		j++
	}
	return i, j
}

// cueRoles finds the source and content of the cue seq[cs:ce] with the
// second stage: the source run nearest the cue, and the content runs.
func (d *doc) cueRoles(m *Model, sc *scratch, seq []ttok, sent []int, cs, ce int) (src tspan, cons []tspan) {
	lo, hi := roleWindowOf(len(seq), cs, ce)
	mask := uint32(1)<<m.bits - 1
	feats := sc.roleFeatures(seq, sent, lo, hi, cs, ce, mask)
	labs := m.decodeInto(sc, feats, sc.dangles(seq[lo:hi]))
	win := seq[lo:hi]
	best := -1
	for _, r := range runs(win, labs, labBSrc) {
		if best < 0 || abs(r.start-seq[cs].start) < abs(src.start-seq[cs].start) {
			src, best = r, 0
		}
	}
	cons = runs(win, labs, labBCon)
	if best < 0 {
		src = tspan{}
	}
	return src, cons
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// dangles marks the tokens of seq a source or content may not end on; the
// result is valid until the next call.
func (sc *scratch) dangles(seq []ttok) []bool {
	sc.dangle = grow(sc.dangle, len(seq))
	for i, t := range seq {
		sc.dangle[i] = t.dangle
	}
	return sc.dangle
}

// CueRoles finds the source and content of each of the given cues of text
// with the second stage of m alone, the cues taken as right: what the
// extractor would find if it found every cue. Each result holds the cue
// as given, the source run nearest it, if any, and the content runs. It is
// for evaluation; Extract finds cues itself. A nil model finds nothing.
func (m *Model) CueRoles(text string, cues []Span) []GoldAttribution {
	if m == nil || m.roles == nil {
		return nil
	}
	d := newDoc(text)
	d.attributeAll()
	sc := new(scratch)
	out := make([]GoldAttribution, 0, len(cues))
	seqs := d.taggerSeqs(sc)
	for _, c := range cues {
		g := GoldAttribution{Cue: []Span{c}}
		for _, s := range seqs {
			cs, ce := tokensIn(s.toks, c)
			if cs == ce {
				continue
			}
			m.lex.classify(sc, s.toks)
			src, cons := d.cueRoles(m.roles, sc, s.toks, sentences(s.toks, nil), cs, ce)
			if src.end > src.start {
				g.Source = []Span{{src.start, src.end}}
			}
			for _, x := range cons {
				g.Content = append(g.Content, Span{x.start, x.end})
			}
			break
		}
		out = append(out, g)
	}
	return out
}
