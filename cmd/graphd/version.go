package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the module's build information.
var version = ""

func runVersion(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "version", "", "Print graphd's version, its commit when known, and the Go version.")
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	v, rev, goVersion := version, "", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	if rev != "" {
		v += " " + rev
	}
	fmt.Fprintf(e.stdout, "graphd %s (%s)\n", v, goVersion)
	return nil
}
