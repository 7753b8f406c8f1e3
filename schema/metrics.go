package schema

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
)

// Metrics, in the Prometheus text format at GET /metrics, from a registry
// of the Schema's own (so that several in one process do not clash):
//
//	graphd_graphql_requests_total{operation,name,status}   GraphQL operations answered
//	graphd_graphql_request_duration_seconds{operation}      their latency
//	graphd_graphql_errors_total{code}                       errors sent, by extensions.code
//	graphd_http_requests_total{route,method,status}         every HTTP request
//	graphd_http_request_duration_seconds{route}             their latency, streams apart
//	graphd_websocket_connections                            WebSocket connections open
//	graphd_subscriptions                                    live feeds open (WebSocket and /events)
//	graphd_ingest_articles_total{result}                    articles written: created, replaced, unchanged
//	graphd_ingest_quotations_total                          printings of quotations stored
//	graphd_ingest_statements_total                          quotations no article printed before
//	graphd_ingest_errors_total                              article writes that failed, and bad lines of POST /ingest
//	graphd_ingest_streams                                   POST /ingest streams open
//	graphd_store_size_bytes{part}                           the store on disk: lsm, vlog
//	graphd_build_info{version,commit}                       1
//	badger_*                                                Badger's own metrics (expvar)
//	go_*, process_*                                         the Go runtime and the process
//
// Every GraphQL operation served is counted once, where its answer is
// known (countOperation): over POST and GET with the status of its
// response; over a WebSocket, where there is none, with the status the
// response would have as application/graphql-response+json; a
// subscription (WebSocket or /events) as it starts, 200, or is refused.
// Operation names are labels only for the first maxOperationNames names
// seen; later ones count as "other", unnamed operations as "anonymous",
// and requests that did not get as far as a known operation (bad JSON,
// syntax, validation) as operation "none". What runs in process (Do,
// Subscribe) is not counted.

// maxOperationNames bounds the name label of graphd_graphql_requests_total.
const maxOperationNames = 200

// maxErrorCodes bounds the code label of graphd_graphql_errors_total.
const maxErrorCodes = 50

var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15, 30}

type metrics struct {
	registry *prometheus.Registry

	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	http       *prometheus.CounterVec
	httpTime   *prometheus.HistogramVec
	articles   *prometheus.CounterVec
	quotations prometheus.Counter
	statements prometheus.Counter
	ingestErrs prometheus.Counter

	names *labelSet
	codes *labelSet
}

