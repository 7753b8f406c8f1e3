// Command graphd reads news articles, finds who said what, where and when,
// keeps it as a graph in an embedded Badger store and serves it over GraphQL
// with a playground in the browser.
//
// Usage:
//
//	graphd serve   [--db DIR] [--addr HOST:PORT]   serve GraphQL, the playground, the dashboard and probes
//	graphd ingest  [--db DIR | --server URL] PATH...  read articles into the store
//	graphd worker  --nats URL                      extract articles for a writer, over NATS JetStream
//	graphd extract PATH...                         print attributions as JSON Lines
//	graphd demo    [--db DIR] [--addr HOST:PORT]   store the sample articles in ./graphd-demo, then serve
//	graphd check   [--db DIR | --server URL]       check the store's consistency
//	graphd reindex [--db DIR]                      rebuild identities, quote groups and copies
//	graphd export  [--db DIR | --server URL] --format F [filters] [--out FILE|DIR]
//	                                               export jsonl, nquads, graphml or csv
//	graphd import  [--db DIR] FILE.jsonl           load a jsonl export into an empty store
//	graphd eval    polnear DIR [--json]            score the extractor on PolNeAR
//	graphd train   polnear DIR [--out FILE]        train the attribution tagger on PolNeAR
//	graphd health  [--addr HOST:PORT]              ask a running server whether it is ready
//	graphd version                                 print the version and commit
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/graphd/graphd/graph"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks a command line that could not be understood; run prints
// the usage and exits with status 2.
var errUsage = errors.New("usage")

// errFailed means a command ran but something in it failed, already
// reported; run exits with status 1 without a further message.
var errFailed = errors.New("failed")

const usage = `graphd: who said what, where and when, from news articles.

Usage:
  graphd serve   [--db DIR] [--addr HOST:PORT]   serve GraphQL at /graphql, the playground at /, the dashboard
                                                 at /dashboard, /ingest, /events, /export, /check, /healthz,
                                                 /readyz, /metrics
  graphd ingest  [--db DIR] PATH...              read articles (.txt .json .jsonl .html, directories) into the store;
                                                 --server URL sends them to a running graphd instead; with
                                                 --nats URL, graphd worker processes extract them; --bulk
                                                 builds a new store whole, swapped in once complete
  graphd worker  --nats URL                      take articles from NATS JetStream, extract them for the writer
  graphd extract PATH...                         print one JSON object per attribution, no store needed
  graphd demo    [--db DIR] [--addr HOST:PORT]   store the bundled sample articles in ./graphd-demo, then serve
  graphd check   [--db DIR]                      check that every index entry and record agree (--server URL too)
  graphd reindex [--db DIR]                      re-extract every article; rebuild identities, quote groups and copies
                                                 in a new store, swapped in once complete
  graphd export  [--db DIR] --format F [filters] [--out FILE|DIR]
                                                 export as jsonl, nquads, graphml or csv (for Neo4j); --server URL too
  graphd import  [--db DIR] FILE.jsonl           load a jsonl export into an empty store
  graphd eval    polnear DIR [--json]            score the extractor against a PolNeAR month
  graphd train   polnear DIR [--out FILE]        train the attribution tagger on a PolNeAR month
  graphd health  [--addr HOST:PORT]              ask a running server whether it is ready; exit 0 or 1
  graphd version                                 print the version and commit (also: graphd --version)

Run 'graphd COMMAND --help' for the flags of a command. Every flag also reads
an environment variable, named on its help line.
`

// command is one subcommand: its flags are defined by setup, then main runs.
type command func(ctx context.Context, env *env, args []string) error

// env is what every command gets: the standard streams and a logger.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	logger         *slog.Logger
	logLevel       *slog.LevelVar
	name           string // the command: "ingest"
	command        string // the command line, for the store's holder record
}

// run is the whole program; tests drive it like main does.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	commands := map[string]command{
		"serve":   runServe,
		"ingest":  runIngest,
		"extract": runExtract,
		"demo":    runDemo,
		"check":   runCheck,
		"reindex": runReindex,
		"eval":    runEval,
		"train":   runTrain,
		"export":  runExport,
		"import":  runImport,
		"version": runVersion,
		"health":  runHealth,
		"worker":  runWorker,
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "--version", "-version":
		name = "version"
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "graphd: unknown command %q\n\n%s", name, usage)
		return 2
	}
	lvl := new(slog.LevelVar)
	e := &env{
		stdin: stdin, stdout: stdout, stderr: stderr, logLevel: lvl,
		name: name, command: strings.Join(append([]string{"graphd", name}, args[1:]...), " "),
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl})),
	}
	err := cmd(ctx, e, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errFailed):
		return 1
	default:
		fmt.Fprintf(stderr, "graphd %s: %v\n", name, err)
		return 1
	}
}

// flags is a flag set whose flags fall back to environment variables.
type flags struct {
	*flag.FlagSet
	env    map[string]string // flag name → variable
	envErr []error           // variables that did not parse, reported by parse
}

