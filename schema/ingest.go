package schema

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// POST /ingest stores articles sent as JSON Lines, one article object a
// line with the fields of a .jsonl file (id, url, title, outlet,
// published, text…), and answers in JSON Lines, one result a line:
//
//	{"line":1,"id":"a1","article":"QXJ0aWNsZTo…","result":"created","statements":3,"printings":5}
//	{"line":2,"error":"malformed input: field published: cannot parse date \"soon\"","field":"published","code":"BAD_USER_INPUT"}
//
// in the order of the lines, blank lines apart. A bad line gets its own
// error, naming its field where one is to blame, and the stream goes on.
// An article's result is sent only once its write is committed and the
// store's log synced to disk (the write path's promise, WriteFunc): a
// result is an acknowledgement, and what was acknowledged survives a
// crash. A stream that cannot go on (the disk full, the server shutting
// down, a client silent for Limits.IngestIdle) ends with a line without
// "line", {"error": …, "code": …}, saying from which line on nothing was
// stored; sending those lines again stores them (an article whose
// content is stored already is answered "unchanged").
//
// The body is read as it comes, a line at a time, and only when the write
// path can take another article: a client that sends faster than the
// server stores is slowed down by TCP, and the server holds at most a
// line (up to maxIngestLine bytes) and the results not yet sent
// (ingestQueue) of each stream, whatever the stream's length. The request
// and the response stream at once (full duplex over HTTP/1.1), for as
// long as the client sends; Limits.Ingests streams run at once, and one
// more is answered 503. The endpoint needs the write token (authenticate).

// maxIngestLine is the longest line POST /ingest takes: an article's
// MaxArticleBytes of text, with room for its JSON escapes. The text
// itself is then held to the article limits (ingest.CheckLimits).
const maxIngestLine = 2 * ingest.MaxArticleBytes

// ingestQueue is how many lines of a stream may wait, in order, for
// their result: read ahead of the write path by the one line it has not
// taken, or answered (a bad line) while an article before them is still
// being written.
const ingestQueue = 256

// ingestMedia are the media types POST /ingest reads.
var ingestMedia = map[string]bool{
	"application/x-ndjson": true, "application/jsonl": true, "application/json-lines": true,
	"application/x-jsonlines": true, "application/json": true,
}

// Codes of POST /ingest, besides those of GraphQL errors.
const (
	codeIngestLimit = "INGEST_LIMIT" // over Limits.Ingests streams at once
	codeUnavailable = "UNAVAILABLE"  // the server is shutting down
)

// WriteFunc is the write path of POST /ingest. It stores the articles it
// receives on in, in the order they come, and calls done for each one,
// in the same order, once its write is committed and durable, or has
// failed for what the article holds (an *ingest.InputError) or for a
// fault of the server. It takes another article from in only when it can
// write it: that is the endpoint's back-pressure. It returns nil once in
// is closed and every article received is answered; an error stops the
// stream (a full disk, the store closed, ctx done), the articles received
// and not answered being left unacknowledged.
type WriteFunc func(ctx context.Context, in <-chan ingest.Article, done func(graph.PutResult, error)) error

// WithWriter sets the write path of POST /ingest. Without it, the
// articles go through an ingest.Pipeline (extraction on every core, one
// writer committing batches), and the store's log is synced before the
// results of the articles committed are sent.
func WithWriter(fn WriteFunc) Option {
	return func(s *Schema) { s.writer = fn }
}

// WithGate has the GraphQL queries hold g while they run, and the
// pipelines of POST /ingest wait at it, so that queries go ahead of the
// extraction and writing of a live ingest (see ingest.Gate). A server
// passes the same gate to every pipeline writing to its store.
func WithGate(g *ingest.Gate) Option {
	return func(s *Schema) { s.gate = g }
}

