package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// The JSON Lines format, one object a line. A quotation:
//
//	{"quoteID": "…", "quotation": "…", "speaker": {…} or null,
//	 "date": "2025-02-17", "numOccurrences": 2, "urls": ["…", "…"],
//	 "conflict": true,
//	 "occurrences": [{"id", "articleID", "url", "title", "outlet", "date",
//	                  "quotation", "kind", "confidence", "spans", "cue",
//	                  "cueSpan", "cueKind", "mention", "mentionSpan", "venue",
//	                  "speakerName", "speakerID", "speakerRecordID",
//	                  "match", "score", "similarity", "fidelity",
//	                  "misquote"}],
//	 "speakers": [{…}], "articles": [{…}]}
//
// quoteID, quotation (the canonical text), speaker, date (the earliest
// occurrence's), numOccurrences and urls read as Quotebank's do; the
// speaker is the person, {"id", "name", "aliases", "titles"}, with every
// name merged into them. conflict is there when articles attribute the
// quotation to people who cannot be one. occurrences are the printings,
// earliest first: each with its own id, the text as printed, the speaker
// as the article named them (speakerName, the speaker record of that
// name, speakerRecordID, and the person, speakerID), how it joined the
// quotation (match: first, exact, contained or paraphrase, with its
// score), and how it compares with the canonical text (similarity,
// fidelity, and misquote, the reasons a change may alter the meaning).
// cueKind is speech (words said or written) or stance (a belief, an
// intention or a position the cue reports); a line of an earlier version,
// which has none, is speech.
// A venue is {"id", "name", "kind"}; spans are [start, end) pairs of
// Unicode code points into the article's text.
//
// speakers holds the speaker records the line is the first to mention,
// with the rest of their clusters: {"id", "name", "aliases", "titles",
// "roles", "venues", "quotedWith", "created", and for a name merged into
// another "canonical", "parent" and "merge" (its "evidence",
// "confidence", "by" and "at"), for a canonical record its "members" and
// "display" name}. articles holds the articles the line is the first to
// mention, whole, and the articles they copy: {"id", "key", "sourceId",
// "url", "title", "outlet" ({"id", "name"}), "published", "hash",
// "ingested", "copyOf" ({"original", "score", "sharedQuotes",
// "textOverlap"}), "text"}.
//
// A whole-graph export ends with lines for the records no quotation
// reaches, {"speaker": {…}}, {"venue": {…}}, {"outlet": {…}} and
// {"article": {…}}, then the review candidates, {"candidate": {"id", "a",
// "b", "evidence", "confidence", "shared", "created"}}, and people's
// decisions, {"decision": {"names", "action", "at"}}.
//
// Import also reads exports of graphd versions that wrote one printing a
// quotation, with no occurrence ids: their speaker is the speaker record.

type jsonSpeaker struct {
	ID      uuid.UUID `json:"id"`
	Type    string    `json:"type,omitempty"`
	Name    string    `json:"name"`
	Aliases []string  `json:"aliases,omitempty"`
	Titles  []string  `json:"titles,omitempty"`
}

type jsonRole struct {
	Title        string    `json:"title"`
	Organization string    `json:"organization,omitempty"`
	From         time.Time `json:"from,omitzero"`
	To           time.Time `json:"to,omitzero"`
}

type jsonEvidence struct {
	Kind   string  `json:"kind"`
	Detail string  `json:"detail"`
	Weight float64 `json:"weight"`
}

type jsonMerge struct {
	Evidence   []jsonEvidence `json:"evidence"`
	Confidence float64        `json:"confidence"`
	By         string         `json:"by"`
	At         time.Time      `json:"at"`
}

