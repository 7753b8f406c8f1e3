package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// CSV files for neo4j-admin database import, node files by label and two
// relationship files:
//
//	quotes.csv         id:ID,text,kind,confidence:float,published,cue,cueKind,mention,:LABEL
//	speakers.csv       id:ID,name,type,aliases:string[],titles:string[],:LABEL
//	venues.csv         id:ID,name,kind,:LABEL
//	outlets.csv        id:ID,name,:LABEL
//	articles.csv       id:ID,url,title,published,outlet,hash,:LABEL
//	printings.csv      :START_ID,:END_ID,:TYPE,id,match,speakerName,kind,confidence:float,cue,cueKind,mention,
//	                   text,similarity:float,fidelity:float,misquote:string[]
//	relationships.csv  :START_ID,:END_ID,:TYPE
//
// with the labels Speaker (a speaker record: one name of a person, or of
// an organisation, group, place or document, with a second label of its
// type: Person, Organization, Group, Place, Document), Venue, Outlet,
// Article and Quote. A quote's node has its canonical text
// and the kind, confidence, date, cue, cue kind (speech or stance) and
// mention of its first printing.
// printings.csv has an IN relationship (quote → article) for each
// printing, with the printing's id, how it joined the quote, the speaker
// name, kind, confidence, cue, cue kind and mention as printed, and, when the text
// printed is not the canonical text, that text, its similarity and
// fidelity to the canonical text and the reasons it may be a misquote.
// relationships.csv has the types SAID (speaker → quote, from the speaker
// of each printing), AT (quote → venue, for each printing), PUBLISHED_BY,
// COPY_OF (article → the article it copies) and MERGED_INTO (speaker
// record → the canonical record of the person), as in GraphML. Ids are
// UUIDs, one id space; arrays are separated by ";", the importer's
// default; published is ISO 8601, a date or a time. Load them with
//
//	neo4j-admin database import full --nodes=speakers.csv --nodes=venues.csv \
//	    --nodes=outlets.csv --nodes=articles.csv --nodes=quotes.csv \
//	    --relationships=printings.csv --relationships=relationships.csv \
//	    --multiline-fields=true
//
// The files are written one after the other, so that they can go into a
// zip file as they are made: the quotations first, in a pass over the
// snapshot that learns what they reach, then the nodes they reach (all of
// them for the whole graph), then the relationships, which the first
// pass kept in temporary files.

// CSVFiles are the names of the files WriteCSV writes, in order.
var CSVFiles = []string{"quotes.csv", "speakers.csv", "venues.csv", "outlets.csv", "articles.csv", "printings.csv", "relationships.csv"}

// printingsHeader is the header of printings.csv.
var printingsHeader = []string{":START_ID", ":END_ID", ":TYPE", "id", "match", "speakerName", "kind", "confidence:float", "cue", "cueKind", "mention",
	"text", "similarity:float", "fidelity:float", "misquote:string[]"}