// Submitter is what the default write path of POST /ingest submits a
// stream's articles to: an *ingest.Pipeline, or an *ingest.Load that has
// graphd worker processes extract them.
type Submitter interface {
	Submit(ctx context.Context, a ingest.Article, done func(ingest.Result)) error
	Close() error
}

// WithSubmitter has the default write path of POST /ingest submit each
// stream's articles to what open returns for it (ctx ends with the
// stream), instead of a pipeline extracting them on the server's own
// cores. Each stream has one of its own, closed at the stream's end.
func WithSubmitter(open func(ctx context.Context, batch int) (Submitter, error)) Option {
	return func(s *Schema) { s.submitter = open }
}

// maxHeld is the most results writePipeline holds before it syncs the log
// and sends them, while more keep coming; ingestBatch is the most articles
// a stream's pipeline writes in one batch; ingestBytes is the most article
// text a stream holds in its pipeline at once (an article longer than it
// is taken alone).
const (
	maxHeld     = 256
	ingestBatch = 64
	ingestBytes = 16 << 20
)

// writePipeline is the default WriteFunc. It submits the articles to a
// pipeline of its own as they come, the pipeline's slots and ingestBytes
// being the back-pressure, and answers the results in order: each time none is
// waiting, or maxHeld are held, it syncs the store's log once and sends
// them. A sync, a few milliseconds, is paid once per group, and a
// result waits for no more than the batch it was committed in.
func (s *Schema) writePipeline(ctx context.Context, in <-chan ingest.Article, done func(graph.PutResult, error)) error {
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	var p Submitter
	if s.submitter != nil {
		var err error
		if p, err = s.submitter(pctx, ingestBatch); err != nil {
			return err
		}
	} else {
		p = ingest.NewPipeline(pctx, s.store, ingest.Options{Batch: ingestBatch, Gate: s.gate})
	}
	results := make(chan ingest.Result, maxHeld)
	submitErr := make(chan error, 1)
	room := semaphore.NewWeighted(ingestBytes)
	go func() {
		var err error
		for a := range in {
			n := min(int64(len(a.Text))+1, ingestBytes)
			if err = room.Acquire(pctx, n); err != nil {
				break
			}
			if err = p.Submit(pctx, a, func(r ingest.Result) { room.Release(n); results <- r }); err != nil {
				room.Release(n)
				break
			}
		}
		p.Close()
		close(results)
		submitErr <- err
	}()
	var pending []ingest.Result
	answer := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := s.store.Sync(); err != nil {
			return err
		}
		for _, r := range pending {
			done(r.Put, r.Err)
		}
		pending = pending[:0]
		return nil
	}
	// fail stops the pipeline, answers what was committed before the
	// failure, and leaves the rest unanswered.
	fail := func(err error) error {
		stop()
		aerr := answer()
		for range results {
		}
		<-submitErr
		return errors.Join(err, aerr)
	}
	for {
		var (
			r  ingest.Result
			ok bool
		)
		select {
		case r, ok = <-results:
		default:
			// Nothing waiting: make what was committed durable and
			// answer it before waiting for more.
			if err := answer(); err != nil {
				return fail(err)
			}
			select {
			case r, ok = <-results:
			case <-ctx.Done():
				return fail(ctx.Err())
			}
		}
		if !ok {
			if err := answer(); err != nil {
				return err
			}
			if err := <-submitErr; err != nil && !errors.Is(err, ingest.ErrClosed) {
				return err
			}
			return nil
		}
		if err := r.Err; errors.Is(err, graph.ErrNoSpace) || errors.Is(err, graph.ErrClosed) ||
			errors.Is(err, graph.ErrReadOnly) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			// Nothing later could be written either.
			return fail(err)
		}
		pending = append(pending, r)
		if len(pending) >= maxHeld {
			if err := answer(); err != nil {
				return fail(err)
			}
		}
	}
}

