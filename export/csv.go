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

// CSV files for neo4j-admin database import, node files by label and one
// relationship file:
//
//	quotes.csv         id:ID,text,kind,confidence:float,published,cue,mention,:LABEL
//	speakers.csv       id:ID,name,aliases:string[],titles:string[],:LABEL
//	venues.csv         id:ID,name,kind,:LABEL
//	outlets.csv        id:ID,name,:LABEL
//	articles.csv       id:ID,url,title,published,outlet,hash,:LABEL
//	relationships.csv  :START_ID,:END_ID,:TYPE
//
// with the labels Speaker, Venue, Outlet, Article and Quote and the types
// SAID, AT, IN and PUBLISHED_BY, as in GraphML. Ids are UUIDs, one id
// space; arrays are separated by ";", the importer's default; published
// is ISO 8601, a date or a time. Load them with
//
//	neo4j-admin database import full --nodes=speakers.csv --nodes=venues.csv \
//	    --nodes=outlets.csv --nodes=articles.csv --nodes=quotes.csv \
//	    --relationships=relationships.csv --multiline-fields=true
//
// The files are written one after the other, so that they can go into a
// zip file as they are made: the quotations first, in a pass over the
// snapshot that learns what they reach, then the nodes they reach (all of
// them for the whole graph), then, in a second pass, the relationships.

// CSVFiles are the names of the files WriteCSV writes, in order.
var CSVFiles = []string{"quotes.csv", "speakers.csv", "venues.csv", "outlets.csv", "articles.csv", "relationships.csv"}

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
	// relationships wait in a temporary file, which relationships.csv
	// ends with.
	tmp, err := os.CreateTemp("", "graphd-relationships-*.csv")
	if err != nil {
		return s.counts, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	relsBuf := bufio.NewWriterSize(tmp, 256<<10)
	rels := csv.NewWriter(relsBuf)
	err = write("quotes.csv", []string{"id:ID", "text", "kind", "confidence:float", "published", "cue", "mention", ":LABEL"}, func(emit func(...string) error) error {
		return s.each(func(st statement) error {
			q := st.quote
			qid := q.ID.String()
			if st.speaker != nil {
				rels.Write([]string{st.speaker.ID.String(), qid, "SAID"})
			}
			for _, oc := range st.occurrences {
				rels.Write([]string{qid, oc.article.ID.String(), "IN"})
				if oc.venue != nil {
					rels.Write([]string{qid, oc.venue.ID.String(), "AT"})
				}
			}
			return emit(qid, q.Text, q.Kind, strconv.FormatFloat(q.Confidence, 'g', -1, 64), date(st.occurrences[0].article), q.Cue, q.Mention, "Quote")
		})
	})
	if err != nil {
		return s.counts, err
	}
	full := o.full()
	var speakers []graph.Speaker
	var venues []graph.Venue
	var outlets []graph.Outlet
	var articles []graph.Article
	if full {
		err = s.sn.Speakers(ctx, func(v graph.Speaker) error { speakers = append(speakers, v); return nil })
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
		speakers = values(s.speakers)
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

	list := func(ss []string) string {
		out := make([]string, len(ss))
		for i, x := range ss {
			out[i] = strings.ReplaceAll(x, ";", ",")
		}
		return strings.Join(out, ";")
	}
	err = write("speakers.csv", []string{"id:ID", "name", "aliases:string[]", "titles:string[]", ":LABEL"}, func(emit func(...string) error) error {
		for _, v := range speakers {
			if err := emit(v.ID.String(), v.Name, list(v.Aliases), list(v.Titles), "Speaker"); err != nil {
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
	if err == nil {
		err = func() error {
			w, err := create("relationships.csv")
			if err != nil {
				return err
			}
			cw := csv.NewWriter(w)
			cw.Write([]string{":START_ID", ":END_ID", ":TYPE"})
			cw.Flush()
			rels.Flush()
			if err := errors.Join(cw.Error(), rels.Error(), relsBuf.Flush()); err != nil {
				return err
			}
			if _, err := tmp.Seek(0, io.SeekStart); err != nil {
				return err
			}
			if _, err := io.Copy(w, tmp); err != nil {
				return err
			}
			for _, a := range articles {
				if a.OutletID != uuid.Nil {
					cw.Write([]string{a.ID.String(), a.OutletID.String(), "PUBLISHED_BY"})
				}
			}
			cw.Flush()
			return cw.Error()
		}()
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
