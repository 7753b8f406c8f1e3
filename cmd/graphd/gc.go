package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/graphd/graphd/ingest"
)

// gcFlags are the collector's settings of the commands that ingest for a
// long time (ingest, reindex, serve, worker): see ingest.SetGC.
type gcFlags struct {
	percent *int
	limit   *string
}

func addGCFlags(f *flags) *gcFlags {
	def := ingest.DefaultGCPercent
	if os.Getenv("GOGC") != "" {
		def = 0 // the runtime took GOGC
	}
	return &gcFlags{
		percent: f.Int("gc-percent", "GRAPHD_GC_PERCENT", def,
			"the Go collector's percent: a cycle when the heap has grown by this much of what the last left live (as GOGC, which sets it when this is not; 0 leaves the runtime's)"),
		limit: f.String("memory-limit", "GRAPHD_MEMORY_LIMIT", "",
			"soft limit of the process's memory, such as 4GiB (B, KiB, MiB, GiB, TiB), near which the collector runs more often (default GOMEMLIMIT when set, else a quarter of the machine's or the control group's memory, half below 4 GiB)"),
	}
}

// apply sets the collector, and returns what restores it.
func (g *gcFlags) apply() (restore func(), err error) {
	if *g.percent < 0 {
		return nil, fmt.Errorf("--gc-percent %d: not a percent (0 leaves the runtime's)", *g.percent)
	}
	var limit int64
	switch {
	case *g.limit != "":
		if limit, err = parseSize(*g.limit); err != nil || limit <= 0 {
			return nil, fmt.Errorf("--memory-limit %q: not a size such as 512MiB or 4GiB", *g.limit)
		}
	case os.Getenv("GOMEMLIMIT") == "":
		limit = ingest.DefaultMemoryLimit()
	}
	return ingest.SetGC(*g.percent, limit), nil
}

// parseSize reads a size as GOMEMLIMIT writes one: a number of bytes with
// an optional unit B, KiB, MiB, GiB or TiB.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(v), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, err
	}
	if n < 0 || n > (1<<63-1)/mult {
		return 0, fmt.Errorf("size out of range")
	}
	return n * mult, nil
}