// ingestAck is the result of a line whose article was stored.
type ingestAck struct {
	Line       int    `json:"line"`
	ID         string `json:"id,omitempty"` // the article's id in its source, as sent
	Article    string `json:"article"`      // the stored article's global id
	Result     string `json:"result"`       // created, replaced or unchanged
	Statements int    `json:"statements"`   // quotations no article printed before
	Printings  int    `json:"printings"`    // printings stored with it; 0 when unchanged
}

// ingestFailure is the error of a line, or, without a line, of the
// stream, which ends with it.
type ingestFailure struct {
	Line  int    `json:"line,omitempty"`
	ID    string `json:"id,omitempty"`
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
	Code  string `json:"code"`
}

// ingestLine is a line of the stream waiting for its result.
type ingestLine struct {
	line   int
	id     string
	ready  chan struct{} // closed once result is set
	result any           // an ingestAck or an ingestFailure
	unsent bool          // read, but never handed to the write path
}

// answered is a line answered as it is read: a bad one.
func answered(line int, f ingestFailure) *ingestLine {
	f.Line = line
	l := &ingestLine{line: line, ready: make(chan struct{}), result: f}
	close(l.ready)
	return l
}

func (s *Schema) serveIngest(w http.ResponseWriter, r *http.Request) {
	// A stream refused is not read: its connection is closed rather than
	// read to the stream's end.
	w.Header().Set("Connection", "close")
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !ingestMedia[mt] {
		s.writeJSON(w, http.StatusUnsupportedMediaType, requestError(codeBadRequest,
			"Content-Type must be application/x-ndjson: JSON Lines, one article object a line"))
		return
	}
	select {
	case s.ingests <- struct{}{}:
		defer func() { <-s.ingests }()
	default:
		w.Header().Set("Retry-After", "1")
		s.writeJSON(w, http.StatusServiceUnavailable, requestError(codeIngestLimit,
			"the server takes %d ingest streams at once; try again later", s.limits.Ingests))
		return
	}
	select {
	case <-s.shutdown:
		w.Header().Set("Retry-After", "5")
		s.writeJSON(w, http.StatusServiceUnavailable, requestError(codeUnavailable, "the server is shutting down"))
		return
	default:
	}
	if strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		// The answer begins before the body is read: a client waiting
		// to be asked for the body (curl, for a large one) is asked.
		w.WriteHeader(http.StatusContinue)
	}
	w.Header().Del("Connection")
	rc := http.NewResponseController(w)
	rc.EnableFullDuplex() // HTTP/2 is full duplex anyway, and says it is not supported
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // proxies: pass the results on as they come
	w.WriteHeader(http.StatusOK)
	rc.Flush()
	start := time.Now()
	st := s.ingestStream(r.Context(), w, rc, r.Body)
	s.logger.InfoContext(r.Context(), "ingest stream", "lines", st.lines, "stored", st.stored, "errors", st.failed,
		"took", time.Since(start).Round(time.Millisecond), "end", st.end)
}

// streamStats is what a stream did, for the log.
type streamStats struct {
	lines, stored, failed int
	end                   string
}

