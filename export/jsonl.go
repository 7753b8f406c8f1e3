package export

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// The JSON Lines format, one object a line. A quotation:
//
//	{"quoteID": "…", "quotation": "…", "speaker": {…} or null,
//	 "date": "2025-02-17", "numOccurrences": 1, "urls": ["…"],
//	 "occurrences": [{"articleID", "url", "title", "outlet", "date",
//	                  "quotation", "kind", "confidence", "spans", "cue",
//	                  "cueSpan", "mention", "mentionSpan", "venue"}],
//	 "articles": [{…}]}
//
// quoteID, quotation, speaker, date (the earliest occurrence's),
// numOccurrences and urls read as Quotebank's do. A speaker is {"id",
// "name", "aliases", "titles"}, a venue {"id", "name", "kind"}, an outlet
// {"id", "name"}; spans are [start, end) pairs of Unicode code points
// into the article's text. articles holds the articles the line is the
// first to mention, whole: {"id", "key", "sourceId", "url", "title",
// "outlet", "published", "hash", "ingested", "text"}.
//
// A whole-graph export ends with lines for the records no quotation
// reaches: {"speaker": {…}}, {"venue": {…}}, {"outlet": {…}} and
// {"article": {…}}.

type jsonSpeaker struct {
	ID      uuid.UUID `json:"id"`
	Name    string    `json:"name"`
	Aliases []string  `json:"aliases,omitempty"`
	Titles  []string  `json:"titles,omitempty"`
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
	Text      *string     `json:"text,omitempty"`
}

type jsonOccurrence struct {
	ArticleID   uuid.UUID  `json:"articleID"`
	URL         string     `json:"url,omitempty"`
	Title       string     `json:"title,omitempty"`
	Outlet      string     `json:"outlet,omitempty"`
	Date        string     `json:"date,omitempty"`
	Quotation   string     `json:"quotation"`
	Kind        string     `json:"kind"`
	Confidence  float64    `json:"confidence"`
	Spans       [][2]int   `json:"spans"`
	Cue         string     `json:"cue,omitempty"`
	CueSpan     *[2]int    `json:"cueSpan,omitempty"`
	Mention     string     `json:"mention,omitempty"`
	MentionSpan *[2]int    `json:"mentionSpan,omitempty"`
	Venue       *jsonVenue `json:"venue"`
}

type jsonQuote struct {
	QuoteID        uuid.UUID        `json:"quoteID"`
	Quotation      string           `json:"quotation"`
	Speaker        *jsonSpeaker     `json:"speaker"`
	Date           *string          `json:"date"`
	NumOccurrences int              `json:"numOccurrences"`
	URLs           []string         `json:"urls"`
	Occurrences    []jsonOccurrence `json:"occurrences"`
	Articles       []jsonArticle    `json:"articles,omitempty"`
}

