package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// A cap on open connections (--max-connections). net/http has none, and
// x/net/netutil's LimitListener makes the connections over the cap wait
// in the kernel's backlog, which a client sees as a hang. Over the cap a
// connection is answered at once with a 503 that says why, and closed.

// refusalTimeout bounds the time spent answering a connection over the
// cap; maxRefusing bounds how many are answered at once (the rest are
// closed without an answer).
const (
	refusalTimeout = 2 * time.Second
	maxRefusing    = 64
)

type capListener struct {
	net.Listener
	max      int64
	logger   *slog.Logger
	open     atomic.Int64
	refused  prometheus.Counter
	refusing chan struct{}
	answer   []byte
}

// capConnections caps the connections ln hands out at max, and registers
// their metrics with reg.
func capConnections(ln net.Listener, max int, logger *slog.Logger, reg prometheus.Registerer) net.Listener {
	body := fmt.Sprintf(`{"errors":[{"message":"too many connections: the server holds its maximum of %d; try again later","extensions":{"code":"UNAVAILABLE"}}]}`, max)
	l := &capListener{
		Listener: ln,
		max:      int64(max),
		logger:   logger,
		refusing: make(chan struct{}, maxRefusing),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "graphd_connections_refused_total",
			Help: "Connections refused because --max-connections were open.",
		}),
		answer: fmt.Appendf(nil, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"+
			"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(body), body),
	}
	reg.MustRegister(l.refused, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "graphd_connections_open",
		Help: "Connections open, of the --max-connections allowed.",
	}, func() float64 { return float64(l.open.Load()) }))
	return l
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) <= l.max {
			return &cappedConn{Conn: c, l: l}, nil
		}
		l.open.Add(-1)
		l.refuse(c)
	}
}

// refuse answers c with a 503 and closes it, without holding up Accept.
func (l *capListener) refuse(c net.Conn) {
	l.refused.Inc()
	l.logger.Debug("connection refused: too many open", "remote", c.RemoteAddr().String(), "max", l.max)
	select {
	case l.refusing <- struct{}{}:
	default:
		c.Close()
		return
	}
	go func() {
		defer func() { <-l.refusing }()
		c.SetDeadline(time.Now().Add(refusalTimeout))
		// Read the request's head first: HTTP clients take an answer that
		// comes before their request for a stray one on an idle
		// connection.
		r := bufio.NewReaderSize(io.LimitReader(c, 64<<10), 4096)
		for {
			line, err := r.ReadSlice('\n')
			if err != nil || len(bytes.TrimSpace(line)) == 0 {
				break
			}
		}
		c.SetDeadline(time.Now().Add(refusalTimeout))
		c.Write(l.answer)
		// Close our side, then read what else the client sent until it
		// closes its own: closing with unread bytes would reset the
		// connection and could lose the answer.
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		io.Copy(io.Discard, r)
		c.Close()
	}()
}

// cappedConn gives its place back when closed, by net/http or, for a
// WebSocket, by the code that hijacked it.
type cappedConn struct {
	net.Conn
	l    *capListener
	once sync.Once
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Add(-1) })
	return err
}