// ingestStream reads the articles of body, hands them to the write path
// and writes the results to w, in order, until body ends or the stream
// cannot go on.
func (s *Schema) ingestStream(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, body io.Reader) streamStats {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.ingestOpen.Add(1)
	defer s.ingestOpen.Add(-1)
	idle := s.limits.IngestIdle

	order := make(chan *ingestLine, ingestQueue)    // every line, in order
	articles := make(chan *ingestLine, ingestQueue) // the lines handed to the write path, in order
	in := make(chan ingest.Article)                 // unbuffered: the write path takes when it can
	wdone := make(chan struct{})                    // closed when the write path returns
	var werr error

	// stop ends the reading: a read under way fails at once, and no
	// other begins.
	var (
		readMu   sync.Mutex
		stopping bool
		readDone bool // the reader returned: its last read is over
	)
	stop := func() {
		readMu.Lock()
		defer readMu.Unlock()
		stopping = true
		// A read that met the body's end has set the server reading the
		// connection for the next request; a deadline now would fail
		// that read and end the connection's context.
		if !readDone {
			rc.SetReadDeadline(time.Now())
		}
	}

	// The write path.
	go func() {
		defer close(wdone)
		werr = s.writer(ctx, in, func(res graph.PutResult, err error) {
			l := <-articles
			s.countIngest(res, err)
			l.result = s.lineResult(ctx, l, res, err)
			close(l.ready)
		})
	}()

	// The reader: a line at a time, the next only once the write path
	// took the last article.
	var (
		rerr      error // why reading stopped early
		firstLost int   // the first line not handed to the write path
	)
	rdone := make(chan struct{})
	go func() {
		defer close(rdone)
		defer close(order)
		defer close(in)
		defer func() {
			readMu.Lock()
			readDone = true
			readMu.Unlock()
		}()
		rr := ingest.NewRecordReader(body, "POST /ingest", maxIngestLine)
		for {
			readMu.Lock()
			if stopping {
				readMu.Unlock()
				firstLost = rr.Line() + 1
				return
			}
			rc.SetReadDeadline(time.Now().Add(idle))
			readMu.Unlock()
			a, err := rr.Next()
			if err == io.EOF {
				// The server reads on for the next request; that read
				// is the server's, without this stream's deadline.
				readMu.Lock()
				rc.SetReadDeadline(time.Time{})
				readMu.Unlock()
				return
			}
			var l *ingestLine
			if err != nil {
				re, _ := errors.AsType[*ingest.ReadError](err)
				if re == nil || re.Line == 0 {
					rerr, firstLost = err, rr.Line()+1
					return
				}
				l = answered(re.Line, s.badLine(re))
			} else {
				l = &ingestLine{line: a.Line, id: a.ID, ready: make(chan struct{})}
			}
			select {
			case order <- l:
			case <-ctx.Done():
				firstLost = l.line
				return
			}
			if err != nil {
				s.metrics.ingestErrs.Inc()
				continue
			}
			articles <- l // never blocks: it holds no more than order
			sent := false
			select {
			case in <- a:
				sent = true
			case <-wdone:
			case <-s.shutdown:
			case <-ctx.Done():
			}
			if !sent {
				l.unsent = true
				close(l.ready)
				firstLost = l.line
				return
			}
		}
	}()
	// Shutdown ends the reading; what was read is still written.
	go func() {
		select {
		case <-s.shutdown:
			stop()
		case <-rdone:
		}
	}()

	// The results, in order, flushed whenever the next is not ready.
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var wrote error
	flush := func() {
		if wrote != nil {
			return
		}
		rc.SetWriteDeadline(time.Now().Add(idle))
		if wrote = bw.Flush(); wrote == nil {
			wrote = rc.Flush()
		}
		if wrote != nil {
			cancel() // the client is gone
			stop()
		}
	}
	var st streamStats
	firstUnanswered := 0
	for {
		var l *ingestLine
		var ok bool
		select {
		case l, ok = <-order:
		default:
			flush()
			l, ok = <-order
		}
		if !ok {
			break
		}
		select {
		case <-l.ready:
		default:
			flush()
			select {
			case <-l.ready:
			case <-wdone:
				select {
				case <-l.ready: // answered just before the write path stopped
				default:
				}
			}
		}
		if !isClosed(l.ready) || l.unsent {
			firstUnanswered = l.line
			break
		}
		st.lines++
		if _, bad := l.result.(ingestFailure); bad {
			st.failed++
		} else {
			st.stored++
		}
		if wrote == nil {
			wrote = enc.Encode(l.result)
		}
	}
	// Whatever stopped first, stop the rest: the reader, then the write
	// path, which answers what it took.
	stop()
	go func() {
		for range order { // a reader waiting to queue a line goes on to stop
		}
	}()
	<-rdone
	<-wdone

	end := s.streamEnd(ctx, werr, rerr, firstUnanswered, firstLost)
	if end != nil {
		st.end = end.Error
		if wrote == nil {
			wrote = enc.Encode(end)
		}
	} else {
		st.end = "complete"
	}
	flush()
	return st
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// badLine is the result of a line that is not an article graphd takes.
func (s *Schema) badLine(re *ingest.ReadError) ingestFailure {
	f := ingestFailure{Error: re.Err.Error(), Code: codeBadInput}
	if fe, ok := errors.AsType[*ingest.FieldError](re); ok {
		f.Field = fe.Field
	} else if errors.Is(re, ingest.ErrNoText) {
		f.Field = "text"
	}
	return f
}

// lineResult is the result of line l, whose article the write path
// answered with res and err.
func (s *Schema) lineResult(ctx context.Context, l *ingestLine, res graph.PutResult, err error) any {
	if err != nil {
		if ie, ok := errors.AsType[*ingest.InputError](err); ok {
			return ingestFailure{Line: l.line, ID: l.id, Error: ie.Msg, Field: inputField(ie), Code: codeBadInput}
		}
		s.logger.ErrorContext(ctx, "ingest: article not stored", "line", l.line, "err", err)
		return ingestFailure{Line: l.line, ID: l.id, Error: "internal error", Code: codeInternal}
	}
	ack := ingestAck{Line: l.line, ID: l.id, Article: encodeID(typeArticle, res.Article.ID), Result: "created"}
	switch {
	case res.Unchanged:
		ack.Result = "unchanged"
		return ack
	case res.Replaced:
		ack.Result = "replaced"
	}
	ack.Statements, ack.Printings = res.NewQuotes, res.Quotes
	return ack
}

// inputField is the field an article refused by the store was refused
// for: its text (too large, not UTF-8, empty, too many quotation marks
// or attributions), or the field the store names.
func inputField(ie *ingest.InputError) string {
	if errors.Is(ie, graph.ErrInvalid) {
		name, _, _ := strings.Cut(ie.Msg, ":")
		switch name {
		case "url", "title", "outlet":
			return name
		case "sourceId":
			return "id"
		}
	}
	return "text"
}

// streamEnd is the last line of a stream that could not go on, or nil for
// one read and answered to its end. werr stopped the write path, rerr
// the reading; the lines from firstUnanswered (or, all read lines being
// answered, firstLost) on were not stored.
func (s *Schema) streamEnd(ctx context.Context, werr, rerr error, firstUnanswered, firstLost int) *ingestFailure {
	from := firstUnanswered
	if from == 0 {
		from = firstLost
	}
	if werr == nil && rerr == nil && from == 0 {
		return nil
	}
	lost := "nothing was stored from line %d on; send those lines again"
	switch {
	case errors.Is(werr, graph.ErrNoSpace):
		s.logger.WarnContext(ctx, "ingest refused", "err", werr)
		return &ingestFailure{Code: codeNoSpace, Error: fmt.Sprintf("no space left on device: the server stores nothing until space is freed on its disk; "+lost, from)}
	case isClosed(s.shutdown):
		return &ingestFailure{Code: codeUnavailable, Error: fmt.Sprintf("the server is shutting down: "+lost+" once it is back", from)}
	case werr != nil && ctx.Err() == nil:
		s.logger.ErrorContext(ctx, "ingest stream stopped", "err", werr)
		return &ingestFailure{Code: codeInternal, Error: fmt.Sprintf("internal error: "+lost, from)}
	case errors.Is(rerr, os.ErrDeadlineExceeded):
		return &ingestFailure{Code: codeBadRequest, Error: fmt.Sprintf("no line came for %s: "+lost, s.limits.IngestIdle, from)}
	case rerr != nil:
		return &ingestFailure{Code: codeBadRequest, Error: fmt.Sprintf("the request body could not be read (%v): "+lost, rerr, from)}
	}
	return &ingestFailure{Code: codeBadRequest, Error: fmt.Sprintf("the stream was cut: "+lost, from)}
}
