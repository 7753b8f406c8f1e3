package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

func runHealth(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "health", "[--addr HOST:PORT] [--timeout D]",
		"Ask a running graphd whether it is ready (GET /readyz): exit status 0 if it answers that\n"+
			"it is, 1 if it is not or does not answer. A host of 0.0.0.0 or :: (every interface) is\n"+
			"asked on loopback. The Docker image's HEALTHCHECK runs it, having no curl.")
	addr := addrFlag(f)
	timeout := f.Duration("timeout", "GRAPHD_HEALTH_TIMEOUT", 5*time.Second, "how long to wait for the answer")
	if _, err := f.parse(e, args); err != nil {
		return err
	}
	target, err := dialAddr(*addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	url := "http://" + target + "/readyz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(e.stderr, "graphd health: %v\n", err)
		return errFailed
	}
	defer resp.Body.Close()
	var reply struct{ Status, Version string }
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	json.Unmarshal(body, &reply)
	if resp.StatusCode != http.StatusOK {
		status := reply.Status
		if status == "" {
			status = http.StatusText(resp.StatusCode)
		}
		fmt.Fprintf(e.stderr, "graphd health: %s: %d %s\n", url, resp.StatusCode, status)
		return errFailed
	}
	fmt.Fprintf(e.stdout, "graphd %s at %s is %s\n", reply.Version, target, reply.Status)
	return nil
}

// dialAddr is the address to reach a server listening on addr: every
// interface (0.0.0.0, ::, or no host) is reached on loopback.
func dialAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: not HOST:PORT", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port), nil
}
