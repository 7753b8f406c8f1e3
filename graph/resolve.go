package graph

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/graphd/graphd/graph/identity"
	"github.com/graphd/graphd/graph/key"
)

// This file applies speaker identity to the store inside a write: it
// keeps each speaker record's profile (roles with dates, venues, the
// people quoted beside it), finds candidates for a new name through the
// block index, merges clusters when the evidence agrees, offers the rest
// for review, and splits a cluster again when a person undoes a merge.

const (
	maxProfileList = 32 // venues and co-occurring names kept per record: the first seen
	maxBlockScan   = 64 // speaker records read under one block key
	maxClusterSize = 256
)

// people is what a write read and changed of speaker records.
type people struct {
	speakers map[uuid.UUID]*speakerRec
	orig     map[uuid.UUID][]entry // index entries of speakers as loaded
	dirty    map[uuid.UUID]bool    // speakers to write at flush
	created  []uuid.UUID           // speakers created by this write, in order
	named    []uuid.UUID           // speakers created or given a name by the article being written
	byName   map[string]uuid.UUID
	loaded   map[uuid.UUID]*speakerRec // records as committed, of the speakers read (never changed)
	stored   []uuid.UUID               // speakers written at flush
}

// flushSpeakers writes the changed speaker records and their index
// entries.
func (w *writer) flushSpeakers() error {
	for id := range w.dirty {
		w.stored = append(w.stored, id)
		rec := w.speakers[id]
		if err := store(w.txn, key.KindSpeaker, id, rec); err != nil {
			return err
		}
		if err := rewriteEntries(w.txn, w.orig[id], speakerIndex(*rec)); err != nil {
			return err
		}
		w.orig[id] = speakerIndex(*rec)
	}
	clear(w.dirty)
	return nil
}

// profiles updates the records of the speakers of article a with what a
// says of them: the titles it gives with a's date, the venues, and the
// other people it quotes.
func (w *writer) profiles(a articleRec, occs []*occRec, titles [][]string) error {
	var ids []uuid.UUID
	for _, o := range occs {
		if o.SpeakerID != uuid.Nil && !slices.Contains(ids, o.SpeakerID) {
			ids = append(ids, o.SpeakerID)
		}
	}
	keys := map[uuid.UUID][]string{}
	for _, id := range ids {
		sp := w.speakers[id]
		keys[id] = identity.BlockKeys(sp.Name)
	}
	for _, id := range ids {
		sp := w.speakers[id]
		changed := false
		for i, o := range occs {
			if o.SpeakerID != id {
				continue
			}
			for _, t := range titles[i] {
				c, later := addRole(sp, t, a.Published)
				changed = changed || c
				if later >= 0 {
					if err := w.seeRole(id, later, a.Published); err != nil {
						return err
					}
				}
			}
			if o.VenueID != uuid.Nil {
				if v := w.venueNames[o.VenueID]; v != "" && len(sp.Venues) < maxProfileList && !slices.Contains(sp.Venues, v) {
					sp.Venues = append(sp.Venues, v)
					changed = true
				}
			}
		}
		for _, other := range ids {
			if other == id {
				continue
			}
			for _, k := range keys[other] {
				if len(sp.Co) < maxProfileList && !slices.Contains(sp.Co, k) {
					sp.Co = append(sp.Co, k)
					changed = true
				}
			}
		}
		if changed {
			w.dirty[id] = true
		}
	}
	return nil
}

// addRole records title t on sp as held on date d: a new role, or an
// earlier start, changes the record; a later date of a known role is
// returned as its index (else -1), for the small key that keeps it, so
// that quoting a person again does not rewrite their record.
func addRole(sp *speakerRec, t string, d time.Time) (changed bool, later int) {
	role, org := identity.ParseTitle(t)
	if role == "" {
		return false, -1
	}
	for i := range sp.Roles {
		r := &sp.Roles[i]
		if !strings.EqualFold(r.Title, role) || !strings.EqualFold(r.Org, org) {
			continue
		}
		switch {
		case d.IsZero():
		case r.From.IsZero():
			r.From, r.To = d, d
			return true, -1
		case d.Before(r.From):
			r.From = d
			return true, -1
		case d.After(r.To):
			return false, i
		}
		return false, -1
	}
	if len(sp.Roles) >= maxListLen {
		return false, -1
	}
	sp.Roles = append(sp.Roles, roleRec{Title: role, Org: org, From: d, To: d})
	return true, -1
}

