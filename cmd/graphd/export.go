package main

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/schema"
)

func runExport(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "export", "--format jsonl|nquads|graphml|csv|dgraph [--db DIR | --server URL] [filters] [--out FILE|DIR | FILE|DIR]",
		"Export the quotations the filters select, with their speakers, venues, articles and outlets, from\n"+
			"one snapshot of the store; with no filter, the whole graph (which 'graphd import' reads back from\n"+
			"jsonl). jsonl, nquads and graphml go to stdout or --out FILE; csv (neo4j-admin import files) and\n"+
			"dgraph (graphd.schema and graphd.rdf for dgraph bulk and dgraph live) to --out DIR, or a zip with\n"+
			"--out FILE.zip. The output may also be given as the one argument. Filters take what quotes(...)\n"+
			"takes in GraphQL. With --server, a running graphd makes the export (GET /export), of the same filters.")
	db := dbFlag(f)
	sf := defineServerFlags(f, "export")
	format := f.String("format", "GRAPHD_EXPORT_FORMAT", "jsonl", "jsonl, nquads, graphml, csv or dgraph")
	out := f.String("out", "GRAPHD_EXPORT_OUT", "", "file (or directory for csv and dgraph) to write; stdout when empty")
	speaker := f.String("speaker", "GRAPHD_EXPORT_SPEAKER", "", "a speaker's name, alias or surname")
	speakerID := f.String("speaker-id", "GRAPHD_EXPORT_SPEAKER_ID", "", "a speaker's id")
	venue := f.String("venue", "GRAPHD_EXPORT_VENUE", "", "a venue's name or words of it")
	outlet := f.String("outlet", "GRAPHD_EXPORT_OUTLET", "", "an outlet's name or words of it")
	kinds := f.String("kind", "GRAPHD_EXPORT_KIND", "", "kinds, comma-separated: direct, partial, indirect")
	cueKinds := f.String("cue-kind", "GRAPHD_EXPORT_CUE_KIND", "", "cue kinds, comma-separated: speech, stance (both when empty)")
	search := f.String("search", "GRAPHD_EXPORT_SEARCH", "", "full-text search of the quotation")
	from := f.String("from", "GRAPHD_EXPORT_FROM", "", "published on or after (ISO 8601)")
	to := f.String("to", "GRAPHD_EXPORT_TO", "", "published on or before (a date includes the day)")
	minConf := f.String("min-confidence", "GRAPHD_EXPORT_MIN_CONFIDENCE", "", "least confidence, in [0, 1]")
	order := f.String("order", "GRAPHD_EXPORT_ORDER", "date", "date (oldest first) or newest")
	text := f.String("text", "GRAPHD_EXPORT_TEXT", "yes", "jsonl: yes to carry article text (needed by import), no to leave it out")
	if pos, err := f.parse(e, args); err != nil {
		return err
	} else if len(pos) > 1 || len(pos) == 1 && *out != "" {
		fmt.Fprintf(e.stderr, "graphd export: unexpected argument %q: give one output, as --out or as the argument\n", pos[len(pos)-1])
		return errUsage
	} else if len(pos) == 1 {
		*out = pos[0]
	}
	fm, err := export.ParseFormat(*format)
	if err != nil {
		fmt.Fprintf(e.stderr, "graphd export: --format: %v\n", err)
		return errUsage
	}
	filter := schema.Filter{Speaker: *speaker, SpeakerID: *speakerID, Venue: *venue, Outlet: *outlet, Search: *search, From: *from, To: *to}
	for _, k := range strings.Split(*kinds, ",") {
		if k = strings.TrimSpace(k); k != "" {
			filter.Kinds = append(filter.Kinds, k)
		}
	}
	for _, k := range strings.Split(*cueKinds, ",") {
		if k = strings.TrimSpace(k); k != "" {
			filter.CueKinds = append(filter.CueKinds, k)
		}
	}
	if *minConf != "" {
		if filter.MinConfidence, err = strconv.ParseFloat(*minConf, 64); err != nil {
			fmt.Fprintf(e.stderr, "graphd export: --min-confidence: not a number: %q\n", *minConf)
			return errUsage
		}
	}
	if *order != "date" && *order != "newest" || *text != "yes" && *text != "no" {
		fmt.Fprintf(e.stderr, "graphd export: --order is date or newest, --text yes or no\n")
		return errUsage
	}
	if c, err := sf.client(f); err != nil || c != nil {
		if err != nil {
			return err
		}
		q := url.Values{"format": {*format}}
		for k, v := range map[string]string{"speaker": *speaker, "speakerId": *speakerID, "venue": *venue, "outlet": *outlet,
			"kind": *kinds, "search": *search, "from": *from, "to": *to, "minConfidence": *minConf} {
			if v != "" {
				q.Set(k, v)
			}
		}
		if *order == "newest" {
			q.Set("order", "newest")
		}
		if *text == "no" {
			q.Set("noText", "1")
		}
		return exportRemote(ctx, e, c, q, fm, *out)
	}
	store, err := openDB(e, *db, graph.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer store.Close()
	sc, err := schema.New(store, e.logger)
	if err != nil {
		return err
	}
	opts := export.Options{NoText: *text == "no"}
	opts.Filter, err = sc.QuoteFilter(ctx, filter)
	switch {
	case errors.Is(err, schema.ErrNoMatch):
		fmt.Fprintf(e.stderr, "graphd export: %v; the export is empty\n", err)
		opts.Filter = graph.QuoteFilter{SpeakerIDs: []uuid.UUID{uuid.Nil}} // nobody
	case err != nil:
		return err
	}
	if *order == "newest" {
		opts.Filter.Order = graph.OrderNewest
	}
	start := time.Now()
	var counts export.Counts
	if fm.Files() != nil {
		counts, err = exportFiles(ctx, store, fm, *out, opts)
	} else {
		counts, err = exportFile(ctx, e, store, *out, fm, opts)
	}
	if err != nil {
		return err
	}
	printExported(e, counts, time.Since(start))
	return store.Close()
}

