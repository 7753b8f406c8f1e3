package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// N-Quads (RDF 1.1) in the schema.org vocabulary. Every record is
// <urn:uuid:…>. A quotation is a schema:Quotation; each printing of it
// says, in the graph named by the article that printed it, schema:text
// (as printed), schema:spokenByCharacter (the speaker record of the name
// the article gave, a schema:Person, schema:Organization (organisations
// and groups), schema:Place or schema:CreativeWork (documents) by its
// type, with urn:graphd:speakerType, schema:name,
// schema:alternateName, schema:jobTitle), schema:isPartOf the article (a
// schema:NewsArticle with schema:headline, schema:url,
// schema:datePublished, schema:publisher its outlet, a
// schema:NewsMediaOrganization, and schema:isBasedOn the article it
// copies). What schema.org has no term for is in graphd's own namespace,
// urn:graphd: (kind, confidence, cue, cueKind: speech or stance, mention, venue, and the venue's
// kind; a venue is a urn:graphd:Venue with a schema:name; how a printing
// joined the quotation, match, unless it was the first; and for a
// printing whose text is not the canonical text, its similarity,
// fidelity and misquote reasons). The article's own statements are in
// its graph too; speakers, venues, outlets, and the canonical text of a
// quotation printed more than once, are in the default graph. A speaker
// record merged into another is owl:sameAs its canonical record.

const (
	rdfType   = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
	owlSameAs = "<http://www.w3.org/2002/07/owl#sameAs>"
	xsd       = "http://www.w3.org/2001/XMLSchema#"
	schemaOrg = "https://schema.org/"
	vocab     = "urn:graphd:"
)

func sdo(term string) string { return "<" + schemaOrg + term + ">" }
func gd(term string) string  { return "<" + vocab + term + ">" }

// The predicates every printing has, made once.
var (
	rdfTypeQuotation = sdo("Quotation")
	sdoText          = sdo("text")
	sdoSpokenBy      = sdo("spokenByCharacter")
	sdoIsPartOf      = sdo("isPartOf")
	sdoDate          = sdo("datePublished")
	gdKind           = gd("kind")
	gdConfidence     = gd("confidence")
	gdCue            = gd("cue")
	gdCueKind        = gd("cueKind")
	gdMention        = gd("mention")
	gdVenue          = gd("venue")
)

func iri(id uuid.UUID) string { return "<urn:uuid:" + id.String() + ">" }

// literal writes a string as an N-Quads literal, escaped as the grammar
// wants: \" \\ \n \r \t and \uXXXX for other control characters; text
// that is not UTF-8 has its bad bytes replaced.
func literal(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString(`\uFFFD`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func typed(v, typ string) string { return literal(v) + "^^<" + xsd + typ + ">" }

func dateLiteral(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return typed(t.Format(time.DateOnly), "date")
	}
	return typed(t.Format(time.RFC3339Nano), "dateTime")
}

type quadWriter struct {
	w   *bufio.Writer
	err error
	// types prefixes the name of a literal's type: the XML Schema
	// namespace when empty; Dgraph reads "xs:".
	types string
}

// lit writes s, p, the literal v (typed, unless typ is "") and g as
// quad does, escaping v as literal does without building it first.
func (q *quadWriter) lit(s, p, v, typ, g string) {
	if q.err != nil {
		return
	}
	w := q.w
	w.WriteString(s)
	w.WriteByte(' ')
	w.WriteString(p)
	w.WriteString(` "`)
	start, checked := 0, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 {
			if !checked {
				checked = true
				if utf8.ValidString(v) {
					continue
				}
			} else {
				continue // the string is valid UTF-8
			}
		}
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			w.WriteString(v[start:i])
			e := literal(v[i:])
			w.WriteString(e[1 : len(e)-1])
			start = len(v)
			break
		}
	}
	w.WriteString(v[start:])
	w.WriteByte('"')
	if typ != "" {
		w.WriteString("^^<")
		if q.types == "" {
			w.WriteString(xsd)
		} else {
			w.WriteString(q.types)
		}
		w.WriteString(typ)
		w.WriteByte('>')
	}
	if g != "" {
		w.WriteByte(' ')
		w.WriteString(g)
	}
	_, q.err = w.WriteString(" .\n")
}

func (q *quadWriter) quad(s, p, o, g string) {
	if q.err != nil {
		return
	}
	q.w.WriteString(s)
	q.w.WriteByte(' ')
	q.w.WriteString(p)
	q.w.WriteByte(' ')
	q.w.WriteString(o)
	if g != "" {
		q.w.WriteByte(' ')
		q.w.WriteString(g)
	}
	_, q.err = q.w.WriteString(" .\n")
}

// rdfClass is the schema.org class of a speaker of type t: a speaker
// record with no type was stored when every speaker was a person.
func rdfClass(t string) string {
	switch t {
	case graph.SpeakerOrganization, graph.SpeakerGroup:
		return "Organization"
	case graph.SpeakerPlace:
		return "Place"
	case graph.SpeakerDocument:
		return "CreativeWork"
	case graph.SpeakerGeneric:
		return "Thing"
	}
	return "Person"
}

