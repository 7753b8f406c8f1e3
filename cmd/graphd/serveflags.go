package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/schema"
)

// serveOptions is what `graphd serve` and `graphd demo` are told.
type serveOptions struct {
	addr     string
	access   schema.Access
	limits   schema.Limits
	origins  []string
	maxConns int
	pprof    string
	extra    []schema.Option // more options of the schema: the workers of serve --nats
	gate     *ingest.Gate    // queries go ahead of the server's ingests; nil: off

	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout, shutdownTimeout time.Duration
}

// serveFlags are the flags behind serveOptions.
type serveFlags struct {
	addr                     *string
	tokenFile, readTokenFile *string
	insecure                 *bool

	// schema.Limits
	body, tokens, nesting, operations, aliases, fields, depth, cost, first *int
	timeout                                                                *time.Duration
	persistedQueryCache                                                    *int
	subscriptions, perConnection, webSockets, subscriberBuffer             *int
	ingests                                                                *int
	ingestIdle                                                             *time.Duration

	origins  *[]string
	maxConns *int
	pprof    *string

	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout, shutdownTimeout *time.Duration
	ingestYield                                                                *time.Duration
}

// minTokenLength is the shortest token graphd takes: 16 characters are
// 64 bits of hex, and guessing must be hopeless.
const minTokenLength = 16

func defineServeFlags(f *flags) *serveFlags {
	d := schema.DefaultLimits()
	return &serveFlags{
		addr: addrFlag(f),
		tokenFile: f.String("token-file", "GRAPHD_TOKEN_FILE", "",
			"file holding the bearer token that mutations need (or the token itself in GRAPHD_TOKEN); required on an address other than loopback"),
		readTokenFile: f.String("read-token-file", "GRAPHD_READ_TOKEN_FILE", "",
			"file holding a bearer token that reads then need too, the write token also reading (or the token itself in GRAPHD_READ_TOKEN)"),
		insecure: f.Bool("insecure", "GRAPHD_INSECURE", false,
			"serve an address other than loopback without a token, letting anyone who reaches it write"),
		body: f.Int("max-body", "GRAPHD_MAX_BODY", int(d.Body),
			"largest request body, query document (however it comes) and WebSocket message, in bytes"),
		tokens: f.Int("max-tokens", "GRAPHD_MAX_TOKENS", d.Tokens,
			"most lexical tokens (names, numbers, strings, punctuation) in a query document, counted before parsing"),
		nesting: f.Int("max-nesting", "GRAPHD_MAX_NESTING", d.Nesting,
			"deepest nesting of braces, brackets and parentheses in a query document"),
		operations: f.Int("max-operations", "GRAPHD_MAX_OPERATIONS", d.Operations, "most operations in one query document"),
		aliases:    f.Int("max-aliases", "GRAPHD_MAX_ALIASES", d.Aliases, "most aliased fields in one query document"),
		fields: f.Int("max-fields", "GRAPHD_MAX_FIELDS", d.Fields,
			"most fields a query document stands for once its fragments are expanded"),
		depth:   f.Int("max-depth", "GRAPHD_MAX_DEPTH", d.Depth, "deepest nesting of fields in a query"),
		cost:    f.Int("max-cost", "GRAPHD_MAX_COST", d.Cost, "largest estimated cost of a query (fields times the page sizes around them)"),
		timeout: f.Duration("timeout", "GRAPHD_TIMEOUT", d.Timeout, "longest a GraphQL request's validation and execution may take"),
		first: f.Int("max-page-size", "GRAPHD_MAX_PAGE_SIZE", d.First,
			fmt.Sprintf("largest page a connection serves (its first or last argument), at most %d", schema.MaxPageSize)),
		persistedQueryCache: f.Int("persisted-query-cache", "GRAPHD_PERSISTED_QUERY_CACHE", int(d.PersistedQueryCache),
			"bytes of query text kept for automatic persisted queries"),
		subscriptions: f.Int("max-subscriptions", "GRAPHD_MAX_SUBSCRIPTIONS", d.Subscriptions,
			"most live subscriptions, over WebSocket and /events together"),
		perConnection: f.Int("max-subscriptions-per-connection", "GRAPHD_MAX_SUBSCRIPTIONS_PER_CONNECTION", d.SubscriptionsPerConnection,
			"most operations one WebSocket connection runs at once"),
		webSockets: f.Int("max-websockets", "GRAPHD_MAX_WEBSOCKETS", d.WebSockets, "most WebSocket connections open at once"),
		subscriberBuffer: f.Int("subscriber-buffer", "GRAPHD_SUBSCRIBER_BUFFER", d.SubscriberBuffer,
			"events a subscription holds for a subscriber that reads slower than they come; past it, events are lost and the subscriber told"),
		ingests: f.Int("max-ingests", "GRAPHD_MAX_INGESTS", d.Ingests,
			"most POST /ingest streams open at once; one more is answered 503"),
		ingestIdle: f.Duration("ingest-idle-timeout", "GRAPHD_INGEST_IDLE_TIMEOUT", d.IngestIdle,
			"longest POST /ingest waits for the client's next line, or for the client to take its results"),
		origins: f.Strings("cors-origin", "GRAPHD_CORS_ORIGINS",
			"an origin (https://dash.example.org) whose pages may call /graphql, /events and /export"),
		maxConns: f.Int("max-connections", "GRAPHD_MAX_CONNECTIONS", 1000,
			"most connections open at once, WebSockets included; more are answered 503 and closed; 0 for no cap"),
		pprof: f.String("pprof", "GRAPHD_PPROF", "",
			"serve net/http/pprof on this loopback address (127.0.0.1:6060), apart from the rest; off when empty"),
		readHeaderTimeout: f.Duration("read-header-timeout", "GRAPHD_READ_HEADER_TIMEOUT", 10*time.Second, "longest a client may take to send a request's headers"),
		readTimeout:       f.Duration("read-timeout", "GRAPHD_READ_TIMEOUT", 60*time.Second, "longest a client may take to send a whole request"),
		writeTimeout:      f.Duration("write-timeout", "GRAPHD_WRITE_TIMEOUT", 120*time.Second, "longest a response may take to write (WebSocket, /events and /export streams excepted)"),
		idleTimeout:       f.Duration("idle-timeout", "GRAPHD_IDLE_TIMEOUT", 120*time.Second, "how long a kept-alive connection may wait for its next request"),
		ingestYield:       f.Duration("ingest-yield", "GRAPHD_INGEST_YIELD", ingest.DefaultGateWait, "the longest a step of an ingest into the server (extracting or writing an article) waits for the queries running; 0: ingest does not wait for queries"),
		shutdownTimeout:   f.Duration("shutdown-timeout", "GRAPHD_SHUTDOWN_TIMEOUT", 10*time.Second, "how long a graceful shutdown waits for requests to finish"),
	}
}

