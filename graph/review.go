package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/fold"
	"github.com/graphd/graphd/graph/identity"
	"github.com/graphd/graphd/graph/key"
	"github.com/graphd/graphd/graph/similar"
)

// This file reads identities, occurrences, conflicts and copies, and
// carries out the decisions of people: confirm a merge, undo one, reject
// a candidate. Decisions are kept by normalized name, so they hold for
// later ingests and across a reindex.

// scanDecisions calls fn with every decision on the normalized name.
func scanDecisions(txn *badger.Txn, name string, fn func(other string, d decisionRec)) error {
	prefix := key.DecisionPrefix(name)
	o := badger.DefaultIteratorOptions
	o.Prefix = prefix
	it := txn.NewIterator(o)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return dbErr("read decision", err)
		}
		var d decisionRec
		if err := decodeRecord(v, &d); err != nil {
			return fmt.Errorf("decision %q: %w", item.Key(), err)
		}
		fn(string(item.Key()[len(prefix):]), d)
	}
	return nil
}

// setDecision records a person's decision on two speaker records, by
// their normalized names, both ways.
func setDecision(txn *badger.Txn, a, b *speakerRec, action string, at time.Time) error {
	v, err := encodeRecord(decisionRec{Action: action, At: at})
	if err != nil {
		return err
	}
	x, y := fold.String(a.Name), fold.String(b.Name)
	if x == y {
		return nil
	}
	if err := set(txn, key.Decision(x, y), v); err != nil {
		return err
	}
	return set(txn, key.Decision(y, x), v)
}

// loadRoot returns the record of id and the canonical record of its
// cluster.
func loadRoot(txn *badger.Txn, id uuid.UUID) (rec, root speakerRec, err error) {
	if err = load(txn, key.KindSpeaker, id, &rec); err != nil {
		return rec, root, err
	}
	if rec.Canon == uuid.Nil {
		return rec, rec, nil
	}
	if err = load(txn, key.KindSpeaker, rec.Canon, &root); err != nil {
		return rec, root, fmt.Errorf("canonical speaker %s: %w", rec.Canon, err)
	}
	return rec, root, nil
}

// canonOf returns the canonical speaker id of speaker record id, uuid.Nil
// for uuid.Nil.
func canonOf(txn *badger.Txn, id uuid.UUID) (uuid.UUID, error) {
	if id == uuid.Nil {
		return id, nil
	}
	var rec speakerRec
	if err := load(txn, key.KindSpeaker, id, &rec); err != nil {
		return uuid.Nil, fmt.Errorf("speaker %s: %w", id, err)
	}
	return rec.root(), nil
}