func newMetrics(s *Schema) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "graphd_graphql_requests_total",
			Help: "GraphQL operations answered over HTTP, WebSocket and /events, by type (query, mutation, subscription; none when the request did not get as far as an operation), name and HTTP status (over a WebSocket, the status as application/graphql-response+json).",
		}, []string{"operation", "name", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "graphd_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL operation, from reading it to its result (for a subscription, to its start).",
			Buckets: latencyBuckets,
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "graphd_graphql_errors_total",
			Help: "GraphQL errors sent, by their extensions.code.",
		}, []string{"code"}),
		http: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "graphd_http_requests_total",
			Help: "HTTP requests answered, by route, method and status.",
		}, []string{"route", "method", "status"}),
		httpTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "graphd_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request; WebSocket connections and /events streams are not counted.",
			Buckets: latencyBuckets,
		}, []string{"route"}),
		articles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "graphd_ingest_articles_total",
			Help: "Articles written by the server: created, replaced (new content under a known URL or id) or unchanged.",
		}, []string{"result"}),
		quotations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "graphd_ingest_quotations_total",
			Help: "Printings of quotations stored with the articles written.",
		}),
		statements: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "graphd_ingest_statements_total",
			Help: "Quotations stored that no article had printed before.",
		}),
		ingestErrs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "graphd_ingest_errors_total",
			Help: "Article writes that failed, and lines of POST /ingest that are no article graphd takes.",
		}),
		names: newLabelSet(maxOperationNames),
		codes: newLabelSet(maxErrorCodes),
	}
	reg.MustRegister(m.requests, m.latency, m.errors, m.http, m.httpTime,
		m.articles, m.quotations, m.statements, m.ingestErrs)
	for _, r := range []string{"created", "replaced", "unchanged"} {
		m.articles.WithLabelValues(r)
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "graphd_websocket_connections",
			Help: "WebSocket connections open.",
		}, func() float64 { return float64(s.webSockets.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "graphd_ingest_streams",
			Help: "POST /ingest streams open.",
		}, func() float64 { return float64(s.ingestOpen.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "graphd_subscriptions",
			Help: "Live feeds open: subscriptions over WebSocket and /events streams.",
		}, func() float64 { return float64(s.broker.count()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "graphd_build_info",
			Help:        "The version and commit of graphd; always 1.",
			ConstLabels: prometheus.Labels{"version": s.buildInfo.Version, "commit": s.buildInfo.Commit},
		}, func() float64 { return 1 }),
		&storeSize{store: s.store, desc: prometheus.NewDesc("graphd_store_size_bytes",
			"Bytes the store takes on disk: its LSM tree (lsm) and its value log (vlog).", []string{"part"}, nil)},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewExpvarCollector(badgerExpvars()),
	)
	return m
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Registry is the registry /metrics serves, for the server around the
// schema to add metrics of its own.
func (s *Schema) Registry() *prometheus.Registry { return s.metrics.registry }

// countOperation counts a GraphQL operation answered with status after
// took, and names it in the access log line of the HTTP request behind
// ctx.
func (s *Schema) countOperation(ctx context.Context, op Operation, status int, took time.Duration, errs []Error) {
	if c := callerFrom(ctx); c != nil && op.Type != "" {
		c.setOperation(op)
	}
	s.metrics.operation(op.Type, op.Name, status, took, errs)
}

// operation counts a GraphQL operation.
func (m *metrics) operation(op, name string, status int, took time.Duration, errs []Error) {
	switch {
	case op == "":
		op, name = "none", ""
	case name == "":
		name = "anonymous"
	default:
		name = m.names.label(name)
	}
	m.requests.WithLabelValues(op, name, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(op).Observe(took.Seconds())
	for _, e := range errs {
		code := e.code()
		if code == "" {
			code = "none"
		} else if !codeRE.MatchString(code) {
			code = "other"
		}
		m.errors.WithLabelValues(m.codes.label(code)).Inc()
	}
}

var codeRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// request counts an HTTP request.
func (m *metrics) request(route, method string, status int, took time.Duration, streaming bool) {
	if route == "" {
		route = "unmatched"
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions:
	default:
		method = "other"
	}
	m.http.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	if !streaming {
		m.httpTime.WithLabelValues(route).Observe(took.Seconds())
	}
}

// storeArticle extracts and stores an article, counting the result, for
// the ingestArticle mutation; POST /ingest counts through countIngest.
func (s *Schema) storeArticle(ctx context.Context, a ingest.Article) (graph.PutResult, error) {
	res, err := ingest.Store(ctx, s.store, a)
	s.countIngest(res, err)
	return res, err
}

// countIngest counts an article written, or not, with res and err.
func (s *Schema) countIngest(res graph.PutResult, err error) {
	m := s.metrics
	switch {
	case err != nil:
		m.ingestErrs.Inc()
	case res.Unchanged:
		m.articles.WithLabelValues("unchanged").Inc()
	case res.Replaced:
		m.articles.WithLabelValues("replaced").Inc()
	default:
		m.articles.WithLabelValues("created").Inc()
	}
	if err == nil {
		m.quotations.Add(float64(res.Quotes))
		m.statements.Add(float64(res.NewQuotes))
	}
}

// labelSet bounds the values of a label: the first max values seen are
// kept, later ones become "other".
type labelSet struct {
	mu   sync.Mutex
	max  int
	seen map[string]struct{}
}

func newLabelSet(max int) *labelSet {
	return &labelSet{max: max, seen: map[string]struct{}{}}
}

func (l *labelSet) label(v string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.seen[v]; ok {
		return v
	}
	if len(l.seen) >= l.max {
		return "other"
	}
	l.seen[v] = struct{}{}
	return v
}

// storeSize reads the store's size on disk at each scrape.
type storeSize struct {
	store *graph.Store
	desc  *prometheus.Desc
}

func (c *storeSize) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *storeSize) Collect(ch chan<- prometheus.Metric) {
	lsm, vlog, err := c.store.DiskSize()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(lsm), "lsm")
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(vlog), "vlog")
}

// badgerExpvars describes the metrics Badger publishes with expvar (its
// package y), cumulative over the stores of the process. They move only
// for a store opened with graph.Options.Metrics.
func badgerExpvars() map[string]*prometheus.Desc {
	out := map[string]*prometheus.Desc{}
	for name, help := range map[string]string{
		"badger_read_num_vlog":              "Reads from the value log.",
		"badger_read_bytes_vlog":            "Bytes read from the value log.",
		"badger_write_num_vlog":             "Writes to the value log.",
		"badger_write_bytes_vlog":           "Bytes written to the value log.",
		"badger_read_bytes_lsm":             "Bytes read from the LSM tree.",
		"badger_write_bytes_l0":             "Bytes written to level 0 of the LSM tree.",
		"badger_get_num_memtable":           "Gets served by a memtable.",
		"badger_get_num_user":               "Gets asked for.",
		"badger_get_with_result_num_user":   "Gets that found a value.",
		"badger_put_num_user":               "Entries written.",
		"badger_write_bytes_user":           "Bytes written by transactions.",
		"badger_iterator_num_user":          "Iterators created.",
		"badger_compaction_current_num_lsm": "Tables being compacted now.",
	} {
		out[name] = prometheus.NewDesc(name, help, nil, nil)
	}
	for name, v := range map[string][2]string{
		"badger_get_num_lsm":                {"Gets that read a level of the LSM tree.", "level"},
		"badger_hit_num_lsm_bloom_filter":   {"Gets a bloom filter of a level answered.", "level"},
		"badger_write_bytes_compaction":     {"Bytes written by compactions, by level.", "level"},
		"badger_size_bytes_lsm":             {"Size of the LSM tree, by directory, as Badger last measured it (every minute).", "dir"},
		"badger_size_bytes_vlog":            {"Size of the value log, by directory, as Badger last measured it (every minute).", "dir"},
		"badger_write_pending_num_memtable": {"Writes waiting for a memtable, by directory.", "dir"},
	} {
		out[name] = prometheus.NewDesc(name, v[0], []string{v[1]}, nil)
	}
	return out
}

// count is the number of feeds open.
func (b *broker) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.feeds)
}
