package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Word classes from WordNet. The tagger learns from one month of news, in
// which most of the verbs and nouns that introduce what someone said,
// thought or wanted ("outlined", "admires", "disdain for") occur once or
// never. WordNet's lexicographer files sort every sense of every English
// word into broad classes (verb.communication, verb.cognition,
// verb.emotion, noun.feeling, …), and its index tells which parts of speech
// a word can be: features of those classes let what the tagger learnt of
// the words it saw carry over to the words it did not. The classes are
// read from a WordNet 3.0 database when a model is trained and stored in
// the model, so nothing is read at run time.

// ErrWordNet means a WordNet database could not be read.
var ErrWordNet = errors.New("bad WordNet database")

// A lexClass packs what WordNet says of one word form:
//
//	bits  0–3   the parts of speech it can be (noun, verb, adjective, adverb)
//	bits  4–5   the most frequent of them in WordNet's tagged corpus
//	bits  6–11  the lexicographer file of its first noun sense, plus one
//	bits 12–17  the same of its first verb sense
//	bits 18–22  whether any verb sense is cognition, communication,
//	            emotion, perception or social
//	bits 23–27  whether any noun sense is act, cognition, communication,
//	            feeling or motive
//	bits 28–29  the kind of its first adjective sense (all, pertainym,
//	            participle), plus one
//
// Zero means a word WordNet does not know.
type lexClass uint32

func (c lexClass) pos() uint32       { return uint32(c) & 0x3f }
func (c lexClass) noun() uint32      { return uint32(c) >> 6 & 0x3f }
func (c lexClass) verb() uint32      { return uint32(c) >> 12 & 0x3f }
func (c lexClass) verbFlags() uint32 { return uint32(c) >> 18 & 0x1f }
func (c lexClass) nounFlags() uint32 { return uint32(c) >> 23 & 0x1f }

// The parts of speech, in the order of WordNet's file names.
var wnParts = [4]string{"noun", "verb", "adj", "adv"}

// The lexicographer files the flags test.
var (
	verbFlagFiles = [5]int{31, 32, 37, 39, 41} // cognition, communication, emotion, perception, social
	nounFlagFiles = [5]int{4, 9, 10, 12, 16}   // act, cognition, communication, feeling, motive
)

// wnEntry is what one part of speech of one lemma contributes.
type wnEntry struct {
	first  int // lexicographer file of the first sense
	flags  uint32
	tagged int // how often its senses were tagged in WordNet's corpus
}

// ReadWordNet reads the word classes of a WordNet 3.0 database in dir (its
// index.*, data.* and *.exc files, as Debian's wordnet-base installs them
// in /usr/share/wordnet) for every single-word lemma and its regular and
// listed irregular inflections, keyed by the tagger's hash of the lower-case
// form. It returns ErrWordNet, wrapped with the file and line, or a file
// system error.
func ReadWordNet(dir string) (*Lexicon, error) {
	forms := map[string]*[4]wnEntry{}
	add := func(form string, part int, e wnEntry) {
		f := forms[form]
		if f == nil {
			f = new([4]wnEntry)
			forms[form] = f
		}
		// several lemmas of one part (found: find, found): the more
		// frequent wins
		if old := f[part]; old.first == 0 || e.tagged > old.tagged {
			f[part] = e
		}
	}
	for part, name := range wnParts {
		data, err := os.ReadFile(filepath.Join(dir, "data."+name))
		if err != nil {
			return nil, fmt.Errorf("read WordNet: %w", err)
		}
		lemmas := map[string]wnEntry{}
		if err := readIndex(filepath.Join(dir, "index."+name), data, part, lemmas); err != nil {
			return nil, err
		}
		lemmaList := make([]string, 0, len(lemmas))
		for l := range lemmas {
			lemmaList = append(lemmaList, l)
		}
		slices.Sort(lemmaList)
		for _, l := range lemmaList {
			e := lemmas[l]
			add(l, part, e)
			for _, f := range inflect(l, part) {
				add(f, part, e)
			}
		}
		exc, err := os.Open(filepath.Join(dir, name+".exc"))
		if err != nil {
			return nil, fmt.Errorf("read WordNet: %w", err)
		}
		sc := bufio.NewScanner(exc)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 || strings.Contains(f[0], "_") {
				continue
			}
			if e, ok := lemmas[f[1]]; ok {
				add(f[0], part, e)
			}
		}
		exc.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read WordNet %s.exc: %w", name, err)
		}
	}
	out := make(map[uint32]lexClass, len(forms))
	for form, es := range forms {
		var c uint32
		dom, best := 0, -1
		for part, e := range es {
			if e.first == 0 {
				continue
			}
			c |= 1 << part
			if e.tagged > best {
				dom, best = part, e.tagged
			}
		}
		c |= uint32(dom) << 4
		if e := es[0]; e.first != 0 {
			c |= uint32(e.first) << 6
			c |= e.flags << 23
		}
		if e := es[1]; e.first != 0 {
			c |= uint32(e.first) << 12
			c |= e.flags << 18
		}
		if e := es[2]; e.first != 0 {
			c |= uint32(min(e.first, 3)) << 28
		}
		out[uint32(newHash(1).s(form))] = lexClass(c)
	}
	return &Lexicon{m: out}, nil
}

