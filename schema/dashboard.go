package schema

import (
	"bytes"
	"embed"
	"net/http"
	"time"
)

// The dashboard at /dashboard: counts, a timeline, the top speakers,
// venues and outlets of a date range, a live feed over the WebSocket
// subscription, search with filters, and a page per speaker. Like the
// playground it is bundled from npm by dashboard/build.sh (uPlot for the
// chart, graphql-ws for the subscription) and embedded; it loads nothing
// from anywhere else.

//go:embed all:dashboard/dist
var dashboardDist embed.FS

// dashboardCSP keeps the dashboard to its own origin; uPlot sets inline
// styles, and the live feed is a WebSocket to the same host.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *Schema) serveDashboard(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Referrer-Policy", "no-referrer")
	if s.dashboard.index == nil {
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(missingDashboard))
		return
	}
	h.Set("Content-Security-Policy", dashboardCSP)
	h.Set("ETag", s.dashboard.indexETag)
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(s.dashboard.index))
}

const missingDashboard = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>graphd: dashboard not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}code,pre{background:#f3f3f3;padding:.1em .3em}</style>
</head>
<body>
<h1>The dashboard is not built</h1>
<p>This graphd binary was built without the dashboard's assets. Build them (this needs Node.js and npm)
and rebuild graphd:</p>
<pre>go generate ./schema
go build ./cmd/graphd</pre>
</body>
</html>
`