// seeRole records that role i of speaker record id was held on d.
func (w *writer) seeRole(id uuid.UUID, i int, d time.Time) error {
	k := key.RoleSeen(id, i)
	v, ok, err := get(w.txn, k)
	if err != nil {
		return err
	}
	if ok && len(v) == key.DateLen && binary.BigEndian.Uint64(v) >= key.Date(d) {
		return nil
	}
	return set(w.txn, k, key.DateBytes(key.Date(d)))
}

// roleSeen returns the last date role i of speaker record id was seen, as
// kept apart from the record; zero when never.
func roleSeen(txn *badger.Txn, id uuid.UUID, i int) (time.Time, error) {
	v, ok, err := get(txn, key.RoleSeen(id, i))
	if err != nil || !ok || len(v) != key.DateLen {
		return time.Time{}, err
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(v) ^ (1 << 63))).UTC(), nil
}

// cluster returns the records of the cluster rooted at root, root first.
func (w *writer) cluster(root *speakerRec) ([]*speakerRec, error) {
	out := []*speakerRec{root}
	for _, id := range root.Members {
		m, err := w.loadSpeaker(id)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (w *writer) profileOf(root *speakerRec) (*identity.Profile, error) {
	members, err := w.cluster(root)
	if err != nil {
		return nil, err
	}
	p := &identity.Profile{}
	for _, m := range members {
		if p.Type == "" {
			p.Type = m.Type
		}
		p.Add(m.names(), m.Titles, m.Venues, m.Co)
	}
	return p, nil
}

// resolve matches each speaker record created by this write with the
// known speakers: a person's decision first, then the evidence. Records
// in inArticle, the speakers of the article, are not matched with each
// other.
func (w *writer) resolve(inArticle map[uuid.UUID]bool) error {
	created := w.created
	w.created = nil
	for _, id := range created {
		sp := w.speakers[id]
		if sp.Canon != uuid.Nil {
			continue
		}
		if err := w.applyDecisions(sp); err != nil {
			return err
		}
		if sp.Canon != uuid.Nil {
			continue
		}
		if err := w.match(sp, inArticle); err != nil {
			return err
		}
	}
	return nil
}

type scored struct {
	root  *speakerRec
	ev    []Evidence
	score float64
}

// match compares the new record sp with the clusters that share a block
// key with it, and merges it with the best or offers the pair for review.
// Names in the same article are never matched: the extractor already
// told them apart. A surname alone is matched only when one cluster fits.
func (w *writer) match(sp *speakerRec, skip map[uuid.UUID]bool) error {
	var roots []uuid.UUID
	for _, k := range identity.BlockKeys(sp.names()...) {
		ids, err := w.blockIDs(k)
		if err != nil {
			return err
		}
		for _, id := range ids {
			// This article's speakers are never matched.
			if id == sp.ID || skip[id] {
				continue
			}
			r, err := w.root(id)
			if err != nil {
				return err
			}
			if r.ID != sp.ID && !skip[r.ID] && !slices.Contains(roots, r.ID) {
				roots = append(roots, r.ID)
			}
		}
	}
	if len(roots) == 0 {
		return nil
	}
	others, err := w.matchAmong(sp, roots)
	if err != nil || len(identity.Split(sp.Name).Given) == 0 {
		return err
	}
	// sp is a person with a given name, and the people in others cannot be
	// sp: a name merged into one of them on its surname alone is now
	// ambiguous
	own, err := w.root(sp.ID)
	if err != nil {
		return err
	}
	for _, id := range others {
		r, err := w.root(id)
		if err != nil {
			return err
		}
		if r.ID != own.ID {
			if err := w.unbindSurname(r, sp); err != nil {
				return err
			}
		}
	}
	return nil
}

// blockIDs returns the first maxBlockScan speaker records under block key
// k, in key order, as this write sees them: those committed (from the
// cache, else from Badger) with those the earlier articles of the batch
// named.
func (w *writer) blockIDs(k string) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	cached := false
	if w.caches != nil {
		if ids, cached = w.caches.block.get(k); cached {
			w.caches.stats.BlockHits++
		} else {
			w.caches.stats.BlockMisses++
		}
	}
	if !cached {
		it := keysOnly(w.reader(), key.NamePrefix(key.KindSpeakerByBlock, k+string(rune(key.Sep))))
		for it.Rewind(); it.Valid() && len(ids) < maxBlockScan; it.Next() {
			_, id, ok := key.SplitName(it.Item().Key()[1:])
			if !ok {
				it.Close()
				return nil, fmt.Errorf("malformed block key %q", it.Item().Key())
			}
			ids = append(ids, id)
		}
		it.Close()
		if w.caches != nil {
			w.caches.block.put(k, ids)
		}
	}
	if more := w.blocks[k]; len(more) > 0 {
		ids = mergeIDs(ids, more, maxBlockScan)
	}
	return ids, nil
}

// unbindSurname splits out of the cluster rooted at root the names merged
// into it on their surname alone (by graphd, not by a person) that could
// as well be sp's, a person of the same surname outside the cluster:
// "Obama", merged with Michelle Obama while she was the only Obama known,
// stops being her when Barack Obama arrives. The pair is offered for
// review instead. A cluster a person has merged anything into is theirs,
// and left as it is.
func (w *writer) unbindSurname(root *speakerRec, sp *speakerRec) error {
	members, err := w.cluster(root)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(members, func(m *speakerRec) bool { return m.Link != nil && m.Link.By == ByPerson }) {
		return nil
	}
	for _, m := range members {
		if m.Link == nil || m.Link.By != ByAuto || m.Parent == uuid.Nil ||
			!slices.ContainsFunc(m.Link.Evidence, func(e Evidence) bool { return e.Kind == EvidenceSurnameOnly }) {
			continue
		}
		parent, err := w.loadSpeaker(m.Parent)
		if err != nil {
			return err
		}
		bare := m
		if len(identity.Split(m.Name).Given) > 0 {
			bare = parent
		}
		if len(identity.Split(bare.Name).Given) > 0 || !identity.Compatible(bare.Name, sp.Name) {
			continue
		}
		ev := append(slices.Clone(m.Link.Evidence), Evidence{Kind: EvidenceSurnameOnly, Detail: "another person has this surname: " + sp.Name, Weight: -2})
		score := 0.0
		for _, e := range ev {
			score += e.Weight
		}
		if err := w.split(m); err != nil {
			return err
		}
		if err := w.offer(m.ID, parent.ID, ev, score, 0); err != nil {
			return err
		}
	}
	return nil
}

// matchAmong merges sp with the best of the clusters rooted at roots, or
// offers the pair for review. It returns the roots of the clusters whose
// names or roles rule sp out.
func (w *writer) matchAmong(sp *speakerRec, roots []uuid.UUID) (others []uuid.UUID, err error) {
	mine, err := w.profileOf(sp)
	if err != nil {
		return nil, err
	}
	var fits []scored
	for _, id := range roots {
		r := w.speakers[id]
		p, err := w.profileOf(r)
		if err != nil {
			return nil, err
		}
		ev, score, veto := identity.Score(mine, p, 0)
		if veto {
			others = append(others, r.ID)
		} else {
			fits = append(fits, scored{r, ev, score})
		}
	}
	single := len(identity.Split(sp.Name).Given) == 0
	if len(fits) == 0 || single && len(fits) > 1 {
		return others, nil
	}
	slices.SortStableFunc(fits, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return bytes.Compare(a.root.ID[:], b.root.ID[:])
	})
	best := fits[0]
	merge, review := identity.Verdict(best.ev, best.score)
	if merge {
		apart, err := w.apart(sp, best.root)
		if err != nil {
			return nil, err
		}
		if !apart {
			return others, w.merge(best.root, sp, best.ev, best.score, ByAuto)
		}
	}
	if merge || review {
		return others, w.offer(sp.ID, best.root.ID, best.ev, best.score, 0)
	}
	return others, nil
}