// jsonRecord is a speaker record; a speaker (the person) reads as one.
type jsonRecord struct {
	ID         uuid.UUID   `json:"id"`
	Type       string      `json:"type,omitempty"`
	Name       string      `json:"name"`
	Aliases    []string    `json:"aliases,omitempty"`
	Titles     []string    `json:"titles,omitempty"`
	Roles      []jsonRole  `json:"roles,omitempty"`
	Venues     []string    `json:"venues,omitempty"`
	QuotedWith []string    `json:"quotedWith,omitempty"`
	Created    time.Time   `json:"created,omitzero"`
	Canonical  uuid.UUID   `json:"canonical,omitzero"`
	Parent     uuid.UUID   `json:"parent,omitzero"`
	Merge      *jsonMerge  `json:"merge,omitempty"`
	Members    []uuid.UUID `json:"members,omitempty"`
	Display    string      `json:"display,omitempty"`
}

type jsonVenue struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	Kind string    `json:"kind"`
}

type jsonOutlet struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

type jsonCopy struct {
	Original     uuid.UUID `json:"original"`
	Score        float64   `json:"score"`
	SharedQuotes int       `json:"sharedQuotes"`
	TextOverlap  float64   `json:"textOverlap"`
}

type jsonArticle struct {
	ID        uuid.UUID   `json:"id"`
	Key       string      `json:"key"`
	SourceID  string      `json:"sourceId,omitempty"`
	URL       string      `json:"url,omitempty"`
	Title     string      `json:"title,omitempty"`
	Outlet    *jsonOutlet `json:"outlet,omitempty"`
	Published *time.Time  `json:"published,omitempty"`
	Hash      string      `json:"hash"`
	Ingested  time.Time   `json:"ingested"`
	CopyOf    *jsonCopy   `json:"copyOf,omitempty"`
	Text      *string     `json:"text,omitempty"`
}

type jsonOccurrence struct {
	ID            uuid.UUID  `json:"id,omitzero"`
	ArticleID     uuid.UUID  `json:"articleID"`
	URL           string     `json:"url,omitempty"`
	Title         string     `json:"title,omitempty"`
	Outlet        string     `json:"outlet,omitempty"`
	Date          string     `json:"date,omitempty"`
	Quotation     string     `json:"quotation"`
	Kind          string     `json:"kind"`
	Confidence    float64    `json:"confidence"`
	Spans         [][2]int   `json:"spans"`
	Cue           string     `json:"cue,omitempty"`
	CueSpan       *[2]int    `json:"cueSpan,omitempty"`
	CueKind       string     `json:"cueKind,omitempty"`
	Mention       string     `json:"mention,omitempty"`
	MentionSpan   *[2]int    `json:"mentionSpan,omitempty"`
	Venue         *jsonVenue `json:"venue"`
	SpeakerName   string     `json:"speakerName,omitempty"`
	SpeakerID     uuid.UUID  `json:"speakerID,omitzero"`
	SpeakerRecord uuid.UUID  `json:"speakerRecordID,omitzero"`
	Match         string     `json:"match,omitempty"`
	Score         float64    `json:"score"`
	Similarity    float64    `json:"similarity"`
	Fidelity      float64    `json:"fidelity"`
	Misquote      []string   `json:"misquote,omitempty"`
}

type jsonQuote struct {
	QuoteID        uuid.UUID        `json:"quoteID"`
	Quotation      string           `json:"quotation"`
	Speaker        *jsonSpeaker     `json:"speaker"`
	Date           *string          `json:"date"`
	NumOccurrences int              `json:"numOccurrences"`
	URLs           []string         `json:"urls"`
	Conflict       bool             `json:"conflict,omitempty"`
	Occurrences    []jsonOccurrence `json:"occurrences"`
	Speakers       []jsonRecord     `json:"speakers,omitempty"`
	Articles       []jsonArticle    `json:"articles,omitempty"`
}

type jsonCandidate struct {
	ID         uuid.UUID      `json:"id"`
	A          uuid.UUID      `json:"a"`
	B          uuid.UUID      `json:"b"`
	Evidence   []jsonEvidence `json:"evidence"`
	Confidence float64        `json:"confidence"`
	Shared     int            `json:"shared,omitempty"`
	Created    time.Time      `json:"created"`
}