// WriteCSV writes the export of store as CSV files, each to the writer
// create returns for its name, one after the other.
func WriteCSV(ctx context.Context, store *graph.Store, create func(name string) (io.Writer, error), o Options) (Counts, error) {
	s, err := open(ctx, store, o)
	if err != nil {
		return Counts{}, err
	}
	defer s.close()
	write := func(name string, header []string, rows func(emit func(...string) error) error) error {
		w, err := create(name)
		if err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		err = rows(func(fields ...string) error { return cw.Write(fields) })
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		return err
	}
	date := func(a *graph.Article) string {
		if a.Published.IsZero() {
			return ""
		}
		return isoDate(a.Published)
	}
	// The quotations first, learning what they reach; their
	// relationships wait in temporary files, which printings.csv and
	// relationships.csv are copied from.
	temp := func(pattern string) (*os.File, *bufio.Writer, *csv.Writer, error) {
		f, err := os.CreateTemp("", pattern)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("export: %w", err)
		}
		bw := bufio.NewWriterSize(f, 256<<10)
		return f, bw, csv.NewWriter(bw), nil
	}
	tmp, relsBuf, rels, err := temp("graphd-relationships-*.csv")
	if err != nil {
		return s.counts, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	ptmp, printsBuf, prints, err := temp("graphd-printings-*.csv")
	if err != nil {
		return s.counts, err
	}
	defer os.Remove(ptmp.Name())
	defer ptmp.Close()
	float := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	list := func(ss []string) string {
		out := make([]string, len(ss))
		for i, x := range ss {
			out[i] = strings.ReplaceAll(x, ";", ",")
		}
		return strings.Join(out, ";")
	}
	said := map[uuid.UUID]bool{}
	// reach reads the articles an article copies, and the clusters of
	// speaker records, so that the node files hold them.
	reach := func(oc occurrence) error {
		for a := oc.article; a.CopyOf != nil; {
			var err error
			if a, err = s.article(a.CopyOf.Original); err != nil {
				return err
			}
		}
		if _, ok := s.records[oc.SpeakerRecord]; ok || oc.SpeakerRecord == uuid.Nil {
			return nil // its cluster was read with it
		}
		_, err := s.cluster(oc.SpeakerRecord)
		return err
	}
	err = write("quotes.csv", []string{"id:ID", "text", "kind", "confidence:float", "published", "cue", "cueKind", "mention", ":LABEL"}, func(emit func(...string) error) error {
		return s.each(func(st statement) error {
			q := st.quote
			qid := q.ID.String()
			clear(said)
			for _, oc := range st.occurrences {
				if err := reach(oc); err != nil {
					return err
				}
				if oc.SpeakerRecord != uuid.Nil && !said[oc.SpeakerRecord] {
					said[oc.SpeakerRecord] = true
					rels.Write([]string{oc.SpeakerRecord.String(), qid, "SAID"})
				}
				text, sim, fid := "", "", ""
				if st.printed(oc) {
					text, sim, fid = oc.Text, float(oc.Similarity), float(oc.Fidelity)
				}
				prints.Write([]string{qid, oc.article.ID.String(), "IN", oc.ID.String(), oc.Match, oc.Speaker, oc.Kind, float(oc.Confidence),
					oc.Cue, oc.CueKind, oc.Mention, text, sim, fid, list(oc.Misquote)})
				if oc.venue != nil {
					rels.Write([]string{qid, oc.venue.ID.String(), "AT"})
				}
			}
			s.counts.Printings += len(st.occurrences)
			first := st.occurrences[0]
			return emit(qid, q.Text, first.Kind, float(first.Confidence), date(first.article), first.Cue, first.CueKind, first.Mention, "Quote")
		})
	})
	if err != nil {
		return s.counts, err
	}
	full := o.full()
	var speakers []graph.SpeakerRecord
	var venues []graph.Venue
	var outlets []graph.Outlet
	var articles []graph.Article
	if full {
		err = s.sn.SpeakerRecords(ctx, func(v graph.SpeakerRecord) error { speakers = append(speakers, v); return nil })
		if err == nil {
			err = s.sn.Venues(ctx, func(v graph.Venue) error { venues = append(venues, v); return nil })
		}
		if err == nil {
			err = s.sn.Outlets(ctx, func(v graph.Outlet) error { outlets = append(outlets, v); return nil })
		}
		// The articles the quotations reached are read; the others too.
		if err == nil {
			err = s.sn.ArticleIDs(ctx, func(id uuid.UUID) error {
				_, err := s.article(id)
				return err
			})
		}
		if err != nil {
			return s.counts, err
		}
		articles = values(s.articles)
	} else {
		speakers = values(s.records)
		venues = values(s.venues)
		articles = values(s.articles)
		for _, a := range articles {
			if _, err := s.outlet(a.OutletID); err != nil {
				return s.counts, err
			}
		}
		outlets = values(s.outlets)
	}
	s.counts.Speakers, s.counts.Venues, s.counts.Outlets, s.counts.Articles = len(speakers), len(venues), len(outlets), len(articles)
	quotes := s.counts.Quotes

	err = write("speakers.csv", []string{"id:ID", "name", "type", "aliases:string[]", "titles:string[]", ":LABEL"}, func(emit func(...string) error) error {
		for _, v := range speakers {
			t := speakerType(v.Type)
			if err := emit(v.ID.String(), v.Name, t, list(v.Aliases), list(v.Titles), "Speaker;"+typeLabel[t]); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = write("venues.csv", []string{"id:ID", "name", "kind", ":LABEL"}, func(emit func(...string) error) error {
			for _, v := range venues {
				if err := emit(v.ID.String(), v.Name, v.Kind, "Venue"); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		err = write("outlets.csv", []string{"id:ID", "name", ":LABEL"}, func(emit func(...string) error) error {
			for _, v := range outlets {
				if err := emit(v.ID.String(), v.Name, "Outlet"); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err == nil {
		err = write("articles.csv", []string{"id:ID", "url", "title", "published", "outlet", "hash", ":LABEL"}, func(emit func(...string) error) error {
			for _, a := range articles {
				if err := emit(a.ID.String(), a.URL, a.Title, date(&a), a.Outlet, a.Hash, "Article"); err != nil {
					return err
				}
			}
			return nil
		})
	}
	// copy writes a relationship file: its header, what the first pass
	// kept, and rows for records.
	copyRels := func(name string, header []string, f *os.File, buf *bufio.Writer, kept *csv.Writer, rows func(cw *csv.Writer)) error {
		w, err := create(name)
		if err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.Write(header)
		cw.Flush()
		kept.Flush()
		if err := errors.Join(cw.Error(), kept.Error(), buf.Flush()); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(w, f); err != nil {
			return err
		}
		rows(cw)
		cw.Flush()
		return cw.Error()
	}
	if err == nil {
		err = copyRels("printings.csv", printingsHeader, ptmp, printsBuf, prints, func(*csv.Writer) {})
	}
	if err == nil {
		err = copyRels("relationships.csv", []string{":START_ID", ":END_ID", ":TYPE"}, tmp, relsBuf, rels, func(cw *csv.Writer) {
			for _, a := range articles {
				if a.OutletID != uuid.Nil {
					cw.Write([]string{a.ID.String(), a.OutletID.String(), "PUBLISHED_BY"})
				}
				if a.CopyOf != nil {
					cw.Write([]string{a.ID.String(), a.CopyOf.Original.String(), "COPY_OF"})
				}
			}
			for _, sp := range speakers {
				if sp.Canonical != uuid.Nil {
					cw.Write([]string{sp.ID.String(), sp.Canonical.String(), "MERGED_INTO"})
				}
			}
		})
	}
	s.counts.Quotes = quotes
	return s.counts, err
}

// values returns the records of a cache in id order.
func values[T any](m map[uuid.UUID]*T) []T {
	ids := make([]uuid.UUID, 0, len(m))
	for id, v := range m {
		if v != nil {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	out := make([]T, len(ids))
	for i, id := range ids {
		out[i] = *m[id]
	}
	return out
}