// Lexicon holds the word classes of a WordNet database, ReadWordNet reads
// one, and the word clusters of WithClusters. A model trained with a
// lexicon keeps it.
type Lexicon struct {
	m  map[uint32]lexClass
	cl *Clusters
}

// WithClusters returns a lexicon of l's word classes (l may be nil) and the
// clusters c.
func (l *Lexicon) WithClusters(c *Clusters) *Lexicon {
	out := &Lexicon{m: map[uint32]lexClass{}, cl: c}
	if l != nil {
		out.m = l.m
	}
	return out
}

// Len returns the number of word forms in l.
func (l *Lexicon) Len() int { return len(l.m) }

// classify sets the WordNet class of every token of toks. Most tokens
// are common words: sc keeps the classes of the last words it looked up,
// which stay in cache where the whole table does not.
func (l *Lexicon) classify(sc *scratch, toks []ttok) {
	if l == nil {
		return
	}
	if sc.lexCache == nil {
		sc.lexCache = new([4096]lexCached)
	}
	if sc.lexOf != l {
		sc.lexOf = l
		clear(sc.lexCache[:])
	}
	for i := range toks {
		if toks[i].end-toks[i].start < 3 {
			// punctuation, and words too short for WordNet to tell
			// anything their own weights do not
			toks[i].wn, toks[i].cl = 0, [3]uint16{}
			continue
		}
		h := toks[i].wh
		e := &sc.lexCache[h%uint32(len(sc.lexCache))]
		if !e.ok || e.h != h {
			*e = lexCached{h: h, c: l.m[h], ok: true}
			e.cl[0], e.cl[1], e.cl[2] = l.cl.of(h)
		}
		toks[i].wn, toks[i].cl = e.c, e.cl
	}
}

// lexCached is one word's class in scratch's cache.
type lexCached struct {
	h  uint32
	c  lexClass
	cl [3]uint16
	ok bool
}

