package graph

import (
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/key"
)

// textChunk is the most bytes of article text in one value. Badger keeps
// values of an in-memory store under 1 MiB, and smaller values are
// cheaper to rewrite.
const textChunk = 512 << 10

func chunks(n int) int { return (n + textChunk - 1) / textChunk }

// writeText stores text as the article's chunks, deleting any chunks
// beyond them left from an old text of oldLen bytes.
func writeText(txn *badger.Txn, id uuid.UUID, text string, oldLen int) error {
	n := chunks(len(text))
	for i := range n {
		part := text[i*textChunk : min(len(text), (i+1)*textChunk)]
		if err := set(txn, key.Text(id, i), []byte(part)); err != nil {
			return err
		}
	}
	for i := n; i < chunks(oldLen); i++ {
		if err := del(txn, key.Text(id, i)); err != nil {
			return err
		}
	}
	return nil
}

// readText reads the n bytes of an article's text back from its chunks.
func readText(txn *badger.Txn, id uuid.UUID, n int) (string, error) {
	var b strings.Builder
	b.Grow(n)
	for i := range chunks(n) {
		item, err := txn.Get(key.Text(id, i))
		if err != nil {
			return "", dbErr(fmt.Sprintf("read text chunk %d of article %s", i, id), err)
		}
		if err := item.Value(func(v []byte) error { b.Write(v); return nil }); err != nil {
			return "", dbErr(fmt.Sprintf("read text chunk %d of article %s", i, id), err)
		}
	}
	if b.Len() != n {
		return "", fmt.Errorf("text of article %s: %d bytes, want %d", id, b.Len(), n)
	}
	return b.String(), nil
}

// loadArticle reads the article with id and its text.
func loadArticle(txn *badger.Txn, id uuid.UUID) (Article, error) {
	var rec articleRec
	if err := load(txn, key.KindArticle, id, &rec); err != nil {
		return Article{}, err
	}
	text, err := readText(txn, id, rec.TextLen)
	if err != nil {
		return Article{}, err
	}
	return rec.article(text), nil
}