// options checks the flags and reads the tokens.
func (f *serveFlags) options() (serveOptions, error) {
	o := serveOptions{
		addr: *f.addr,
		limits: schema.Limits{
			Body: int64(*f.body), Tokens: *f.tokens, Nesting: *f.nesting, Operations: *f.operations,
			Aliases: *f.aliases, Fields: *f.fields, Depth: *f.depth, Cost: *f.cost,
			Timeout: *f.timeout, First: *f.first,
			PersistedQueryCache: int64(*f.persistedQueryCache),
			Subscriptions:       *f.subscriptions, SubscriptionsPerConnection: *f.perConnection,
			WebSockets: *f.webSockets, SubscriberBuffer: *f.subscriberBuffer,
			Ingests: *f.ingests, IngestIdle: *f.ingestIdle,
		},
		maxConns:          *f.maxConns,
		pprof:             *f.pprof,
		readHeaderTimeout: *f.readHeaderTimeout,
		readTimeout:       *f.readTimeout,
		writeTimeout:      *f.writeTimeout,
		idleTimeout:       *f.idleTimeout,
		shutdownTimeout:   *f.shutdownTimeout,
	}
	if *f.ingestYield > 0 {
		o.gate = ingest.NewGate(1, *f.ingestYield)
	}
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"--max-body", *f.body > 0},
		{"--max-tokens", *f.tokens > 0},
		{"--max-nesting", *f.nesting > 0},
		{"--max-operations", *f.operations > 0},
		{"--max-aliases", *f.aliases > 0},
		{"--max-fields", *f.fields > 0},
		{"--max-depth", *f.depth > 0},
		{"--max-cost", *f.cost > 0},
		{"--timeout", *f.timeout > 0},
		{"--max-page-size", *f.first > 0 && *f.first <= schema.MaxPageSize},
		{"--persisted-query-cache", *f.persistedQueryCache > 0},
		{"--max-subscriptions", *f.subscriptions > 0},
		{"--max-subscriptions-per-connection", *f.perConnection > 0},
		{"--max-websockets", *f.webSockets > 0},
		{"--subscriber-buffer", *f.subscriberBuffer > 0},
		{"--max-ingests", *f.ingests > 0},
		{"--ingest-idle-timeout", *f.ingestIdle > 0},
		{"--max-connections", *f.maxConns >= 0},
		{"--read-header-timeout", *f.readHeaderTimeout > 0},
		{"--read-timeout", *f.readTimeout > 0},
		{"--write-timeout", *f.writeTimeout > 0},
		{"--idle-timeout", *f.idleTimeout > 0},
		{"--shutdown-timeout", *f.shutdownTimeout > 0},
		{"--ingest-yield", *f.ingestYield >= 0},
	} {
		if !c.ok {
			return o, fmt.Errorf("%s: out of range (see graphd serve --help)", c.name)
		}
	}
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return o, fmt.Errorf("--addr %q: not HOST:PORT", o.addr)
	}
	var err error
	if o.access.WriteToken, err = token(*f.tokenFile, "--token-file", "GRAPHD_TOKEN"); err != nil {
		return o, err
	}
	if o.access.ReadToken, err = token(*f.readTokenFile, "--read-token-file", "GRAPHD_READ_TOKEN"); err != nil {
		return o, err
	}
	switch {
	case o.access.ReadToken != "" && o.access.WriteToken == "":
		return o, errors.New("a read token needs a write token too: set --token-file or GRAPHD_TOKEN")
	case o.access.ReadToken != "" && o.access.ReadToken == o.access.WriteToken:
		return o, errors.New("the read token and the write token are the same: give them different values")
	}
	for _, origin := range *f.origins {
		if err := checkOrigin(origin); err != nil {
			return o, err
		}
		o.origins = append(o.origins, origin)
	}
	if o.pprof != "" && !isLoopback(o.pprof) {
		return o, fmt.Errorf("--pprof %s: not a loopback address; profiles tell a great deal about the process, so graphd serves them on loopback only (e.g. 127.0.0.1:6060)", o.pprof)
	}
	if o.access.WriteToken == "" && !*f.insecure && !isLoopback(o.addr) {
		return o, fmt.Errorf("refusing to serve %s without a token: anyone who can reach it could change the store.\n"+
			"  Make a token (openssl rand -hex 32 > graphd-token) and pass --token-file graphd-token\n"+
			"  (or GRAPHD_TOKEN_FILE=graphd-token, or the token itself in GRAPHD_TOKEN); clients then send\n"+
			"  Authorization: Bearer <token> with mutations. Or serve on 127.0.0.1, or pass --insecure to\n"+
			"  serve without a token anyway", o.addr)
	}
	return o, nil
}