type jsonDecision struct {
	Names  [2]string `json:"names"`
	Action string    `json:"action"`
	At     time.Time `json:"at"`
}

func speakerJSON(sp *graph.Speaker) *jsonSpeaker {
	if sp == nil {
		return nil
	}
	return &jsonSpeaker{ID: sp.ID, Type: sp.Type, Name: sp.Name, Aliases: sp.Aliases, Titles: sp.Titles}
}

func evidenceJSON(ev []graph.Evidence) []jsonEvidence {
	out := make([]jsonEvidence, len(ev))
	for i, e := range ev {
		out[i] = jsonEvidence{e.Kind, e.Detail, e.Weight}
	}
	return out
}

func evidenceOf(ev []jsonEvidence) []graph.Evidence {
	var out []graph.Evidence
	for _, e := range ev {
		out = append(out, graph.Evidence{Kind: e.Kind, Detail: e.Detail, Weight: e.Weight})
	}
	return out
}

func recordJSON(r *graph.SpeakerRecord) jsonRecord {
	j := jsonRecord{ID: r.ID, Type: r.Type, Name: r.Name, Aliases: r.Aliases, Titles: r.Titles, Venues: r.Venues, QuotedWith: r.QuotedWith,
		Created: r.Created.UTC(), Canonical: r.Canonical, Parent: r.Parent, Members: r.Members, Display: r.Display}
	for _, ro := range r.Roles {
		j.Roles = append(j.Roles, jsonRole{Title: ro.Title, Organization: ro.Organization, From: ro.From.UTC(), To: ro.To.UTC()})
	}
	if m := r.Merge; m != nil {
		j.Merge = &jsonMerge{Evidence: evidenceJSON(m.Evidence), Confidence: m.Confidence, By: m.By, At: m.At.UTC()}
	}
	return j
}

func (j *jsonRecord) record() graph.SpeakerRecord {
	r := graph.SpeakerRecord{ID: j.ID, Type: j.Type, Name: j.Name, Aliases: j.Aliases, Titles: j.Titles, Venues: j.Venues, QuotedWith: j.QuotedWith,
		Created: j.Created, Canonical: j.Canonical, Parent: j.Parent, Members: j.Members, Display: j.Display}
	for _, ro := range j.Roles {
		r.Roles = append(r.Roles, graph.Role{Title: ro.Title, Organization: ro.Organization, From: ro.From, To: ro.To})
	}
	if m := j.Merge; m != nil {
		r.Merge = &graph.MergeLink{Evidence: evidenceOf(m.Evidence), Confidence: m.Confidence, By: m.By, At: m.At}
	}
	return r
}

