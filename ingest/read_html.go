package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlMetaDates are the meta tags (by property, name or itemprop, lower case)
// that give an article's publication date, in order of preference.
var htmlMetaDates = []string{
	"article:published_time",
	"og:published_time",
	"datepublished",
	"date",
	"pubdate",
	"publishdate",
	"dc.date",
	"dc.date.issued",
	"dcterms.date",
	"dcterms.created",
}

// htmlSkipped are the elements whose content is not article text.
var htmlSkipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Figcaption: true, atom.Iframe: true, atom.Object: true,
	atom.Svg: true, atom.Math: true, atom.Canvas: true, atom.Dialog: true,
	atom.Head: true, atom.Title: true,
}

// htmlBlocks are the elements that end the paragraph before them and start a
// new one.
var htmlBlocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Hr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Blockquote: true, atom.Pre: true, atom.Address: true,
	atom.Article: true, atom.Section: true, atom.Main: true, atom.Body: true,
	atom.Figure: true, atom.Details: true, atom.Summary: true,
	atom.Table: true, atom.Caption: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Form: true,
	atom.Figcaption: true,
}

// htmlPage is what readHTML gathers from a document in one pass.
type htmlPage struct {
	meta      map[string]string // first content of each meta property, name or itemprop
	title     string            // the <title>
	canonical string            // href of link rel=canonical
	ldjson    []string          // the application/ld+json scripts
	articles  []*html.Node
	main      *html.Node
	body      *html.Node
}

// readHTML reads a web page. Title comes from og:title or <title>; URL from
// og:url or the canonical link; Outlet from og:site_name; Published from
// the first date meta tag that parses, JSON-LD datePublished, or the first
// <time datetime> in the article. Text is the text of the <article> (the
// longest if there are several), else <main>, else <body>, without
// scripts, navigation, headers, footers, asides, forms and figure captions:
// one paragraph per block element, paragraphs separated by a blank line,
// white space collapsed. Dates that do not parse are ignored. It returns a
// *ReadError wrapping ErrTooLarge, ErrBinary or ErrNoText.
func readHTML(path string, data []byte) (Article, error) {
	data, err := prepareFile(path, data)
	if err != nil {
		return Article{}, err
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil { // only errors of the reader, which has none
		return Article{}, &ReadError{Path: path, Err: err}
	}
	p := scanPage(doc)
	a := Article{
		Path:   path,
		Title:  collapseSpace(firstNonBlank(p.meta["og:title"], p.title)),
		URL:    fixUTF8(strings.TrimSpace(firstNonBlank(p.meta["og:url"], p.canonical))),
		Outlet: collapseSpace(p.meta["og:site_name"]),
	}
	var root *html.Node
	if len(p.articles) > 0 {
		best := 0
		for _, n := range p.articles {
			if t := bodyText(n); len(t) > best {
				root, a.Text, best = n, t, len(t)
			}
		}
	}
	for _, n := range []*html.Node{p.main, p.body, doc} {
		if a.Text != "" {
			break
		}
		if n != nil {
			root, a.Text = n, bodyText(n)
		}
	}
	if a.Text == "" {
		return Article{}, &ReadError{Path: path, Err: ErrNoText}
	}
	a.Published = p.published(root)
	if a.Outlet == "" {
		a.Outlet = collapseSpace(jsonLDString(p.ldjson, "publisher"))
	}
	return a, nil
}

// scanPage walks the document once, gathering metadata and candidate roots.
func scanPage(doc *html.Node) *htmlPage {
	p := &htmlPage{meta: make(map[string]string)}
	walkNodes(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Meta:
			content := htmlAttr(n, "content")
			if content == "" {
				content = htmlAttr(n, "datetime")
			}
			for _, k := range []string{"property", "name", "itemprop"} {
				if key := strings.ToLower(strings.TrimSpace(htmlAttr(n, k))); key != "" {
					if _, ok := p.meta[key]; !ok && content != "" {
						p.meta[key] = content
					}
				}
			}
		case atom.Link:
			if p.canonical == "" && htmlHasToken(htmlAttr(n, "rel"), "canonical") {
				p.canonical = htmlAttr(n, "href")
			}
		case atom.Title:
			if p.title == "" && n.Namespace == "" {
				p.title = htmlText(n)
			}
		case atom.Script:
			if strings.EqualFold(strings.TrimSpace(htmlAttr(n, "type")), "application/ld+json") {
				p.ldjson = append(p.ldjson, htmlText(n))
			}
			return false
		case atom.Article:
			p.articles = append(p.articles, n)
		case atom.Main:
			if p.main == nil {
				p.main = n
			}
		case atom.Body:
			if p.body == nil {
				p.body = n
			}
		}
		// Microdata puts datePublished on <time> and other elements too.
		if n.DataAtom != atom.Meta && strings.EqualFold(htmlAttr(n, "itemprop"), "datePublished") {
			if v := firstNonBlank(htmlAttr(n, "datetime"), htmlAttr(n, "content")); v != "" {
				if _, ok := p.meta["datepublished"]; !ok {
					p.meta["datepublished"] = v
				}
			}
		}
		return true
	}, nil)
	return p
}