// readIndex reads one index file into lemmas, finding the lexicographer
// file of each sense in data, the part's data file (a synset's offset is
// its byte offset there).
func readIndex(path string, data []byte, part int, lemmas map[string]wnEntry) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read WordNet: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, " ") || text == "" {
			continue // the licence
		}
		// lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
		fl := strings.Fields(text)
		bad := func(what string) error {
			return fmt.Errorf("%w: %s line %d: %s", ErrWordNet, path, line, what)
		}
		if len(fl) < 4 {
			return bad("too few fields")
		}
		lemma := fl[0]
		nsyn, err1 := strconv.Atoi(fl[2])
		nptr, err2 := strconv.Atoi(fl[3])
		if err1 != nil || err2 != nil || nsyn < 0 || nptr < 0 || 4+nptr+2+nsyn > len(fl) {
			return bad("bad counts")
		}
		tagged, err := strconv.Atoi(fl[4+nptr+1])
		if err != nil {
			return bad("bad tagged sense count")
		}
		if strings.ContainsAny(lemma, "_.0123456789") {
			continue // phrases and numbers: the tagger sees single words
		}
		e := wnEntry{tagged: tagged}
		for k, off := range fl[4+nptr+2 : 4+nptr+2+nsyn] {
			o, err := strconv.Atoi(off)
			if err != nil || o < 0 || o+12 > len(data) {
				return bad("bad synset offset " + off)
			}
			// offset lex_filenum ss_type …
			rest := data[o:]
			if !bytes.HasPrefix(rest, []byte(off+" ")) {
				return bad("synset " + off + " not in the data file")
			}
			lex, err := strconv.Atoi(string(bytes.Fields(rest[:min(len(rest), 32)])[1]))
			if err != nil {
				return bad("bad lexicographer file of synset " + off)
			}
			if k == 0 {
				e.first = lex + 1
			}
			files := nounFlagFiles
			if part == 1 {
				files = verbFlagFiles
			}
			if part <= 1 {
				for b, fn := range files {
					if lex == fn {
						e.flags |= 1 << b
					}
				}
			}
		}
		lemmas[lemma] = e
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read WordNet %s: %w", path, err)
	}
	return nil
}

// inflect returns the regular inflections of a lemma: plurals of nouns,
// the -s, -ed and -ing forms of verbs. Irregular ones come from WordNet's
// exception lists.
func inflect(l string, part int) []string {
	if len(l) < 2 || part > 1 {
		return nil
	}
	last, prev := l[len(l)-1], l[len(l)-2]
	vowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	var s string
	switch {
	case strings.HasSuffix(l, "s"), strings.HasSuffix(l, "x"), strings.HasSuffix(l, "z"),
		strings.HasSuffix(l, "ch"), strings.HasSuffix(l, "sh"):
		s = l + "es"
	case last == 'y' && !vowel(prev):
		s = l[:len(l)-1] + "ies"
	default:
		s = l + "s"
	}
	if part == 0 {
		return []string{s}
	}
	out := []string{s}
	switch {
	case last == 'e':
		out = append(out, l+"d")
	case last == 'y' && !vowel(prev):
		out = append(out, l[:len(l)-1]+"ied")
	default:
		out = append(out, l+"ed")
	}
	switch {
	case strings.HasSuffix(l, "ie"):
		out = append(out, l[:len(l)-2]+"ying")
	case last == 'e' && prev != 'e' && prev != 'y' && prev != 'o':
		out = append(out, l[:len(l)-1]+"ing")
	default:
		out = append(out, l+"ing")
	}
	return out
}

// writeLexicon writes the word classes: their number, then each hash as
// the difference from the one before and its class, as varints.
func writeLexicon(w io.ByteWriter, lex map[uint32]lexClass) {
	keys := make([]uint32, 0, len(lex))
	for h := range lex {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	var buf [binary.MaxVarintLen64]byte
	put := func(x uint64) {
		n := binary.PutUvarint(buf[:], x)
		for _, b := range buf[:n] {
			w.WriteByte(b)
		}
	}
	put(uint64(len(keys)))
	last := uint32(0)
	for _, h := range keys {
		put(uint64(h - last))
		put(uint64(lex[h]))
		last = h
	}
}

// readLexicon reads what writeLexicon wrote.
func readLexicon(r io.ByteReader) (map[uint32]lexClass, error) {
	n, err := binary.ReadUvarint(r)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: word classes: %v", ErrModel, err)
	case n > 1<<22:
		return nil, fmt.Errorf("%w: %d word classes, more than %d", ErrModel, n, 1<<22)
	}
	lex := make(map[uint32]lexClass, n)
	last := uint32(0)
	for range n {
		d, err1 := binary.ReadUvarint(r)
		c, err2 := binary.ReadUvarint(r)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%w: word classes cut short", ErrModel)
		}
		last += uint32(d)
		lex[last] = lexClass(c)
	}
	return lex, nil
}