func writeNQuads(s *source, w io.Writer) error {
	q := &quadWriter{w: bufio.NewWriterSize(w, 256<<10)}
	emitted := map[uuid.UUID]bool{}
	speaker := func(sp *graph.SpeakerRecord) {
		if sp == nil || emitted[sp.ID] {
			return
		}
		emitted[sp.ID] = true
		s.counts.Speakers++
		n := iri(sp.ID)
		q.quad(n, rdfType, sdo(rdfClass(sp.Type)), "")
		if sp.Type != "" {
			q.quad(n, gd("speakerType"), literal(sp.Type), "")
		}
		q.quad(n, sdo("name"), literal(sp.Name), "")
		for _, a := range sp.Aliases {
			q.quad(n, sdo("alternateName"), literal(a), "")
		}
		for _, t := range sp.Titles {
			q.quad(n, sdo("jobTitle"), literal(t), "")
		}
		if sp.Canonical != uuid.Nil {
			q.quad(n, owlSameAs, iri(sp.Canonical), "")
		}
	}
	cluster := func(id uuid.UUID) error {
		if id == uuid.Nil || emitted[id] {
			return nil
		}
		rs, err := s.cluster(id)
		for _, r := range rs {
			speaker(r)
		}
		return err
	}
	venue := func(v *graph.Venue) {
		if v == nil || emitted[v.ID] {
			return
		}
		emitted[v.ID] = true
		s.counts.Venues++
		n := iri(v.ID)
		q.quad(n, rdfType, gd("Venue"), "")
		q.quad(n, sdo("name"), literal(v.Name), "")
		q.quad(n, gd("venueKind"), literal(v.Kind), "")
	}
	outlet := func(o *graph.Outlet) {
		if o == nil || emitted[o.ID] {
			return
		}
		emitted[o.ID] = true
		s.counts.Outlets++
		n := iri(o.ID)
		q.quad(n, rdfType, sdo("NewsMediaOrganization"), "")
		q.quad(n, sdo("name"), literal(o.Name), "")
	}
	var article func(a *graph.Article) error
	article = func(a *graph.Article) error {
		if emitted[a.ID] {
			return nil
		}
		emitted[a.ID] = true
		s.counts.Articles++
		n := iri(a.ID)
		q.quad(n, rdfType, sdo("NewsArticle"), n)
		if a.Title != "" {
			q.quad(n, sdo("headline"), literal(a.Title), n)
		}
		if a.URL != "" {
			q.quad(n, sdo("url"), typed(a.URL, "anyURI"), n)
		}
		if !a.Published.IsZero() {
			q.quad(n, sdo("datePublished"), dateLiteral(a.Published), n)
		}
		if a.SourceID != "" {
			q.quad(n, sdo("identifier"), literal(a.SourceID), n)
		}
		q.quad(n, gd("contentHash"), literal(a.Hash), n)
		if a.OutletID != uuid.Nil {
			o, err := s.outlet(a.OutletID)
			if err != nil {
				return err
			}
			outlet(o)
			q.quad(n, sdo("publisher"), iri(a.OutletID), n)
		}
		if c := a.CopyOf; c != nil {
			q.quad(n, sdo("isBasedOn"), iri(c.Original), n)
			o, err := s.article(c.Original)
			if err != nil {
				return err
			}
			return article(o)
		}
		return nil
	}
	err := s.each(func(st statement) error {
		n := iri(st.quote.ID)
		if len(st.occurrences) > 1 {
			q.quad(n, rdfType, sdo("Quotation"), "")
			q.quad(n, sdo("text"), literal(st.quote.Text), "")
		}
		for _, oc := range st.occurrences {
			if err := article(oc.article); err != nil {
				return err
			}
			if err := cluster(oc.SpeakerRecord); err != nil {
				return err
			}
			venue(oc.venue)
			s.counts.Printings++
			g := iri(oc.article.ID)
			q.quad(n, rdfType, rdfTypeQuotation, g)
			q.lit(n, sdoText, oc.Text, "", g)
			if oc.SpeakerRecord != uuid.Nil {
				q.quad(n, sdoSpokenBy, iri(oc.SpeakerRecord), g)
			}
			q.quad(n, sdoIsPartOf, g, g)
			if !oc.article.Published.IsZero() {
				q.quad(n, sdoDate, dateLiteral(oc.article.Published), g)
			}
			q.lit(n, gdKind, oc.Kind, "", g)
			q.lit(n, gdConfidence, strconv.FormatFloat(oc.Confidence, 'f', -1, 64), "decimal", g)
			if oc.Cue != "" {
				q.lit(n, gdCue, oc.Cue, "", g)
			}
			q.lit(n, gdCueKind, oc.CueKind, "", g)
			if oc.Mention != "" {
				q.lit(n, gdMention, oc.Mention, "", g)
			}
			if oc.venue != nil {
				q.quad(n, gdVenue, iri(oc.venue.ID), g)
			}
			if oc.Match != "first" {
				q.quad(n, gd("match"), literal(oc.Match), g)
			}
			if st.printed(oc) {
				q.quad(n, gd("similarity"), typed(strconv.FormatFloat(oc.Similarity, 'f', -1, 64), "decimal"), g)
				q.quad(n, gd("fidelity"), typed(strconv.FormatFloat(oc.Fidelity, 'f', -1, 64), "decimal"), g)
				for _, m := range oc.Misquote {
					q.quad(n, gd("misquote"), literal(m), g)
				}
			}
		}
		return q.err
	})
	if err != nil {
		return err
	}
	err = s.unreached(
		func(v graph.SpeakerRecord) error { speaker(&v); return q.err },
		func(v graph.Venue) error { venue(&v); return q.err },
		func(v graph.Outlet) error { outlet(&v); return q.err },
		func(a graph.Article) error { return article(&a) })
	if err != nil {
		return err
	}
	if q.err != nil {
		return q.err
	}
	return q.w.Flush()
}