func venueJSON(v *graph.Venue) *jsonVenue {
	if v == nil {
		return nil
	}
	return &jsonVenue{ID: v.ID, Name: v.Name, Kind: v.Kind}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func spanPair(sp *graph.Span) *[2]int {
	if sp == nil {
		return nil
	}
	return &[2]int{sp.Start, sp.End}
}

// isoDate writes a date as ISO 8601: the day alone at midnight UTC.
func isoDate(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}

func (s *source) articleJSON(a *graph.Article, withText bool) (jsonArticle, error) {
	j := jsonArticle{ID: a.ID, Key: a.Key, SourceID: a.SourceID, URL: a.URL, Title: a.Title,
		Published: timePtr(a.Published), Hash: a.Hash, Ingested: a.Ingested.UTC()}
	if a.OutletID != uuid.Nil {
		j.Outlet = &jsonOutlet{ID: a.OutletID, Name: a.Outlet}
		if _, err := s.outlet(a.OutletID); err != nil {
			return j, err
		}
	}
	if c := a.CopyOf; c != nil {
		j.CopyOf = &jsonCopy{Original: c.Original, Score: c.Score, SharedQuotes: c.SharedQuotes, TextOverlap: c.TextOverlap}
	}
	if withText {
		text := a.Text
		if text == "" {
			var err error
			if text, err = s.text(a.ID); err != nil {
				return j, err
			}
		}
		j.Text = &text
	}
	return j, nil
}

// jsonlWriter writes a JSON Lines export, remembering the records it
// wrote whole.
type jsonlWriter struct {
	s        *source
	articles map[uuid.UUID]bool
	speakers map[uuid.UUID]bool
}

// addArticle appends article id, and the articles it copies, to the
// line unless written before.
func (w *jsonlWriter) addArticle(line *jsonQuote, id uuid.UUID) error {
	for id != uuid.Nil && !w.articles[id] {
		w.articles[id] = true
		a, err := w.s.article(id)
		if err != nil {
			return err
		}
		ja, err := w.s.articleJSON(a, !w.s.o.NoText)
		if err != nil {
			return err
		}
		line.Articles = append(line.Articles, ja)
		id = uuid.Nil
		if a.CopyOf != nil {
			id = a.CopyOf.Original
		}
	}
	return nil
}

// addSpeaker appends the cluster of speaker record id to the line
// unless written before.
func (w *jsonlWriter) addSpeaker(line *jsonQuote, id uuid.UUID) error {
	if id == uuid.Nil || w.speakers[id] {
		return nil
	}
	rs, err := w.s.cluster(id)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if !w.speakers[r.ID] {
			w.speakers[r.ID] = true
			line.Speakers = append(line.Speakers, recordJSON(r))
		}
	}
	return nil
}

// appendJSON appends v as encoding/json writes it without HTML escapes.
func appendJSON(b []byte, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("export: encode %T: %v", v, err)) // the types are this package's own
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