// sharedQuote records that a quotation was printed as said by the speaker
// records a and b: when their names may be one person's, that is
// evidence, and the pair is scored again.
func (w *writer) sharedQuote(a, b uuid.UUID) error {
	ra, err := w.root(a)
	if err != nil {
		return err
	}
	rb, err := w.root(b)
	if err != nil {
		return err
	}
	if ra.ID == rb.ID {
		return nil
	}
	sa, sb := w.speakers[a], w.speakers[b]
	if !identity.Compatible(sa.Name, sb.Name) {
		return nil
	}
	c, err := w.candidate(a, b)
	if err != nil {
		return err
	}
	shared := 1
	if c != nil {
		shared = c.Shared + 1
	}
	pa, err := w.profileOf(ra)
	if err != nil {
		return err
	}
	pb, err := w.profileOf(rb)
	if err != nil {
		return err
	}
	ev, score, veto := identity.Score(pa, pb, shared)
	if veto {
		return nil
	}
	merge, review := identity.Verdict(ev, score)
	if merge {
		apart, err := w.apart(ra, rb)
		if err != nil {
			return err
		}
		if !apart {
			if c != nil {
				if err := w.dropCandidate(*c); err != nil {
					return err
				}
			}
			return w.merge(ra, rb, ev, score, ByAuto)
		}
	}
	if merge || review || c != nil {
		return w.offer(a, b, ev, score, shared)
	}
	return nil
}