// published returns the publication date from the meta tags, JSON-LD or a
// <time> element under root, or the zero time.
func (p *htmlPage) published(root *html.Node) time.Time {
	for _, k := range htmlMetaDates {
		if v, ok := p.meta[k]; ok {
			if t, err := parseArticleDate(v); err == nil {
				return t
			}
		}
	}
	if v := jsonLDString(p.ldjson, "datePublished"); v != "" {
		if t, err := parseArticleDate(v); err == nil {
			return t
		}
	}
	var t time.Time
	if root != nil {
		walkNodes(root, func(n *html.Node) bool {
			if !t.IsZero() {
				return false
			}
			if n.Type == html.ElementNode && n.DataAtom == atom.Time {
				if d, err := parseArticleDate(htmlAttr(n, "datetime")); err == nil {
					t = d
				}
			}
			return true
		}, nil)
	}
	return t
}

// jsonLDString returns the first string value of key in the JSON-LD scripts,
// looking in top-level objects, arrays of them and their @graph. An object
// value yields its name. It returns "" when there is none.
func jsonLDString(scripts []string, key string) string {
	var find func(v any, depth int) string
	find = func(v any, depth int) string {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				if s := find(e, depth); s != "" {
					return s
				}
			}
		case map[string]any:
			switch x := v[key].(type) {
			case string:
				return x
			case map[string]any:
				if name, ok := x["name"].(string); ok {
					return name
				}
			}
			if depth == 0 {
				return find(v["@graph"], depth+1)
			}
		}
		return ""
	}
	for _, s := range scripts {
		var v any
		if json.Unmarshal([]byte(strings.TrimSpace(s)), &v) != nil {
			continue
		}
		if s := find(v, 0); s != "" {
			return s
		}
	}
	return ""
}

// bodyText returns the article text under root: paragraphs separated by
// "\n\n", white space collapsed within them.
func bodyText(root *html.Node) string {
	var (
		out   strings.Builder
		para  strings.Builder
		space bool // white space seen since the last word
	)
	flush := func() {
		if para.Len() > 0 {
			if out.Len() > 0 {
				out.WriteString("\n\n")
			}
			out.WriteString(para.String())
			para.Reset()
		}
		space = false
	}
	walkNodes(root, func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			for _, r := range fixUTF8(n.Data) {
				if unicode.IsSpace(r) {
					space = true
					continue
				}
				if space && para.Len() > 0 {
					para.WriteByte(' ')
				}
				space = false
				para.WriteRune(r)
			}
		case html.ElementNode:
			if htmlBlocks[n.DataAtom] {
				flush()
			}
			if htmlSkipped[n.DataAtom] || n.Namespace != "" || isHiddenNode(n) {
				return false
			}
		}
		return true
	}, func(n *html.Node) {
		if n.Type == html.ElementNode && htmlBlocks[n.DataAtom] {
			flush()
		}
	})
	flush()
	return out.String()
}

// isHiddenNode reports whether n is marked as not shown.
func isHiddenNode(n *html.Node) bool {
	for _, a := range n.Attr {
		switch {
		case a.Namespace != "":
		case a.Key == "hidden":
			return true
		case a.Key == "aria-hidden" && strings.EqualFold(strings.TrimSpace(a.Val), "true"):
			return true
		}
	}
	return false
}

// walkNodes visits root and the nodes under it in document order, calling enter
// on the way in and, if it is not nil, leave on the way out. It does not
// descend into a node when enter returns false. It uses no stack, so deep
// documents cannot exhaust it.
func walkNodes(root *html.Node, enter func(*html.Node) bool, leave func(*html.Node)) {
	n := root
	for {
		if enter(n) && n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		for {
			if leave != nil {
				leave(n)
			}
			if n == root {
				return
			}
			if n.NextSibling != nil {
				n = n.NextSibling
				break
			}
			n = n.Parent
		}
	}
}

// htmlText returns the text under n, as is.
func htmlText(n *html.Node) string {
	var b strings.Builder
	walkNodes(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return true
	}, nil)
	return b.String()
}

// htmlAttr returns the value of n's attribute key, or "".
func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// htmlHasToken reports whether the space-separated list s holds tok, ignoring
// case.
func htmlHasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// firstNonBlank returns the first of vs that is not blank.
func firstNonBlank(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
