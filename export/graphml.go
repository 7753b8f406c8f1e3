package export

import (
	"bufio"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// GraphML for Gephi and other graph tools: nodes of type Speaker (a
// speaker record: one name of a person, or of an organisation, group,
// place or document, as its speakerType says), Quote, Venue, Article and
// Outlet, each with a label, and directed edges SAID (speaker → quote,
// from the speaker of every printing), IN (quote → article, one for each
// printing, with the printing's id as the edge's id and its match,
// speaker name, and when its text is not the canonical text the text,
// similarity, fidelity and misquote reasons), AT (quote → venue, for
// each printing with a venue), PUBLISHED_BY (article → outlet), COPY_OF
// (article → the article it copies) and MERGED_INTO (speaker record →
// the canonical record of the person). Every attribute is declared with
// a <key>; a node is written before the first edge that names it.

// graphmlKeys are the attributes: id, for, name, type.
var graphmlKeys = [][4]string{
	{"type", "node", "type", "string"},
	{"label", "node", "label", "string"},
	{"text", "node", "text", "string"},
	{"kind", "node", "kind", "string"},
	{"confidence", "node", "confidence", "double"},
	{"date", "node", "date", "string"},
	{"cue", "node", "cue", "string"},
	{"cueKind", "node", "cueKind", "string"},
	{"mention", "node", "mention", "string"},
	{"aliases", "node", "aliases", "string"},
	{"titles", "node", "titles", "string"},
	{"venueKind", "node", "venueKind", "string"},
	{"url", "node", "url", "string"},
	{"outlet", "node", "outlet", "string"},
	{"speakerType", "node", "speakerType", "string"},
	{"edgeType", "edge", "type", "string"},
	{"edgeLabel", "edge", "label", "string"},
	{"match", "edge", "match", "string"},
	{"speakerName", "edge", "speakerName", "string"},
	{"printingCueKind", "edge", "cueKind", "string"},
	{"printedText", "edge", "text", "string"},
	{"similarity", "edge", "similarity", "double"},
	{"fidelity", "edge", "fidelity", "double"},
	{"misquote", "edge", "misquote", "string"},
}

type graphmlWriter struct {
	w     *bufio.Writer
	err   error
	nodes map[uuid.UUID]bool // nodes written, but quotes: a quote is written once, with its statement
	edges int
	id    [36]byte // scratch for ids
}

func (g *graphmlWriter) printf(format string, args ...any) {
	if g.err == nil {
		_, g.err = fmt.Fprintf(g.w, format, args...)
	}
}

// failed returns the first error writing, if any.
func (g *graphmlWriter) failed() error {
	if g.err != nil {
		return g.err
	}
	_, err := g.w.Write(nil) // bufio.Writer keeps its first error
	return err
}

// put writes strings as they are.
func (g *graphmlWriter) put(ss ...string) {
	for _, s := range ss {
		g.w.WriteString(s)
	}
}

func (g *graphmlWriter) putID(id uuid.UUID) {
	hex.Encode(g.id[:8], id[:4])
	g.id[8] = '-'
	hex.Encode(g.id[9:13], id[4:6])
	g.id[13] = '-'
	hex.Encode(g.id[14:18], id[6:8])
	g.id[18] = '-'
	hex.Encode(g.id[19:23], id[8:10])
	g.id[23] = '-'
	hex.Encode(g.id[24:], id[10:])
	g.w.Write(g.id[:])
}

// escape writes s as XML character data, characters XML cannot carry
// replaced, as xml.EscapeText does.
func (g *graphmlWriter) escape(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' || c >= 0xef {
			// Markup, control characters, and the bytes that may start
			// U+FFFE, U+FFFF or bad UTF-8: the slow way.
			xml.EscapeText(g.w, []byte(s))
			return
		}
		if c >= 0x80 && !utf8.ValidString(s) {
			xml.EscapeText(g.w, []byte(s))
			return
		}
	}
	g.w.WriteString(s)
}

// data writes key, value pairs as <data>, empty values left out.
func (g *graphmlWriter) data(kv []string) {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			g.put(`<data key="`, kv[i], `">`)
			g.escape(kv[i+1])
			g.w.WriteString("</data>")
		}
	}
}

// node writes a node once; data is key, value pairs, empty values left out.
func (g *graphmlWriter) node(id uuid.UUID, data ...string) bool {
	if g.nodes[id] {
		return false
	}
	g.nodes[id] = true
	g.write(id, data)
	return true
}

// write writes a node.
func (g *graphmlWriter) write(id uuid.UUID, data []string) {
	g.w.WriteString(`    <node id="`)
	g.putID(id)
	g.w.WriteString(`">`)
	g.data(data)
	g.w.WriteString("</node>\n")
}

func (g *graphmlWriter) edge(from, to uuid.UUID, typ string) {
	g.edges++
	g.w.WriteString(`    <edge id="e`)
	g.w.WriteString(strconv.Itoa(g.edges))
	g.w.WriteString(`" source="`)
	g.putID(from)
	g.w.WriteString(`" target="`)
	g.putID(to)
	g.put(`"><data key="edgeType">`, typ, `</data><data key="edgeLabel">`, typ, "</data></edge>\n")
}

