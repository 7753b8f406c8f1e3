package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/graphd/graphd/graph/search"
	"github.com/graphd/graphd/graph/similar"
)

// Prepared is an article made ready for the writer: validated, hashed and
// keyed, its quotations in text order, each with its text prepared for
// comparison and its match keys, and the MinHash sketch of its wording.
// That is the pure part of a write, which needs no store: Prepare may run
// on every core, and the writer, which is one, only looks up, decides and
// writes.
type Prepared struct {
	in     ArticleInput // validated; quotes in text order
	key    string
	hash   string
	sketch []uint32
	quotes []preparedQuote
}

// preparedQuote is what a quotation's grouping and search index need of
// its text.
type preparedQuote struct {
	text  similar.Text
	keys  []string     // match keys
	words *searchWords // its words for the search index, should it be a quote's text
}

// searchWords is what the search index takes of a text: each distinct
// word's positions, and the number of words.
type searchWords struct {
	pos    map[string][]int
	length int
}

func newSearchWords(text string) *searchWords {
	pos, n := search.Positions(text)
	return &searchWords{pos: pos, length: n}
}

// Prepare validates in and prepares it for PutBatch. It returns an error
// wrapping ErrInvalid, naming the field, when in does not validate. It
// reads no store and may be called from many goroutines at once.
func Prepare(in ArticleInput) (*Prepared, error) {
	if err := validate(&in); err != nil {
		return nil, fmt.Errorf("prepare article: %w", err)
	}
	sum := sha256.Sum256([]byte(in.Text))
	p := &Prepared{hash: hex.EncodeToString(sum[:])}
	p.key = articleKey(in, p.hash)
	order := textOrder(in.Quotes)
	quotes := make([]QuoteInput, len(order))
	p.quotes = make([]preparedQuote, len(order))
	for n, i := range order {
		quotes[n] = in.Quotes[i]
		t := similar.Prepare(in.Quotes[i].Text)
		p.quotes[n] = preparedQuote{text: t, keys: t.MatchKeys(), words: newSearchWords(in.Quotes[i].Text)}
	}
	in.Quotes = quotes
	p.in = in
	p.sketch = similar.Sketch(in.Text)
	return p, nil
}

// Key is the key the article is recognised by: its URL, else "id:" and
// its source id, else "sha256:" and the hash of its text.
func (p *Prepared) Key() string { return p.key }

// Size estimates what writing the article adds to a transaction, in
// bytes, for sizing batches: its text and a share for each quotation's
// records and index entries.
func (p *Prepared) Size() int { return len(p.in.Text) + 2048*len(p.quotes) + 1024 }
