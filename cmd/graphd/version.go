package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/graphd/graphd/schema"
)

// The version and commit, stamped at build time where the build has no
// VCS information of its own (the Docker image, a build without .git):
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=$(git rev-parse HEAD)" ./cmd/graphd
//
// Otherwise they come from the module's build information: the version
// `go install …@v1.2.3` records, or the pseudo-version and the revision
// `go build` stamps in a git checkout.
var (
	version = ""
	commit  = ""
)

// buildInfo is the version and commit of this binary.
func buildInfo() schema.Build {
	b := schema.Build{Version: version, Commit: commit}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
		if b.Commit == "" {
			modified := false
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					b.Commit = s.Value
				case "vcs.modified":
					modified = s.Value == "true"
				}
			}
			if b.Commit != "" && modified {
				b.Commit += "+dirty"
			}
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	return b
}

func runVersion(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "version", "", "Print graphd's version, its commit when known, and the Go version that built it.")
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	b := buildInfo()
	c := b.Commit
	if c == "" {
		c = "unknown"
	}
	fmt.Fprintf(e.stdout, "graphd %s (commit %s, %s)\n", b.Version, c, runtime.Version())
	return nil
}
