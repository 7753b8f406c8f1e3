package schema

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
)

// GET /export?format=jsonl|nquads|graphml|csv|dgraph streams an export
// of the quotations the other parameters select (the filter arguments of
// quotes: speaker, speakerId, venue, venueId, outlet, outletId, kind,
// minConfidence, search, from, to; order=newest), from one snapshot of
// the store, as an attachment. CSV and Dgraph come as a zip of their
// files, the files graphd export writes into a directory. With no filter
// it is the whole graph. noText=1 leaves article text out of jsonl.
//
// The answer ends with HTTP trailers that tell a complete export from a
// cut one: Graphd-Export-Counts ("statements=… printings=… names=…
// venues=… articles=… outlets=…") once everything is written, or
// Graphd-Export-Error when the export stopped half way.

// Trailers of GET /export.
const (
	trailerCounts = "Graphd-Export-Counts"
	trailerError  = "Graphd-Export-Error"
)

func (s *Schema) serveExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := func(format string, args ...any) {
		s.writeJSON(w, http.StatusBadRequest, requestError(codeBadInput, format, args...))
	}
	format, err := export.ParseFormat(q.Get("format"))
	if q.Get("format") == "" {
		format, err = export.JSONL, nil
	}
	if err != nil {
		bad("format: %v", err)
		return
	}
	f := Filter{
		Speaker: q.Get("speaker"), SpeakerID: q.Get("speakerId"), Venue: q.Get("venue"), VenueID: q.Get("venueId"),
		Outlet: q.Get("outlet"), OutletID: q.Get("outletId"), Search: q.Get("search"), From: q.Get("from"), To: q.Get("to"),
	}
	for _, k := range q["kind"] {
		for _, k := range strings.Split(k, ",") {
			if k = strings.TrimSpace(k); k != "" {
				f.Kinds = append(f.Kinds, k)
			}
		}
	}
	for _, k := range q["cueKind"] {
		for _, k := range strings.Split(k, ",") {
			if k = strings.TrimSpace(k); k != "" {
				f.CueKinds = append(f.CueKinds, k)
			}
		}
	}
	if v := q.Get("minConfidence"); v != "" {
		if f.MinConfidence, err = strconv.ParseFloat(v, 64); err != nil {
			bad("minConfidence: not a number: %q", v)
			return
		}
	}
	opts := export.Options{NoText: q.Get("noText") == "1" || q.Get("noText") == "true"}
	opts.Filter, err = s.QuoteFilter(r.Context(), f)
	switch {
	case errors.Is(err, ErrNoMatch):
		// Nothing matches: an empty export, not an error. No speaker has
		// the nil id.
		opts.Filter = graph.QuoteFilter{SpeakerIDs: []uuid.UUID{uuid.Nil}}
	case err != nil:
		s.writeJSON(w, http.StatusBadRequest, s.errorResponse(r.Context(), err))
		return
	}
	switch q.Get("order") {
	case "", "date":
	case "newest":
		opts.Filter.Order = graph.OrderNewest
	default:
		bad("order: %q is not date or newest", q.Get("order"))
		return
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", format.ContentType())
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="graphd-export%s"`, format.Extension()))
	h.Set("Cache-Control", "no-store")
	h.Set("Trailer", trailerCounts+", "+trailerError)
	start := time.Now()
	var counts export.Counts
	if format.Files() != nil {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
		counts, err = export.WriteFiles(r.Context(), s.store, format, func(name string) (io.Writer, error) {
			return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: start})
		}, opts)
		if err == nil {
			err = zw.Close()
		}
	} else {
		counts, err = export.Write(r.Context(), s.store, w, format, opts)
	}
	if err != nil {
		// The status is sent; the client sees a body cut off, and says so
		// if it reads the trailer.
		s.logger.WarnContext(r.Context(), "export cut short", "format", format, "err", err)
		h.Set(trailerError, "the export stopped half way; the server's log says why")
		return
	}
	h.Set(trailerCounts, fmt.Sprintf("statements=%d printings=%d names=%d venues=%d articles=%d outlets=%d",
		counts.Quotes, counts.Printings, counts.Speakers, counts.Venues, counts.Articles, counts.Outlets))
	s.logger.InfoContext(r.Context(), "export", "format", format, "quotes", counts.Quotes, "printings", counts.Printings, "took", time.Since(start).Round(time.Millisecond))
}