// printing writes the IN edge of a printing, its id the occurrence's;
// data is key, value pairs, empty values left out.
func (g *graphmlWriter) printing(id, from, to uuid.UUID, data ...string) {
	g.w.WriteString(`    <edge id="`)
	g.putID(id)
	g.w.WriteString(`" source="`)
	g.putID(from)
	g.w.WriteString(`" target="`)
	g.putID(to)
	g.w.WriteString(`"><data key="edgeType">IN</data><data key="edgeLabel">IN</data>`)
	g.data(data)
	g.w.WriteString("</edge>\n")
}

func writeGraphML(s *source, w io.Writer) error {
	g := &graphmlWriter{w: bufio.NewWriterSize(w, 256<<10), nodes: map[uuid.UUID]bool{}}
	g.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	g.printf("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n")
	g.printf("    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n")
	for _, k := range graphmlKeys {
		g.printf("  <key id=\"%s\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n", k[0], k[1], k[2], k[3])
	}
	g.printf("  <graph id=\"graphd\" edgedefault=\"directed\">\n")
	speaker := func(sp *graph.SpeakerRecord) {
		if sp == nil || !g.node(sp.ID, "type", "Speaker", "label", sp.Name, "aliases", strings.Join(sp.Aliases, "; "), "titles", strings.Join(sp.Titles, "; "), "speakerType", speakerType(sp.Type)) {
			return
		}
		s.counts.Speakers++
		if sp.Canonical != uuid.Nil && g.nodes[sp.Canonical] {
			g.edge(sp.ID, sp.Canonical, "MERGED_INTO")
		}
	}
	cluster := func(id uuid.UUID) error {
		if id == uuid.Nil || g.nodes[id] {
			return nil
		}
		rs, err := s.cluster(id)
		for _, r := range rs {
			speaker(r)
		}
		return err
	}
	venue := func(v *graph.Venue) {
		if v != nil && g.node(v.ID, "type", "Venue", "label", v.Name, "venueKind", v.Kind) {
			s.counts.Venues++
		}
	}
	outlet := func(o *graph.Outlet) {
		if o != nil && g.node(o.ID, "type", "Outlet", "label", o.Name) {
			s.counts.Outlets++
		}
	}
	var article func(a *graph.Article) error
	article = func(a *graph.Article) error {
		date := ""
		if !a.Published.IsZero() {
			date = isoDate(a.Published)
		}
		if !g.node(a.ID, "type", "Article", "label", a.Title, "url", a.URL, "date", date, "outlet", a.Outlet) {
			return nil
		}
		s.counts.Articles++
		if a.OutletID != uuid.Nil {
			o, err := s.outlet(a.OutletID)
			if err != nil {
				return err
			}
			outlet(o)
			g.edge(a.ID, a.OutletID, "PUBLISHED_BY")
		}
		if c := a.CopyOf; c != nil {
			o, err := s.article(c.Original)
			if err == nil {
				err = article(o)
			}
			if err != nil {
				return err
			}
			g.edge(a.ID, c.Original, "COPY_OF")
		}
		return nil
	}
	said := map[uuid.UUID]bool{}
	err := s.each(func(st statement) error {
		clear(said)
		for i, oc := range st.occurrences {
			if err := article(oc.article); err != nil {
				return err
			}
			if err := cluster(oc.SpeakerRecord); err != nil {
				return err
			}
			venue(oc.venue)
			if i == 0 {
				date := ""
				if !oc.article.Published.IsZero() {
					date = isoDate(oc.article.Published)
				}
				g.write(st.quote.ID, []string{"type", "Quote", "label", st.quote.Text, "text", st.quote.Text, "kind", oc.Kind,
					"confidence", strconv.FormatFloat(oc.Confidence, 'g', -1, 64), "date", date, "cue", oc.Cue, "cueKind", oc.CueKind, "mention", oc.Mention})
			}
			if oc.SpeakerRecord != uuid.Nil && !said[oc.SpeakerRecord] {
				said[oc.SpeakerRecord] = true
				g.edge(oc.SpeakerRecord, st.quote.ID, "SAID")
			}
			s.counts.Printings++
			if st.printed(oc) {
				g.printing(oc.ID, st.quote.ID, oc.article.ID, "match", oc.Match, "speakerName", oc.Speaker, "printingCueKind", oc.CueKind, "printedText", oc.Text,
					"similarity", strconv.FormatFloat(oc.Similarity, 'g', -1, 64), "fidelity", strconv.FormatFloat(oc.Fidelity, 'g', -1, 64),
					"misquote", strings.Join(oc.Misquote, "; "))
			} else {
				g.printing(oc.ID, st.quote.ID, oc.article.ID, "match", oc.Match, "speakerName", oc.Speaker, "printingCueKind", oc.CueKind)
			}
			if oc.venue != nil {
				g.edge(st.quote.ID, oc.venue.ID, "AT")
			}
		}
		return g.failed()
	})
	if err != nil {
		return err
	}
	err = s.unreached(
		func(v graph.SpeakerRecord) error { return errors.Join(cluster(v.ID), g.failed()) },
		func(v graph.Venue) error { venue(&v); return g.failed() },
		func(v graph.Outlet) error { outlet(&v); return g.failed() },
		func(a graph.Article) error { return article(&a) })
	if err != nil {
		return err
	}
	g.printf("  </graph>\n</graphml>\n")
	if err := g.failed(); err != nil {
		return err
	}
	return g.w.Flush()
}
