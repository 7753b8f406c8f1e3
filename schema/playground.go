package schema

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// dist holds the playground as built by playground/build.sh: index.html
// and its hashed assets. On a fresh clone it holds only .keep.
//
//go:embed all:playground/dist
var dist embed.FS

// playgroundCSP keeps the playground to its own origin: nothing can be
// loaded from elsewhere even if a dependency tried. GraphiQL's styles are
// injected inline and its fonts are data: URLs.
const playgroundCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// assets is the embedded playground.
type assets struct {
	index     []byte // nil when the bundle was not built
	indexETag string
	files     map[string]*asset // by name under /assets/
}

// asset is one bundled file, served gzipped to clients that take it.
type asset struct {
	name  string
	body  []byte
	ctype string
	once  sync.Once
	gz    []byte
}

// loadAssets reads a bundle built into dir of fsys: dir/index.html and
// the files of dir/assets.
func loadAssets(fsys embed.FS, dir string) *assets {
	a := &assets{files: map[string]*asset{}}
	index, err := fsys.ReadFile(dir + "/index.html")
	if err != nil {
		return a
	}
	sum := sha256.Sum256(index)
	a.index, a.indexETag = index, `"`+hex.EncodeToString(sum[:8])+`"`
	entries, _ := fs.ReadDir(fsys, dir+"/assets")
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fsys.ReadFile(dir + "/assets/" + e.Name())
		if err != nil {
			continue
		}
		ctype := mime.TypeByExtension(path.Ext(e.Name()))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.files[e.Name()] = &asset{name: e.Name(), body: body, ctype: ctype}
	}
	return a
}

// gzipped returns the asset compressed, compressing it on first use.
func (a *asset) gzipped() []byte {
	a.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.body)
		if zw.Close() == nil && buf.Len() < len(a.body) {
			a.gz = buf.Bytes()
		}
	})
	return a.gz
}

// servePlayground serves GraphiQL, or a page telling how to build it.
func (s *Schema) servePlayground(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Referrer-Policy", "no-referrer")
	if s.assets.index == nil {
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(missingPlayground))
		return
	}
	h.Set("Content-Security-Policy", playgroundCSP)
	h.Set("ETag", s.assets.indexETag)
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(s.assets.index))
}

// serveAsset serves a bundled script or stylesheet of the playground.
func (s *Schema) serveAsset(w http.ResponseWriter, r *http.Request) {
	s.assets.serveFile(w, r)
}

// serveFile serves a bundled script or stylesheet. Their names carry a
// hash of their content, so they may be cached for good.
func (as *assets) serveFile(w http.ResponseWriter, r *http.Request) {
	a := as.files[r.PathValue("name")]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Add("Vary", "Accept-Encoding")
	body, etag := a.body, `"`+a.name+`"`
	if acceptsGzip(r) {
		if gz := a.gzipped(); gz != nil {
			body, etag = gz, `"`+a.name+`.gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

const missingPlayground = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>graphd: playground not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}code,pre{background:#f3f3f3;padding:.1em .3em}</style>
</head>
<body>
<h1>The playground is not built</h1>
<p>This graphd binary was built without the GraphiQL playground's assets.
Build them (this needs Node.js and npm) and rebuild graphd:</p>
<pre>go generate ./schema
go build ./cmd/graphd</pre>
<p>The GraphQL endpoint works without them: POST a query to <a href="graphql">graphql</a>, for example</p>
<pre>curl -H 'Content-Type: application/json' -d '{"query":"{ counts { quotes } }"}' http://HOST/graphql</pre>
</body>
</html>
`