// rootOf is canonOf for readers of committed state: it reads the member
// index (0x25), which names the canonical record of every record merged
// into another, instead of decoding the speaker record, which for a
// speaker quoted often is large. A record the index does not name is its
// own root.
func rootOf(txn *badger.Txn, id uuid.UUID) (uuid.UUID, error) {
	if id == uuid.Nil {
		return id, nil
	}
	item, err := txn.Get(key.Record(key.KindSpeakerMember, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return id, nil
	}
	if err != nil {
		return uuid.Nil, dbErr("read", err)
	}
	var root uuid.UUID
	err = item.Value(func(v []byte) error {
		if len(v) != key.IDLen {
			return fmt.Errorf("%w: member index entry of speaker %s: value %x", ErrInconsistent, id, v)
		}
		root = uuid.UUID(v)
		return nil
	})
	return root, err
}

// members returns the records of the cluster of root, root first.
func members(txn *badger.Txn, root speakerRec) ([]speakerRec, error) {
	out := []speakerRec{root}
	for _, id := range root.Members {
		var m speakerRec
		if err := load(txn, key.KindSpeaker, id, &m); err != nil {
			return nil, fmt.Errorf("member %s of speaker %s: %w", id, root.ID, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// speakerView builds the canonical speaker of the cluster that holds
// speaker record id.
func speakerView(txn *badger.Txn, id uuid.UUID) (Speaker, error) {
	_, root, err := loadRoot(txn, id)
	if err != nil {
		return Speaker{}, err
	}
	ms, err := members(txn, root)
	if err != nil {
		return Speaker{}, err
	}
	sp := Speaker{ID: root.ID, Type: speakerType(root.Type), Name: root.display()}
	names := map[uuid.UUID]string{}
	for _, m := range ms {
		names[m.ID] = m.Name
		for _, n := range append([]string{m.Name}, m.Aliases...) {
			if !strings.EqualFold(n, sp.Name) && !containsFold(sp.Aliases, n) {
				sp.Aliases = append(sp.Aliases, n)
			}
		}
		for _, t := range m.Titles {
			if !containsFold(sp.Titles, t) {
				sp.Titles = append(sp.Titles, t)
			}
		}
		for ri, r := range m.Roles {
			if seen, err := roleSeen(txn, m.ID, ri); err != nil {
				return Speaker{}, err
			} else if seen.After(r.To) {
				r.To = seen
			}
			i := slices.IndexFunc(sp.Roles, func(x Role) bool {
				return strings.EqualFold(x.Title, r.Title) && strings.EqualFold(x.Organization, r.Org)
			})
			if i < 0 {
				sp.Roles = append(sp.Roles, Role{Title: r.Title, Organization: r.Org, From: r.From, To: r.To})
				continue
			}
			x := &sp.Roles[i]
			if !r.From.IsZero() && (x.From.IsZero() || r.From.Before(x.From)) {
				x.From = r.From
			}
			if r.To.After(x.To) {
				x.To = r.To
			}
		}
	}
	for _, m := range ms {
		if m.Link == nil {
			continue
		}
		sp.Merges = append(sp.Merges, Merge{
			Member: m.ID, Name: m.Name, Into: m.Parent, IntoName: names[m.Parent],
			Evidence: m.Link.Evidence, Confidence: m.Link.Confidence, By: m.Link.By, At: m.Link.At,
		})
	}
	return sp, nil
}

// clusterIDs returns the speaker records of the clusters of ids.
func clusterIDs(txn *badger.Txn, ids []uuid.UUID) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for _, id := range ids {
		_, root, err := loadRoot(txn, id)
		if err == ErrNotFound {
			out = append(out, id) // matches nothing
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, m := range append([]uuid.UUID{root.ID}, root.Members...) {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// Occurrences returns the printings of the quote with id, earliest first,
// each compared with the quote's canonical text. It returns an error
// wrapping ErrNotFound for an unknown quote.
func (s *Store) Occurrences(ctx context.Context, id uuid.UUID) ([]Occurrence, error) {
	var out []Occurrence
	err := s.view(ctx, func(txn *badger.Txn) error {
		var q quoteRec
		if err := load(txn, key.KindQuote, id, &q); err != nil {
			return err
		}
		occs, err := loadOccurrences(txn, id, 0)
		if err != nil {
			return err
		}
		slices.SortFunc(occs, earlier)
		for _, o := range occs {
			var name string
			canon := uuid.Nil
			if o.SpeakerID != uuid.Nil {
				rec, root, err := loadRoot(txn, o.SpeakerID)
				if err != nil {
					return err
				}
				name, canon = rec.Name, root.ID
			}
			out = append(out, occurrenceView(q.Text, o, name, canon, true))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("occurrences of quote %s: %w", id, err)
	}
	return out, nil
}

// occurrenceView is the domain form of o, compared with its quote's
// canonical text; name is the speaker record's name, canon its canonical
// speaker. Its word diff is left out unless withDiff. A printing of the
// canonical text itself, the common case, is not compared: the result is
// what the comparison would give.
func occurrenceView(canonText string, o occRec, name string, canon uuid.UUID, withDiff bool) Occurrence {
	v := Occurrence{
		ID: o.ID, QuoteID: o.QuoteID, ArticleID: o.ArticleID, SpeakerID: canon, Speaker: name, SpeakerRecord: o.SpeakerID,
		VenueID: o.VenueID, Text: o.Text, Kind: o.Kind, Spans: o.Spans, Cue: o.Cue, CueSpan: o.CueSpan,
		CueKind: cueKind(o.CueKind), Mention: o.Mention, MentionSpan: o.MentionSpan, Confidence: o.Confidence, Published: o.Published,
		Match: o.Match, Score: o.Score,
	}
	if o.Text == canonText {
		if withDiff {
			if ws := strings.Fields(o.Text); len(ws) > 0 {
				v.Diff = []DiffOp{{Op: DiffEqual, Text: strings.Join(ws, " ")}}
			}
		}
		if !fold.Empty(o.Text) {
			v.Similarity, v.Fidelity = 1, 1
		}
		return v
	}
	v.Similarity, v.Fidelity = similar.Fidelity(canonText, o.Text)
	diff := similar.Diff(canonText, o.Text)
	if o.Kind != KindIndirect {
		v.Misquote = similar.Misquotes(diff)
	}
	if withDiff {
		v.Diff = diff
	}
	return v
}

// Conflict returns the sides of the quote with id when articles attribute
// it to people who cannot be one person, and nil otherwise. It returns an
// error wrapping ErrNotFound for an unknown quote.
func (s *Store) Conflict(ctx context.Context, id uuid.UUID) (*Conflict, error) {
	var c *Conflict
	err := s.view(ctx, func(txn *badger.Txn) (err error) {
		c, err = conflictOf(txn, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("conflict of quote %s: %w", id, err)
	}
	return c, nil
}

func conflictOf(txn *badger.Txn, id uuid.UUID) (*Conflict, error) {
	if ok, err := has(txn, key.Record(key.KindQuote, id)); err != nil || !ok {
		if err == nil {
			err = ErrNotFound
		}
		return nil, err
	}
	occs, err := loadOccurrences(txn, id, 0)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(occs, earlier)
	c := &Conflict{QuoteID: id}
	var names []string
	for _, o := range occs {
		if o.SpeakerID == uuid.Nil {
			continue
		}
		rec, root, err := loadRoot(txn, o.SpeakerID)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(c.Sides, func(s ConflictSide) bool { return s.SpeakerID == root.ID })
		if i < 0 {
			c.Sides = append(c.Sides, ConflictSide{SpeakerID: root.ID, Name: root.display()})
			names = append(names, rec.Name)
			i = len(c.Sides) - 1
		}
		c.Sides[i].Occurrences = append(c.Sides[i].Occurrences, o.ID)
		if !slices.Contains(c.Sides[i].Articles, o.ArticleID) {
			c.Sides[i].Articles = append(c.Sides[i].Articles, o.ArticleID)
		}
	}
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if !identity.Compatible(names[i], names[j]) {
				return c, nil
			}
		}
	}
	return nil, nil
}

// Conflicts returns a page of the quotes that articles attribute to
// different people, oldest quote first. Every quote marked as a conflict
// is checked, for the total; a backward page checks them in reverse. It
// returns ErrBadCursor for a cursor it did not issue.
func (s *Store) Conflicts(ctx context.Context, page Page) ([]Conflict, PageInfo, error) {
	cur, back, err := page.cursor(cursorConflict)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("conflicts: %w", err)
	}
	var out []Conflict
	var info PageInfo
	err = s.view(ctx, func(txn *badger.Txn) error {
		prefix := key.KindConflict.Prefix()
		it := iterate(txn, prefix, back)
		var ids []uuid.UUID
		for it.Seek(seekKey(prefix, nil, back)); it.Valid(); it.Next() {
			ids = append(ids, key.LastID(it.Item().Key()))
		}
		it.Close()
		pg := newPager[Conflict](cursorConflict, page, cur, back)
		total := 0
		for _, id := range ids {
			c, err := conflictOf(txn, id)
			if err != nil {
				return err
			}
			if c == nil {
				continue
			}
			total++
			if cur != nil && !beyond(id[:], cur, back) {
				continue
			}
			if pg.room() {
				pg.add(id[:], *c)
			}
		}
		out, info = pg.done(total)
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("conflicts: %w", err)
	}
	return out, info, nil
}

// Candidates returns a page of the pairs of speakers offered for review,
// oldest first; pairs merged or rejected since are left out. Every pair
// is checked, for the total; a backward page checks them in reverse. It
// returns ErrBadCursor for a cursor it did not issue.
func (s *Store) Candidates(ctx context.Context, page Page) ([]Candidate, PageInfo, error) {
	cur, back, err := page.cursor(cursorCandidate)
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("candidates: %w", err)
	}
	var out []Candidate
	var info PageInfo
	err = s.view(ctx, func(txn *badger.Txn) error {
		o := badger.DefaultIteratorOptions
		o.Prefix = key.KindCandidate.Prefix()
		o.Reverse = back
		it := txn.NewIterator(o)
		defer it.Close()
		pg := newPager[Candidate](cursorCandidate, page, cur, back)
		total := 0
		for it.Seek(seekKey(o.Prefix, nil, back)); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return dbErr("read candidate", err)
			}
			var c candidateRec
			if err := decodeRecord(v, &c); err != nil {
				return fmt.Errorf("candidate %x: %w", it.Item().Key()[1:], err)
			}
			cand, open, err := candidateView(txn, c)
			if err != nil {
				return err
			}
			if !open {
				continue
			}
			total++
			if cur != nil && !beyond(c.ID[:], cur, back) {
				continue
			}
			if pg.room() {
				pg.add(c.ID[:], cand)
			}
		}
		out, info = pg.done(total)
		return nil
	})
	if err != nil {
		return nil, PageInfo{}, fmt.Errorf("candidates: %w", err)
	}
	return out, info, nil
}

// candidateView resolves a candidate to the canonical speakers holding
// its names; open is false when they are one speaker already or a person
// rejected the pair.
func candidateView(txn *badger.Txn, c candidateRec) (Candidate, bool, error) {
	ra, rootA, err := loadRoot(txn, c.A)
	if err != nil {
		return Candidate{}, false, err
	}
	rb, rootB, err := loadRoot(txn, c.B)
	if err != nil {
		return Candidate{}, false, err
	}
	if rootA.ID == rootB.ID {
		return Candidate{}, false, nil
	}
	if _, ok, err := get(txn, key.Decision(fold.String(ra.Name), fold.String(rb.Name))); err != nil || ok {
		return Candidate{}, false, err
	}
	return Candidate{
		ID: c.ID, A: rootA.ID, B: rootB.ID, NameA: ra.Name, NameB: rb.Name,
		Evidence: c.Evidence, Confidence: c.Confidence, Created: c.Created,
	}, true, nil
}

// Candidate returns the candidate with id, or an error wrapping
// ErrNotFound.
func (s *Store) Candidate(ctx context.Context, id uuid.UUID) (Candidate, error) {
	var out Candidate
	err := s.view(ctx, func(txn *badger.Txn) error {
		var c candidateRec
		if err := load(txn, key.KindCandidate, id, &c); err != nil {
			return err
		}
		var err error
		out, _, err = candidateView(txn, c)
		if out.ID == uuid.Nil && err == nil {
			ra, rootA, err := loadRoot(txn, c.A)
			if err != nil {
				return err
			}
			rb, rootB, err := loadRoot(txn, c.B)
			if err != nil {
				return err
			}
			out = Candidate{ID: c.ID, A: rootA.ID, B: rootB.ID, NameA: ra.Name, NameB: rb.Name,
				Evidence: c.Evidence, Confidence: c.Confidence, Created: c.Created}
		}
		return err
	})
	if err != nil {
		return Candidate{}, fmt.Errorf("candidate %s: %w", id, err)
	}
	return out, nil
}

// MergeSpeakers records a person's decision that speakers a and b are one
// person and merges them; the decision holds for later ingests and
// reindexes. The candidate with candidate id, if not uuid.Nil, lends its
// evidence and is closed. It returns the merged speaker, an error
// wrapping ErrNotFound for an unknown speaker, and ErrInvalid when a and
// b are already one.
func (s *Store) MergeSpeakers(ctx context.Context, a, b, candidate uuid.UUID) (Speaker, error) {
	var out Speaker
	err := s.update(ctx, func(txn *badger.Txn) error {
		w := newWriter(txn, nil, nil)
		sa, err := w.loadSpeaker(a)
		if err != nil {
			return err
		}
		sb, err := w.loadSpeaker(b)
		if err != nil {
			return err
		}
		ra, _ := w.root(a)
		rb, _ := w.root(b)
		if ra.ID == rb.ID {
			return fmt.Errorf("%w: the speakers are one already", ErrInvalid)
		}
		ev := []Evidence{{Kind: EvidenceDecision, Detail: "confirmed by a person", Weight: 10}}
		if candidate != uuid.Nil {
			var c candidateRec
			if err := load(txn, key.KindCandidate, candidate, &c); err != nil {
				return fmt.Errorf("candidate %s: %w", candidate, err)
			}
			ev = append(ev, c.Evidence...)
			if err := w.dropCandidate(c); err != nil {
				return err
			}
		}
		if err := setDecision(txn, sa, sb, decisionMerge, w.now); err != nil {
			return err
		}
		if err := w.merge(sa, sb, ev, 10, ByPerson); err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
		out, err = speakerView(txn, a)
		return err
	})
	if err != nil {
		return Speaker{}, fmt.Errorf("merge speakers %s and %s: %w", a, b, err)
	}
	return out, nil
}

// ConfirmCandidate merges the two speakers of a candidate, as
// MergeSpeakers does.
func (s *Store) ConfirmCandidate(ctx context.Context, id uuid.UUID) (Speaker, error) {
	var c candidateRec
	err := s.view(ctx, func(txn *badger.Txn) error { return load(txn, key.KindCandidate, id, &c) })
	if err != nil {
		return Speaker{}, fmt.Errorf("confirm candidate %s: %w", id, err)
	}
	return s.MergeSpeakers(ctx, c.A, c.B, id)
}

// RejectCandidate records a person's decision that the names of a
// candidate are two people, so they are never merged, and closes it. It
// returns an error wrapping ErrNotFound for an unknown candidate.
func (s *Store) RejectCandidate(ctx context.Context, id uuid.UUID) (Candidate, error) {
	var out Candidate
	err := s.update(ctx, func(txn *badger.Txn) error {
		var c candidateRec
		if err := load(txn, key.KindCandidate, id, &c); err != nil {
			return err
		}
		var a, b speakerRec
		if err := load(txn, key.KindSpeaker, c.A, &a); err != nil {
			return err
		}
		if err := load(txn, key.KindSpeaker, c.B, &b); err != nil {
			return err
		}
		if err := setDecision(txn, &a, &b, decisionApart, clock().UTC()); err != nil {
			return err
		}
		out = Candidate{ID: c.ID, A: a.root(), B: b.root(), NameA: a.Name, NameB: b.Name,
			Evidence: c.Evidence, Confidence: c.Confidence, Created: c.Created}
		w := newWriter(txn, nil, nil)
		return w.dropCandidate(c)
	})
	if err != nil {
		return Candidate{}, fmt.Errorf("reject candidate %s: %w", id, err)
	}
	return out, nil
}

// UndoMerge takes speaker record member, and the records merged through
// it, out of the speaker it was merged into, and records a person's
// decision that its name and the one it was matched with are two people.
// It returns the two speakers, the one left first; an error wrapping
// ErrNotFound for an unknown record and ErrInvalid for one not merged.
func (s *Store) UndoMerge(ctx context.Context, member uuid.UUID) ([]Speaker, error) {
	var out []Speaker
	err := s.update(ctx, func(txn *badger.Txn) error {
		w := newWriter(txn, nil, nil)
		m, err := w.loadSpeaker(member)
		if err != nil {
			return err
		}
		if m.Canon == uuid.Nil {
			return fmt.Errorf("%w: speaker %s was not merged into another", ErrInvalid, member)
		}
		parent, err := w.loadSpeaker(m.Parent)
		if err != nil {
			return err
		}
		root := m.Canon
		x, y := fold.String(m.Name), fold.String(parent.Name)
		if err := del(txn, key.Decision(x, y)); err != nil {
			return err
		}
		if err := del(txn, key.Decision(y, x)); err != nil {
			return err
		}
		if err := setDecision(txn, m, parent, decisionApart, w.now); err != nil {
			return err
		}
		if err := w.split(m); err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
		left, err := speakerView(txn, root)
		if err != nil {
			return err
		}
		taken, err := speakerView(txn, member)
		if err != nil {
			return err
		}
		out = []Speaker{left, taken}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("undo merge of speaker %s: %w", member, err)
	}
	return out, nil
}

// Copies returns the articles found to copy or rewrite the article with
// id. It returns an error wrapping ErrNotFound for an unknown article.
func (s *Store) Copies(ctx context.Context, id uuid.UUID) ([]Article, error) {
	var out []Article
	err := s.view(ctx, func(txn *badger.Txn) error {
		if ok, err := has(txn, key.Record(key.KindArticle, id)); err != nil || !ok {
			if err == nil {
				err = ErrNotFound
			}
			return err
		}
		prefix := key.Record(key.KindArticleCopy, id)
		it := keysOnly(txn, prefix)
		var ids []uuid.UUID
		for it.Rewind(); it.Valid(); it.Next() {
			ids = append(ids, uuid.UUID(it.Item().Key()[len(prefix):]))
		}
		it.Close()
		for _, c := range ids {
			a, err := loadArticle(txn, c)
			if err != nil {
				return fmt.Errorf("copy %s: %w", c, err)
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copies of article %s: %w", id, err)
	}
	return out, nil
}