// token reads a token from file, or else from the environment variable
// envName.
func token(file, flagName, envName string) (string, error) {
	env := os.Getenv(envName)
	var tok, from string
	switch {
	case file != "" && env != "":
		return "", fmt.Errorf("both %s and %s are set: use one", flagName, envName)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s: %w", flagName, err)
		}
		tok, from = strings.TrimSpace(string(b)), file
	case env != "":
		tok, from = strings.TrimSpace(env), envName
	default:
		return "", nil
	}
	switch {
	case tok == "":
		return "", fmt.Errorf("%s: the token is empty", from)
	case len(tok) < minTokenLength:
		return "", fmt.Errorf("%s: the token has %d characters; use at least %d (openssl rand -hex 32 makes one)", from, len(tok), minTokenLength)
	case strings.ContainsAny(tok, " \t\r\n"):
		return "", fmt.Errorf("%s: the token holds white space; a bearer token is one word", from)
	}
	return tok, nil
}

// checkOrigin accepts an origin as browsers send it: scheme, host and
// port if any, nothing else.
func checkOrigin(origin string) error {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("--cors-origin %q: not an origin: give scheme, host and port only, as https://dash.example.org or http://localhost:3000", origin)
	}
	return nil
}

// isLoopback reports whether addr (host:port) listens on loopback only.
// An empty host listens on every interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