func writeJSONL(s *source, w io.Writer) error {
	s.withText = !s.o.NoText
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	jw := &jsonlWriter{s: s, articles: map[uuid.UUID]bool{}, speakers: map[uuid.UUID]bool{}}
	var buf []byte
	var line jsonQuote
	err := s.each(func(st statement) error {
		q := st.quote
		line = jsonQuote{QuoteID: q.ID, Quotation: q.Text, Speaker: speakerJSON(st.speaker), NumOccurrences: len(st.occurrences),
			Conflict: q.Conflict, URLs: line.URLs[:0], Occurrences: line.Occurrences[:0]}
		var first time.Time
		for _, oc := range st.occurrences {
			a := oc.article
			j := jsonOccurrence{
				ID: oc.ID, ArticleID: a.ID, URL: a.URL, Title: a.Title, Outlet: a.Outlet,
				Quotation: oc.Text, Kind: oc.Kind, Confidence: oc.Confidence,
				Spans: make([][2]int, len(oc.Spans)), Cue: oc.Cue, CueSpan: spanPair(oc.CueSpan), CueKind: oc.CueKind,
				Mention: oc.Mention, MentionSpan: spanPair(oc.MentionSpan), Venue: venueJSON(oc.venue),
				SpeakerName: oc.Speaker, SpeakerID: oc.SpeakerID, SpeakerRecord: oc.SpeakerRecord,
				Match: oc.Match, Score: oc.Score, Similarity: oc.Similarity, Fidelity: oc.Fidelity, Misquote: oc.Misquote,
			}
			if !a.Published.IsZero() {
				j.Date = isoDate(a.Published)
			}
			for i, sp := range oc.Spans {
				j.Spans[i] = [2]int{sp.Start, sp.End}
			}
			line.Occurrences = append(line.Occurrences, j)
			if a.URL != "" {
				line.URLs = append(line.URLs, a.URL)
			}
			if !a.Published.IsZero() && (first.IsZero() || a.Published.Before(first)) {
				first = a.Published
			}
			if err := jw.addSpeaker(&line, oc.SpeakerRecord); err != nil {
				return err
			}
			if err := jw.addArticle(&line, a.ID); err != nil {
				return err
			}
		}
		if line.URLs == nil {
			line.URLs = []string{}
		}
		if !first.IsZero() {
			d := isoDate(first)
			line.Date = &d
		}
		s.counts.Printings += len(st.occurrences)
		buf = line.append(buf[:0])
		_, err := bw.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	s.counts.Speakers, s.counts.Venues, s.counts.Outlets = len(jw.speakers), len(s.venues), len(s.outlets)
	s.counts.Articles = len(jw.articles)
	err = s.unreached(
		func(v graph.SpeakerRecord) error {
			s.counts.Speakers++
			return enc.Encode(map[string]any{"speaker": recordJSON(&v)})
		},
		func(v graph.Venue) error {
			s.counts.Venues++
			return enc.Encode(map[string]any{"venue": venueJSON(&v)})
		},
		func(v graph.Outlet) error {
			s.counts.Outlets++
			return enc.Encode(map[string]any{"outlet": jsonOutlet{v.ID, v.Name}})
		},
		func(a graph.Article) error {
			s.counts.Articles++
			if _, ok := s.outlets[a.OutletID]; a.OutletID != uuid.Nil && !ok {
				s.counts.Outlets++
			}
			ja, err := s.articleJSON(&a, !s.o.NoText)
			if err != nil {
				return err
			}
			return enc.Encode(map[string]any{"article": ja})
		})
	if err == nil && s.o.full() {
		err = s.sn.CandidateRecords(s.ctx, func(c graph.CandidateRecord) error {
			return enc.Encode(map[string]any{"candidate": jsonCandidate{ID: c.ID, A: c.A, B: c.B, Evidence: evidenceJSON(c.Evidence),
				Confidence: c.Confidence, Shared: c.Shared, Created: c.Created.UTC()}})
		})
	}
	if err == nil && s.o.full() {
		err = s.sn.Decisions(s.ctx, func(d graph.Decision) error {
			return enc.Encode(map[string]any{"decision": jsonDecision{Names: d.Names, Action: d.Action, At: d.At.UTC()}})
		})
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// ErrImport means an import file is not one graphd can load.
var ErrImport = errors.New("cannot import")

// importLine is any line of the format, as import reads it.
type importLine struct {
	QuoteID        uuid.UUID        `json:"quoteID"`
	Quotation      string           `json:"quotation"`
	Speaker        *jsonRecord      `json:"speaker"`
	Date           *string          `json:"date"`
	NumOccurrences int              `json:"numOccurrences"`
	URLs           []string         `json:"urls"`
	Conflict       bool             `json:"conflict"`
	Occurrences    []jsonOccurrence `json:"occurrences"`
	Speakers       []jsonRecord     `json:"speakers"`
	Articles       []jsonArticle    `json:"articles"`
	Venue          *jsonVenue       `json:"venue"`
	Outlet         *jsonOutlet      `json:"outlet"`
	Article        *jsonArticle     `json:"article"`
	Candidate      *jsonCandidate   `json:"candidate"`
	Decision       *jsonDecision    `json:"decision"`
}

// Import loads a JSON Lines export into store, which must be empty
// (graph.ErrInvalid otherwise), with graph.Store.Load: ids, names,
// articles and their text, every printing of every quotation, the
// clusters of speaker records with the evidence of their merges, copies,
// review candidates and people's decisions come back as they were. A
// line it cannot read (not JSON, a key the format does not have, a value
// of the wrong type) or load (invalid, or naming a record the file does
// not hold before it) gives an error wrapping ErrImport that starts with
// the line number; the store is then left empty.
func Import(ctx context.Context, store *graph.Store, r io.Reader) (Counts, error) {
	l, err := store.Load(ctx)
	if err != nil {
		return Counts{}, fmt.Errorf("import: %w", err)
	}
	in := &importer{l: l, speakers: map[uuid.UUID]int{}, venues: map[uuid.UUID]bool{}, outlets: map[uuid.UUID]bool{},
		articles: map[uuid.UUID]int{}, links: map[uuid.UUID][]uuid.UUID{}, copies: map[uuid.UUID]uuid.UUID{}}
	fail := func(n int, err error) (Counts, error) {
		if aerr := l.Abort(); aerr != nil {
			err = errors.Join(err, aerr)
		}
		if n == 0 {
			return in.counts, fmt.Errorf("%w: %w", ErrImport, err)
		}
		return in.counts, fmt.Errorf("line %d: %w: %w", n, ErrImport, err)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), graph.MaxTextBytes*2)
	n := 0
	for sc.Scan() {
		n++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var line importLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		err := dec.Decode(&line)
		if err == nil && dec.More() {
			err = errors.New("more than one JSON value")
		}
		if err == nil {
			err = in.line(n, line)
		}
		if err != nil {
			return fail(n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fail(n+1, err)
	}
	if n, err := in.missing(); err != nil {
		return fail(n, err)
	}
	if err := l.Close(); err != nil {
		return in.counts, fmt.Errorf("import: %w: %w", ErrImport, err)
	}
	return in.counts, nil
}

type importer struct {
	l *graph.Loader
	// The lines that loaded each speaker record and article, and the
	// records they link to, checked when the file is read.
	speakers, articles map[uuid.UUID]int
	links              map[uuid.UUID][]uuid.UUID // speaker record → its canonical record, parent and members
	copies             map[uuid.UUID]uuid.UUID   // article → the article it copies
	venues, outlets    map[uuid.UUID]bool
	counts             Counts
}

func (in *importer) line(n int, j importLine) error {
	switch {
	case j.QuoteID != uuid.Nil:
		return in.quote(n, j)
	case j.Speaker != nil:
		return in.speaker(n, j.Speaker)
	case j.Venue != nil:
		return in.venue(j.Venue)
	case j.Outlet != nil:
		return in.outlet(j.Outlet)
	case j.Article != nil:
		return in.article(n, *j.Article)
	case j.Candidate != nil:
		c := j.Candidate
		return in.l.CandidateRecord(graph.CandidateRecord{ID: c.ID, A: c.A, B: c.B, Evidence: evidenceOf(c.Evidence),
			Confidence: c.Confidence, Shared: c.Shared, Created: c.Created})
	case j.Decision != nil:
		d := j.Decision
		return in.l.Decision(graph.Decision{Names: d.Names, Action: d.Action, At: d.At})
	}
	return errors.New("neither a quotation nor a record")
}

func (in *importer) speaker(n int, j *jsonRecord) error {
	if err := in.l.SpeakerRecord(j.record()); err != nil {
		return err
	}
	in.speakers[j.ID] = n
	in.links[j.ID] = append(append(slices.Clip(j.Members), j.Canonical), j.Parent)
	in.counts.Speakers++
	return nil
}

func (in *importer) venue(j *jsonVenue) error {
	if j == nil || in.venues[j.ID] {
		return nil
	}
	in.venues[j.ID] = true
	in.counts.Venues++
	return in.l.Venue(graph.Venue{ID: j.ID, Name: j.Name, Kind: j.Kind})
}

func (in *importer) outlet(j *jsonOutlet) error {
	if j == nil || in.outlets[j.ID] {
		return nil
	}
	in.outlets[j.ID] = true
	in.counts.Outlets++
	return in.l.Outlet(graph.Outlet{ID: j.ID, Name: j.Name})
}

func (in *importer) article(n int, j jsonArticle) error {
	if _, ok := in.articles[j.ID]; ok {
		return nil
	}
	if j.Text == nil {
		return fmt.Errorf("article %s has no text: export without --text no to import", j.ID)
	}
	if err := in.outlet(j.Outlet); err != nil {
		return err
	}
	a := graph.Article{ID: j.ID, Key: j.Key, SourceID: j.SourceID, URL: j.URL, Title: j.Title,
		Hash: j.Hash, Ingested: j.Ingested, Text: *j.Text}
	if j.Outlet != nil {
		a.OutletID, a.Outlet = j.Outlet.ID, j.Outlet.Name
	}
	if j.Published != nil {
		a.Published = *j.Published
	}
	if c := j.CopyOf; c != nil {
		a.CopyOf = &graph.CopyLink{Original: c.Original, Copy: j.ID, Score: c.Score, SharedQuotes: c.SharedQuotes, TextOverlap: c.TextOverlap}
		in.copies[j.ID] = c.Original
	}
	in.articles[j.ID] = n
	in.counts.Articles++
	return in.l.Article(a)
}

func (in *importer) quote(n int, j importLine) error {
	// An export of one printing a quotation has no occurrence ids, and
	// its speaker is the speaker record.
	old := len(j.Speakers) == 0 && !slices.ContainsFunc(j.Occurrences, func(o jsonOccurrence) bool { return o.ID != uuid.Nil })
	if old && j.Speaker != nil {
		if _, ok := in.speakers[j.Speaker.ID]; !ok {
			if err := in.speaker(n, j.Speaker); err != nil {
				return err
			}
		}
	}
	for i := range j.Speakers {
		if err := in.speaker(n, &j.Speakers[i]); err != nil {
			return err
		}
	}
	for _, a := range j.Articles {
		if err := in.article(n, a); err != nil {
			return err
		}
	}
	occs := make([]graph.Occurrence, len(j.Occurrences))
	for i, oc := range j.Occurrences {
		if err := in.venue(oc.Venue); err != nil {
			return err
		}
		o := graph.Occurrence{ID: oc.ID, ArticleID: oc.ArticleID, SpeakerRecord: oc.SpeakerRecord, Text: oc.Quotation, Kind: oc.Kind,
			Cue: oc.Cue, CueKind: oc.CueKind, Mention: oc.Mention, Confidence: oc.Confidence, Match: oc.Match, Score: oc.Score}
		if old {
			o.Match, o.Score = "first", 1
			if j.Speaker != nil {
				o.SpeakerRecord = j.Speaker.ID
			}
		}
		if oc.Venue != nil {
			o.VenueID = oc.Venue.ID
		}
		for _, sp := range oc.Spans {
			o.Spans = append(o.Spans, graph.Span{Start: sp[0], End: sp[1]})
		}
		if oc.CueSpan != nil {
			o.CueSpan = &graph.Span{Start: oc.CueSpan[0], End: oc.CueSpan[1]}
		}
		if oc.MentionSpan != nil {
			o.MentionSpan = &graph.Span{Start: oc.MentionSpan[0], End: oc.MentionSpan[1]}
		}
		occs[i] = o
	}
	in.counts.Quotes++
	in.counts.Printings += len(occs)
	return in.l.Statement(graph.Quote{ID: j.QuoteID, Text: j.Quotation, Conflict: j.Conflict}, occs)
}

// missing finds a speaker record or article that links to a record the
// file does not hold, and returns the line that loaded it.
func (in *importer) missing() (int, error) {
	sorted := func(m map[uuid.UUID]int) []uuid.UUID {
		ids := make([]uuid.UUID, 0, len(m))
		for id := range m {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		return ids
	}
	for _, id := range sorted(in.articles) {
		if o, ok := in.copies[id]; ok && in.articles[o] == 0 {
			return in.articles[id], fmt.Errorf("article %s copies article %s, which the file does not hold", id, o)
		}
	}
	for _, id := range sorted(in.speakers) {
		for _, o := range in.links[id] {
			if o != uuid.Nil && in.speakers[o] == 0 {
				return in.speakers[id], fmt.Errorf("speaker %s is linked to speaker %s, which the file does not hold", id, o)
			}
		}
	}
	return 0, nil
}
