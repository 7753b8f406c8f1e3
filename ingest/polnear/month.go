package polnear

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/graphd/graphd/ingest"
)

// ReadMetadata reads the corpus's metadata.tsv and returns, for each article
// file name (without .txt), the first of its annotators; see ReadAnnotators.
func ReadMetadata(path string) (map[string]string, error) {
	all, err := ReadAnnotators(path)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(all))
	for name, anns := range all {
		m[name] = anns[0]
	}
	return m, nil
}

// ReadAnnotators reads the corpus's metadata.tsv and returns, for each
// article file name (without .txt), its annotators in the order listed. The
// columns are found by their header names, filename and annotators
// (|-separated). A missing column, a short row or an empty annotator is an
// error wrapping ErrMalformed.
func ReadAnnotators(path string) (map[string][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	fileCol, annCol := -1, -1
	m := map[string][]string{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		cols := strings.Split(line, "\t")
		if n == 1 {
			fileCol, annCol = slices.Index(cols, "filename"), slices.Index(cols, "annotators")
			if fileCol < 0 || annCol < 0 {
				return nil, fmt.Errorf("metadata %s: header lacks filename or annotators: %w", path, ErrMalformed)
			}
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(cols) <= max(fileCol, annCol) {
			return nil, fmt.Errorf("metadata %s line %d: %d columns: %w", path, n, len(cols), ErrMalformed)
		}
		name := cols[fileCol]
		anns := strings.Split(cols[annCol], "|")
		if name == "" || slices.Contains(anns, "") {
			return nil, fmt.Errorf("metadata %s line %d: no filename or annotator: %w", path, n, ErrMalformed)
		}
		m[name] = anns
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("metadata %s: %w", path, err)
	}
	if fileCol < 0 {
		return nil, fmt.Errorf("metadata %s: empty: %w", path, ErrMalformed)
	}
	return m, nil
}

// LoadMonth reads every article of a month directory, text/NAME.txt, with
// the attributions of its first annotator, attributions/NAME_ANNOTATOR.ann,
// sorted by name. An article missing from metadata is an error wrapping
// ErrNoAnnotator; a span beyond the end of its text, one wrapping ErrOffset;
// unreadable files and malformed annotations are errors naming the file.
func LoadMonth(dir string, metadata map[string]string) ([]Doc, error) {
	texts, err := monthTexts(dir)
	if err != nil {
		return nil, err
	}
	docs := make([]Doc, 0, len(texts))
	for _, path := range texts {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		ann, ok := metadata[name]
		if !ok {
			return nil, fmt.Errorf("load %s: %w", name, ErrNoAnnotator)
		}
		d, err := loadDoc(dir, name, ann, path)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// monthTexts returns the paths of a month's texts, DIR/text/*.txt, sorted.
func monthTexts(dir string) ([]string, error) {
	texts, err := filepath.Glob(filepath.Join(dir, "text", "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("load %s: no text/*.txt: %w", dir, os.ErrNotExist)
	}
	slices.Sort(texts)
	return texts, nil
}

// loadDoc reads the article name of dir, its text at textPath and the
// attributions of the annotator ann.
func loadDoc(dir, name, ann, textPath string) (Doc, error) {
	text, err := os.ReadFile(textPath)
	if err != nil {
		return Doc{}, fmt.Errorf("load %w", err)
	}
	annPath := filepath.Join(dir, "attributions", name+"_"+ann+".ann")
	f, err := os.Open(annPath)
	if err != nil {
		return Doc{}, fmt.Errorf("load %w", err)
	}
	ats, err := ReadAnn(f)
	f.Close()
	if err != nil {
		return Doc{}, fmt.Errorf("load %s %w", annPath, err)
	}
	d := Doc{Name: name, Text: string(text), Attributions: ats}
	if err := checkOffsets(d); err != nil {
		return Doc{}, fmt.Errorf("load %s: %w", annPath, err)
	}
	return d, nil
}

// LoadAgreement reads the articles of a month directory that more than one
// annotator annotated. For each such article and each annotator after the
// first, it returns the first annotator's attributions in gold and the
// other's at the same index in other, so that Score(gold, other) measures
// how far the annotators agree with the one a system is scored against. The
// articles are sorted by name, the annotators kept in the metadata's order.
// An article missing from annotators is an error wrapping ErrNoAnnotator,
// and a month with no article annotated twice one wrapping ErrNoSecond;
// files are read and checked as LoadMonth reads them.
func LoadAgreement(dir string, annotators map[string][]string) (gold, other []Doc, err error) {
	texts, err := monthTexts(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, path := range texts {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		anns, ok := annotators[name]
		if !ok || len(anns) == 0 {
			return nil, nil, fmt.Errorf("load %s: %w", name, ErrNoAnnotator)
		}
		if len(anns) < 2 {
			continue
		}
		first, err := loadDoc(dir, name, anns[0], path)
		if err != nil {
			return nil, nil, err
		}
		for _, ann := range anns[1:] {
			d, err := loadDoc(dir, name, ann, path)
			if err != nil {
				return nil, nil, err
			}
			gold = append(gold, first)
			other = append(other, d)
		}
	}
	if len(gold) == 0 {
		return nil, nil, fmt.Errorf("load %s: %w", dir, ErrNoSecond)
	}
	return gold, other, nil
}

func checkOffsets(d Doc) error {
	n := utf8.RuneCountInString(d.Text)
	for _, a := range d.Attributions {
		for _, role := range [][]ingest.Span{a.Source, a.Cue, a.Content} {
			for _, s := range role {
				if s.End > n {
					return fmt.Errorf("%s: [%d,%d) in a text of %d characters: %w", a.ID, s.Start, s.End, n, ErrOffset)
				}
			}
		}
	}
	return nil
}

// Holdout splits docs into the articles to train on and the held-out share
// frac of them (0 ≤ frac < 1), to score a tagger trained on the first on
// articles it has not seen without touching another month. An article's side
// depends on its name alone (an FNV hash), so the split is the same in every
// run and for every subset of the month that holds the article.
func Holdout(docs []Doc, frac float64) (train, held []Doc) {
	cut := uint64(frac * (1 << 32))
	for _, d := range docs {
		h := fnv.New32a()
		h.Write([]byte(d.Name))
		if uint64(h.Sum32()) < cut {
			held = append(held, d)
		} else {
			train = append(train, d)
		}
	}
	return train, held
}