// printExported says on stderr what an export wrote, and how fast.
func printExported(e *env, counts export.Counts, took time.Duration) {
	fmt.Fprintf(e.stderr, "exported %s (%s), %s, %s, %s, %s in %s (%.0f statements/s)\n",
		plural(counts.Quotes, "statement", "statements"), plural(counts.Printings, "printing", "printings"), plural(counts.Speakers, "name", "names"),
		plural(counts.Venues, "venue", "venues"), plural(counts.Articles, "article", "articles"),
		plural(counts.Outlets, "outlet", "outlets"), took.Round(time.Millisecond), float64(counts.Quotes)/took.Seconds())
}

// exportFile writes one file, or stdout.
func exportFile(ctx context.Context, e *env, store *graph.Store, out string, fm export.Format, opts export.Options) (export.Counts, error) {
	if out == "" {
		bw := bufio.NewWriterSize(e.stdout, 256<<10)
		c, err := export.Write(ctx, store, bw, fm, opts)
		if err == nil {
			err = bw.Flush()
		}
		return c, err
	}
	// Write beside, then rename: a cut-off export never takes the name.
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return export.Counts{}, err
	}
	defer os.Remove(tmp.Name())
	c, err := export.Write(ctx, store, tmp, fm, opts)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	return c, err
}

// exportFiles writes the files of a CSV or Dgraph export into a
// directory, or a zip file.
func exportFiles(ctx context.Context, store *graph.Store, fm export.Format, out string, opts export.Options) (export.Counts, error) {
	if out == "" {
		return export.Counts{}, fmt.Errorf("%s is several files (%s): give --out DIR or --out FILE.zip", fm, strings.Join(fm.Files(), ", "))
	}
	if strings.HasSuffix(strings.ToLower(out), ".zip") {
		f, err := os.Create(out)
		if err != nil {
			return export.Counts{}, err
		}
		zw := zip.NewWriter(f)
		c, err := export.WriteFiles(ctx, store, fm, func(name string) (io.Writer, error) { return zw.Create(name) }, opts)
		err = errors.Join(err, zw.Close(), f.Close())
		if err != nil {
			os.Remove(out)
		}
		return c, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return export.Counts{}, err
	}
	var cur *os.File
	var buf *bufio.Writer
	finish := func() error {
		if cur == nil {
			return nil
		}
		err := errors.Join(buf.Flush(), cur.Close())
		cur = nil
		return err
	}
	c, err := export.WriteFiles(ctx, store, fm, func(name string) (io.Writer, error) {
		if err := finish(); err != nil {
			return nil, err
		}
		f, err := os.Create(filepath.Join(out, name))
		if err != nil {
			return nil, err
		}
		cur, buf = f, bufio.NewWriterSize(f, 256<<10)
		return buf, nil
	}, opts)
	return c, errors.Join(err, finish())
}

func runImport(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "import", "[--db DIR] FILE.jsonl",
		"Load a jsonl export ('graphd export --format jsonl', with article text) into an empty store:\n"+
			"ids, names, articles and their text, every printing of every quotation, merged speakers with\n"+
			"their evidence, copies, review candidates and decisions come back as they were. '-' reads\n"+
			"stdin. A file it cannot load is named with the line, and leaves the store empty.")
	db := dbFlag(f)
	pos, err := f.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		f.Usage()
		return errUsage
	}
	var in io.Reader = e.stdin
	name := "stdin"
	if pos[0] != "-" {
		name = pos[0]
		file, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer file.Close()
		in = file
	}
	store, err := openStore(e, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if _, err := export.Import(ctx, store, bufio.NewReaderSize(in, 1<<20)); err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	took := time.Since(start)
	// The store was empty: what it holds is what was imported.
	counts, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	if err := store.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s in %s\nstore: %s\n", name, took.Round(time.Millisecond), describeCounts(counts))
	return nil
}
