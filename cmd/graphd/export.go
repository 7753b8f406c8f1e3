package main

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
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
	f := newFlags(e, "export", "--format jsonl|nquads|graphml|csv [--db DIR] [filters] [--out FILE|DIR]",
		"Export the quotations the filters select, with their speakers, venues, articles and outlets, from\n"+
			"one snapshot of the store; with no filter, the whole graph (which 'graphd import' reads back from\n"+
			"jsonl). jsonl, nquads and graphml go to stdout or --out FILE; csv (neo4j-admin import files) to\n"+
			"--out DIR, or a zip with --out FILE.zip. Filters take what quotes(...) takes in GraphQL.")
	db := dbFlag(f)
	format := f.String("format", "GRAPHD_EXPORT_FORMAT", "jsonl", "jsonl, nquads, graphml or csv")
	out := f.String("out", "GRAPHD_EXPORT_OUT", "", "file (or directory for csv) to write; stdout when empty")
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
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "graphd export: unexpected argument %q\n", pos[0])
		return errUsage
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
	store, err := graph.Open(*db, graph.Options{Logger: e.logger, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("open store %s: %w", *db, err)
	}
	defer store.Close()
	sc, err := schema.New(store, e.logger)
	if err != nil {
		return err
	}
	if *order != "date" && *order != "newest" || *text != "yes" && *text != "no" {
		fmt.Fprintf(e.stderr, "graphd export: --order is date or newest, --text yes or no\n")
		return errUsage
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
	if fm == export.CSV {
		counts, err = exportCSV(ctx, store, *out, opts)
	} else {
		counts, err = exportFile(ctx, e, store, *out, fm, opts)
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(e.stderr, "exported %s (%s), %s, %s, %s, %s in %s (%.0f statements/s)\n",
		plural(counts.Quotes, "statement", "statements"), plural(counts.Printings, "printing", "printings"), plural(counts.Speakers, "name", "names"),
		plural(counts.Venues, "venue", "venues"), plural(counts.Articles, "article", "articles"),
		plural(counts.Outlets, "outlet", "outlets"), took.Round(time.Millisecond), float64(counts.Quotes)/took.Seconds())
	return store.Close()
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

// exportCSV writes the CSV files into a directory, or a zip file.
func exportCSV(ctx context.Context, store *graph.Store, out string, opts export.Options) (export.Counts, error) {
	if out == "" {
		return export.Counts{}, fmt.Errorf("csv is several files: give --out DIR or --out FILE.zip")
	}
	if strings.HasSuffix(strings.ToLower(out), ".zip") {
		f, err := os.Create(out)
		if err != nil {
			return export.Counts{}, err
		}
		zw := zip.NewWriter(f)
		c, err := export.WriteCSV(ctx, store, func(name string) (io.Writer, error) { return zw.Create(name) }, opts)
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
	c, err := export.WriteCSV(ctx, store, func(name string) (io.Writer, error) {
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