func speakerJSON(sp *graph.Speaker) *jsonSpeaker {
	if sp == nil {
		return nil
	}
	return &jsonSpeaker{ID: sp.ID, Name: sp.Name, Aliases: sp.Aliases, Titles: sp.Titles}
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

func writeJSONL(s *source, w io.Writer) error {
	s.withText = !s.o.NoText
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	seen := map[uuid.UUID]bool{} // articles written whole
	var buf []byte
	err := s.each(func(st statement) error {
		q := st.quote
		line := jsonQuote{QuoteID: q.ID, Quotation: q.Text, Speaker: speakerJSON(st.speaker), NumOccurrences: len(st.occurrences)}
		var first time.Time
		for _, oc := range st.occurrences {
			a := oc.article
			j := jsonOccurrence{
				ArticleID: a.ID, URL: a.URL, Title: a.Title, Outlet: a.Outlet,
				Quotation: oc.quote.Text, Kind: oc.quote.Kind, Confidence: oc.quote.Confidence,
				Spans: [][2]int{}, Cue: oc.quote.Cue, CueSpan: spanPair(oc.quote.CueSpan),
				Mention: oc.quote.Mention, MentionSpan: spanPair(oc.quote.MentionSpan), Venue: venueJSON(oc.venue),
			}
			if !a.Published.IsZero() {
				j.Date = isoDate(a.Published)
			}
			for _, sp := range oc.quote.Spans {
				j.Spans = append(j.Spans, [2]int{sp.Start, sp.End})
			}
			line.Occurrences = append(line.Occurrences, j)
			if a.URL != "" {
				line.URLs = append(line.URLs, a.URL)
			}
			if !a.Published.IsZero() && (first.IsZero() || a.Published.Before(first)) {
				first = a.Published
			}
			if !seen[a.ID] {
				seen[a.ID] = true
				ja, err := s.articleJSON(a, !s.o.NoText)
				if err != nil {
					return err
				}
				line.Articles = append(line.Articles, ja)
			}
		}
		if line.URLs == nil {
			line.URLs = []string{}
		}
		if !first.IsZero() {
			d := isoDate(first)
			line.Date = &d
		}
		buf = line.append(buf[:0])
		_, err := bw.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	s.counts.Speakers, s.counts.Venues, s.counts.Outlets = len(s.speakers), len(s.venues), len(s.outlets)
	s.counts.Articles = len(seen)
	err = s.unreached(
		func(v graph.Speaker) error {
			s.counts.Speakers++
			return enc.Encode(map[string]any{"speaker": speakerJSON(&v)})
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
	if err != nil {
		return err
	}
	return bw.Flush()
}

// ErrImport means an import file is not one graphd can load.
var ErrImport = errors.New("cannot import")

// importLine is any line of the format, as import reads it.
type importLine struct {
	QuoteID     uuid.UUID        `json:"quoteID"`
	Quotation   string           `json:"quotation"`
	Speaker     *jsonSpeaker     `json:"speaker"`
	Occurrences []jsonOccurrence `json:"occurrences"`
	Articles    []jsonArticle    `json:"articles"`
	Venue       *jsonVenue       `json:"venue"`
	Outlet      *jsonOutlet      `json:"outlet"`
	Article     *jsonArticle     `json:"article"`
}

// Import loads a JSON Lines export into store, which must be empty
// (graph.ErrInvalid otherwise), with graph.Store.Load: ids, names,
// articles and their text come back as they were. It returns ErrImport
// wrapped with the line number for a line it cannot read or load.
func Import(ctx context.Context, store *graph.Store, r io.Reader) (Counts, error) {
	l, err := store.Load(ctx)
	if err != nil {
		return Counts{}, fmt.Errorf("import: %w", err)
	}
	in := &importer{l: l, speakers: map[uuid.UUID]bool{}, venues: map[uuid.UUID]bool{}, outlets: map[uuid.UUID]bool{}, articles: map[uuid.UUID]bool{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), graph.MaxTextBytes*2)
	n := 0
	for sc.Scan() {
		n++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var line importLine
		err := json.Unmarshal(sc.Bytes(), &line)
		if err == nil {
			err = in.line(line)
		}
		if err != nil {
			l.Abort()
			return in.counts, fmt.Errorf("import line %d: %w: %w", n, ErrImport, err)
		}
	}
	if err := sc.Err(); err != nil {
		l.Abort()
		return in.counts, fmt.Errorf("import line %d: %w: %w", n+1, ErrImport, err)
	}
	if err := l.Close(); err != nil {
		return in.counts, fmt.Errorf("import: %w", err)
	}
	return in.counts, nil
}

type importer struct {
	l                                   *graph.Loader
	speakers, venues, outlets, articles map[uuid.UUID]bool
	counts                              Counts
}

func (in *importer) line(j importLine) error {
	switch {
	case j.QuoteID != uuid.Nil:
		return in.quote(j)
	case j.Speaker != nil:
		return in.speaker(j.Speaker)
	case j.Venue != nil:
		return in.venue(j.Venue)
	case j.Outlet != nil:
		return in.outlet(j.Outlet)
	case j.Article != nil:
		return in.article(*j.Article)
	}
	return errors.New("neither a quotation nor a record")
}

func (in *importer) speaker(j *jsonSpeaker) error {
	if j == nil || in.speakers[j.ID] {
		return nil
	}
	in.speakers[j.ID] = true
	in.counts.Speakers++
	return in.l.Speaker(graph.Speaker{ID: j.ID, Name: j.Name, Aliases: j.Aliases, Titles: j.Titles})
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

func (in *importer) article(j jsonArticle) error {
	if in.articles[j.ID] {
		return nil
	}
	if j.Text == nil {
		return fmt.Errorf("article %s has no text: export without --no-text to import", j.ID)
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
	in.articles[j.ID] = true
	in.counts.Articles++
	return in.l.Article(a)
}

func (in *importer) quote(j importLine) error {
	if err := in.speaker(j.Speaker); err != nil {
		return err
	}
	for _, a := range j.Articles {
		if err := in.article(a); err != nil {
			return err
		}
	}
	if len(j.Occurrences) != 1 {
		return fmt.Errorf("quotation %s has %d occurrences; this graphd keeps a quotation per article", j.QuoteID, len(j.Occurrences))
	}
	oc := j.Occurrences[0]
	if err := in.venue(oc.Venue); err != nil {
		return err
	}
	q := graph.Quote{ID: j.QuoteID, ArticleID: oc.ArticleID, Text: oc.Quotation, Kind: oc.Kind,
		Cue: oc.Cue, Mention: oc.Mention, Confidence: oc.Confidence}
	if j.Speaker != nil {
		q.SpeakerID = j.Speaker.ID
	}
	if oc.Venue != nil {
		q.VenueID = oc.Venue.ID
	}
	for _, sp := range oc.Spans {
		q.Spans = append(q.Spans, graph.Span{Start: sp[0], End: sp[1]})
	}
	if oc.CueSpan != nil {
		q.CueSpan = &graph.Span{Start: oc.CueSpan[0], End: oc.CueSpan[1]}
	}
	if oc.MentionSpan != nil {
		q.MentionSpan = &graph.Span{Start: oc.MentionSpan[0], End: oc.MentionSpan[1]}
	}
	in.counts.Quotes++
	return in.l.Quote(q)
}