func newFlags(e *env, name, args, about string) *flags {
	fs := flag.NewFlagSet("graphd "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f := &flags{FlagSet: fs, env: map[string]string{}}
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: graphd %s %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.PrintDefaults()
	}
	return f
}

// String defines a string flag whose default comes from the environment
// variable envName when it is set.
func (f *flags) String(name, envName, def, help string) *string {
	if v, ok := os.LookupEnv(envName); ok && v != "" {
		def = v
	}
	f.env[name] = envName
	return f.FlagSet.String(name, def, help+" (env "+envName+")")
}

// Int defines an int flag with an environment fallback.
func (f *flags) Int(name, envName string, def int, help string) *int {
	p := new(int)
	*p = def
	f.fromEnv(name, envName, func(v string) error {
		n, err := strconv.Atoi(v)
		*p = n
		return err
	})
	f.FlagSet.IntVar(p, name, *p, help+" (env "+envName+")")
	return p
}

// Float defines a float64 flag with an environment fallback.
func (f *flags) Float(name, envName string, def float64, help string) *float64 {
	p := new(float64)
	*p = def
	f.fromEnv(name, envName, func(v string) error {
		x, err := strconv.ParseFloat(v, 64)
		*p = x
		return err
	})
	f.FlagSet.Float64Var(p, name, *p, help+" (env "+envName+")")
	return p
}

// Duration defines a duration flag ("15s", "2m") with an environment
// fallback.
func (f *flags) Duration(name, envName string, def time.Duration, help string) *time.Duration {
	p := new(time.Duration)
	*p = def
	f.fromEnv(name, envName, func(v string) error {
		d, err := time.ParseDuration(v)
		*p = d
		return err
	})
	f.FlagSet.DurationVar(p, name, *p, help+" (env "+envName+")")
	return p
}

// Strings defines a flag that may be repeated; the environment variable
// holds the values separated by commas or spaces.
func (f *flags) Strings(name, envName, help string) *[]string {
	var vals []string
	fromFlags := false
	f.fromEnv(name, envName, func(v string) error {
		vals = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
		return nil
	})
	f.FlagSet.Func(name, help+"; repeat for more (env "+envName+", separated by commas)", func(v string) error {
		if !fromFlags { // the command line replaces the environment
			vals, fromFlags = nil, true
		}
		vals = append(vals, v)
		return nil
	})
	return &vals
}

// fromEnv sets a default from the environment variable envName, when it
// is set, with set; a value set cannot take is reported by parse.
func (f *flags) fromEnv(name, envName string, set func(string) error) {
	f.env[name] = envName
	if v, ok := os.LookupEnv(envName); ok && v != "" {
		if err := set(strings.TrimSpace(v)); err != nil {
			f.envErr = append(f.envErr, fmt.Errorf("%s=%q: not a value for --%s", envName, v, name))
		}
	}
}

// parse parses args, allowing flags after the positional arguments, and
// sets the log level.
func (f *flags) parse(e *env, args []string) ([]string, error) {
	level := f.String("log-level", "GRAPHD_LOG_LEVEL", "info", "log level: debug, info, warn or error")
	for _, err := range f.envErr {
		fmt.Fprintf(e.stderr, "graphd: %v\n", err)
	}
	if len(f.envErr) > 0 {
		return nil, errUsage
	}
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = f.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(e.stderr, "graphd: --log-level: %q is not debug, info, warn or error\n", *level)
		return nil, errUsage
	}
	e.logLevel.Set(l)
	return pos, nil
}

// dbFlag defines the --db flag every store command has.
func dbFlag(f *flags) *string {
	return f.String("db", "GRAPHD_DB", "graphd-data", "directory of the Badger store")
}

// describeCounts says what a store holds in the words the README defines,
// the same for every command: "2 articles, 48 statements (65 printings),
// 18 people (20 names), 8 venues, 0 outlets".
func describeCounts(c graph.Counts) string {
	return fmt.Sprintf("%s, %s (%s), %s (%s), %s, %s",
		plural(c.Articles, "article", "articles"),
		plural(c.Quotes, "statement", "statements"), plural(c.Occurrences, "printing", "printings"),
		plural(c.Speakers, "person", "people"), plural(c.Names, "name", "names"),
		plural(c.Venues, "venue", "venues"), plural(c.Outlets, "outlet", "outlets"))
}

// describeChange says what went from store counts a to z, in the words
// of describeCounts: "+48 statements (+65 printings), +18 people (+20
// names), +8 venues, +0 outlets".
func describeChange(a, z graph.Counts) string {
	d := func(n int, one, many string) string {
		if n == 1 || n == -1 {
			return fmt.Sprintf("%+d %s", n, one)
		}
		return fmt.Sprintf("%+d %s", n, many)
	}
	return fmt.Sprintf("%s (%s), %s (%s), %s, %s",
		d(z.Quotes-a.Quotes, "statement", "statements"), d(z.Occurrences-a.Occurrences, "printing", "printings"),
		d(z.Speakers-a.Speakers, "person", "people"), d(z.Names-a.Names, "name", "names"),
		d(z.Venues-a.Venues, "venue", "venues"), d(z.Outlets-a.Outlets, "outlet", "outlets"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