// candidate reads the candidate pair of speaker records a and b; nil when
// there is none.
func (w *writer) candidate(a, b uuid.UUID) (*candidateRec, error) {
	x, y := key.Ordered(a, b)
	v, ok, err := get(w.txn, key.Pair(key.KindCandidatePair, x, y))
	if err != nil || !ok {
		return nil, err
	}
	var c candidateRec
	if err := load(w.txn, key.KindCandidate, uuid.UUID(v), &c); err != nil {
		return nil, fmt.Errorf("candidate %x: %w", v, err)
	}
	return &c, nil
}

// offer writes the pair a, b as a candidate for review with its evidence.
func (w *writer) offer(a, b uuid.UUID, ev []Evidence, score float64, shared int) error {
	c, err := w.candidate(a, b)
	if err != nil {
		return err
	}
	if c == nil {
		id, err := newID()
		if err != nil {
			return err
		}
		c = &candidateRec{ID: id, A: a, B: b, Created: w.now}
		w.res.Candidates++
	}
	c.Evidence, c.Confidence, c.Shared = ev, identity.Confidence(score), max(c.Shared, shared)
	if err := store(w.txn, key.KindCandidate, c.ID, c); err != nil {
		return err
	}
	for _, e := range candidateIndex(*c) {
		if err := set(w.txn, e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) dropCandidate(c candidateRec) error {
	for _, e := range candidateIndex(c) {
		if err := del(w.txn, e.k); err != nil {
			return err
		}
	}
	return del(w.txn, key.Record(key.KindCandidate, c.ID))
}

// names returns the normalized names and aliases of a cluster.
func (w *writer) clusterNames(root *speakerRec) ([]string, error) {
	members, err := w.cluster(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range members {
		out = append(out, m.lookups()...)
	}
	return out, nil
}

// apart reports whether a person decided that a name of the cluster of a
// is not a name of the cluster of b.
func (w *writer) apart(a, b *speakerRec) (bool, error) {
	ra, err := w.root(a.ID)
	if err != nil {
		return false, err
	}
	rb, err := w.root(b.ID)
	if err != nil {
		return false, err
	}
	na, err := w.clusterNames(ra)
	if err != nil {
		return false, err
	}
	nb, err := w.clusterNames(rb)
	if err != nil {
		return false, err
	}
	for _, x := range na {
		for _, y := range nb {
			v, ok, err := get(w.txn, key.Decision(x, y))
			if err != nil {
				return false, err
			}
			if ok {
				var d decisionRec
				if err := decodeRecord(v, &d); err != nil {
					return false, fmt.Errorf("decision %q %q: %w", x, y, err)
				}
				if d.Action == decisionApart {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

// applyDecisions merges sp with the speakers a person decided it is.
func (w *writer) applyDecisions(sp *speakerRec) error {
	for _, n := range sp.lookups() {
		var others []string
		err := scanDecisions(w.reader(), n, func(other string, d decisionRec) {
			if d.Action == decisionMerge {
				others = append(others, other)
			}
		})
		if err != nil {
			return err
		}
		for _, other := range others {
			v, ok, err := get(w.txn, key.Lookup(key.KindSpeakerLookup, other))
			if err != nil {
				return err
			}
			if !ok || len(v) < key.IDLen {
				continue
			}
			r, err := w.root(uuid.UUID(v[:key.IDLen]))
			if err != nil {
				return err
			}
			mine, err := w.root(sp.ID)
			if err != nil {
				return err
			}
			if r.ID == mine.ID {
				continue
			}
			ev := []Evidence{{Kind: EvidenceDecision, Detail: "a person decided " + n + " and " + other + " are one person", Weight: 10}}
			if err := w.merge(r, mine, ev, 10, ByPerson); err != nil {
				return err
			}
		}
	}
	return nil
}

// merge joins the cluster of b into the cluster of a. The older root
// stays canonical, so a speaker's id survives merges; b's root hangs
// under the record it was matched with, so that undoing the merge takes
// exactly b's cluster away again.
func (w *writer) merge(a, b *speakerRec, ev []Evidence, score float64, by string) error {
	ra, err := w.root(a.ID)
	if err != nil {
		return err
	}
	rb, err := w.root(b.ID)
	if err != nil {
		return err
	}
	if ra.ID == rb.ID {
		return nil
	}
	if len(ra.Members)+len(rb.Members)+2 > maxClusterSize {
		return nil
	}
	if bytes.Compare(rb.ID[:], ra.ID[:]) < 0 {
		ra, rb, a, b = rb, ra, b, a
	}
	moved := append([]uuid.UUID{rb.ID}, rb.Members...)
	for _, id := range moved {
		m, err := w.loadSpeaker(id)
		if err != nil {
			return err
		}
		m.Canon = ra.ID
		w.dirty[id] = true
	}
	rb.Parent = a.ID
	rb.Link = &linkRec{Evidence: ev, Confidence: identity.Confidence(score), By: by, At: w.now}
	rb.Members, rb.Display = nil, ""
	ra.Members = append(ra.Members, moved...)
	if err := w.redisplay(ra); err != nil {
		return err
	}
	w.dirty[ra.ID] = true
	w.counters[key.CounterSpeakers]--
	w.res.Merges++
	return nil
}

// redisplay sets the display name of the cluster rooted at root: the
// fullest name of its members, the oldest on ties.
func (w *writer) redisplay(root *speakerRec) error {
	members, err := w.cluster(root)
	if err != nil {
		return err
	}
	best := root.Name
	for _, m := range members[1:] {
		if identity.Fuller(m.Name, best) {
			best = m.Name
		}
	}
	if best == root.Name {
		root.Display = ""
	} else {
		root.Display = best
	}
	w.dirty[root.ID] = true
	return nil
}

// split takes member m and the records merged through it out of their
// cluster, into a cluster of their own rooted at m.
func (w *writer) split(m *speakerRec) error {
	if m.Canon == uuid.Nil {
		return nil
	}
	root, err := w.loadSpeaker(m.Canon)
	if err != nil {
		return err
	}
	members, err := w.cluster(root)
	if err != nil {
		return err
	}
	parents := map[uuid.UUID]uuid.UUID{}
	for _, x := range members {
		parents[x.ID] = x.Parent
	}
	under := func(id uuid.UUID) bool {
		for steps := 0; id != uuid.Nil && steps <= len(members); steps++ {
			if id == m.ID {
				return true
			}
			id = parents[id]
		}
		return false
	}
	var sub, rest []uuid.UUID
	for _, x := range members[1:] {
		if under(x.ID) {
			sub = append(sub, x.ID)
		} else {
			rest = append(rest, x.ID)
		}
	}
	root.Members = rest
	m.Canon, m.Parent, m.Link = uuid.Nil, uuid.Nil, nil
	m.Members = nil
	for _, id := range sub {
		if id == m.ID {
			continue
		}
		x := w.speakers[id]
		x.Canon = m.ID
		m.Members = append(m.Members, id)
		w.dirty[id] = true
	}
	w.dirty[m.ID] = true
	if err := w.redisplay(root); err != nil {
		return err
	}
	if err := w.redisplay(m); err != nil {
		return err
	}
	w.counters[key.CounterSpeakers]++
	return nil
}
