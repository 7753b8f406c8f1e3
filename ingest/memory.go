package ingest

import (
	"bufio"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// The Go garbage collector by default starts a cycle when the heap has
// grown by 100% over what the last one left live. An ingest allocates
// about a megabyte an article (extraction, the writer's records and keys,
// Badger's memtables) over a live heap of 100 to 300 MB, so at that
// setting it collects a few times a second and the collector takes about
// a tenth of the process's CPU. A long-running ingest (graphd ingest,
// serve, reindex, and worker's extraction) sets the collector with SetGC:
// a larger percent, so fewer cycles, and a soft memory limit, so that the
// heap still stays under a ceiling (the collector runs more often as it
// nears it).

// DefaultGCPercent is the collector's percent for a long-running ingest:
// a cycle when the heap has grown by four times what was left live.
const DefaultGCPercent = 400

// DefaultMemoryLimit is the soft memory limit of a long-running ingest
// (limitOf) on the machine's memory, or on the control group's limit when
// that is lower; 0 when neither can be read (then there is no limit).
func DefaultMemoryLimit() int64 {
	total := memTotal()
	if c := cgroupLimit(); c > 0 && (total == 0 || c < total) {
		total = c
	}
	return limitOf(total)
}

// limitOf is the soft memory limit for total bytes of memory: a quarter,
// or half below 4 GiB, where a quarter would be near the live heap of an
// ingest (100 to 300 MB) and keep the collector running.
func limitOf(total int64) int64 {
	if total < 4<<30 {
		return total / 2
	}
	return total / 4
}

// SetGC sets the collector's percent (as GOGC; 0 or less keeps the
// current setting, so that the collector is never turned off here) and
// its soft memory limit in bytes (as GOMEMLIMIT; 0 or less keeps the
// current one). It returns a function that restores what was set before.
func SetGC(percent int, limit int64) (restore func()) {
	oldPercent, oldLimit := -2, int64(-1)
	if percent > 0 {
		oldPercent = debug.SetGCPercent(percent)
	}
	if limit > 0 {
		oldLimit = debug.SetMemoryLimit(limit)
	}
	return func() {
		if oldPercent != -2 {
			debug.SetGCPercent(oldPercent)
		}
		if oldLimit >= 0 {
			debug.SetMemoryLimit(oldLimit)
		}
	}
}

// memTotal is the machine's memory in bytes from /proc/meminfo, or 0.
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// MemTotal:       24591236 kB
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			fs := strings.Fields(rest)
			if len(fs) == 2 && fs[1] == "kB" {
				if n, err := strconv.ParseInt(fs[0], 10, 64); err == nil && n > 0 && n < math.MaxInt64/1024 {
					return n * 1024
				}
			}
		}
	}
	return 0
}

// cgroupLimit is the memory limit of this process's control group (v2,
// or v1) in bytes, or 0 when there is none or it cannot be read.
func cgroupLimit() int64 {
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := strings.TrimSpace(string(b))
		if s == "max" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		// cgroup v1 says "no limit" with a number near the largest int64.
		if err != nil || n <= 0 || n >= math.MaxInt64/2 {
			return 0
		}
		return n
	}
	return 0
}
