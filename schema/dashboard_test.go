package schema

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/graphd/graphd"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/internal/cdp"
)

// polnearDir is where the PolNeAR corpus sits beside the repository;
// GRAPHD_POLNEAR overrides it.
func polnearDir() string {
	if d := os.Getenv("GRAPHD_POLNEAR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "polnear")
}

// polnearOutlets names the outlets of the PolNeAR file name prefixes.
var polnearOutlets = map[string]string{
	"breitbart": "Breitbart", "huff-post": "HuffPost", "nyt": "The New York Times", "politico": "Politico",
	"usa-today": "USA Today", "wash-post": "The Washington Post", "west-journal": "The Western Journal",
}

var polnearName = regexp.MustCompile(`^([a-z-]+)_(\d{4}-\d{2}-\d{2})_`)

// ingestRealTexts stores the sample articles and, when the corpus is
// there, the PolNeAR dev texts, with the outlet and date their file names
// give, through the extractor as graphd ingest would. It returns how
// many PolNeAR articles it stored.
func ingestRealTexts(t *testing.T, st *graph.Store) int {
	t.Helper()
	names, _ := fs.Glob(graphd.Samples, "testdata/seeds/*.txt")
	for _, name := range names {
		data, _ := fs.ReadFile(graphd.Samples, name)
		arts, err := ingest.ReadBytes(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range arts {
			if _, err := ingest.Store(t.Context(), st, a); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(polnearDir(), "dev", "text", "*.txt"))
	n := 0
	for _, path := range files {
		arts, err := ingest.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m := polnearName.FindStringSubmatch(filepath.Base(path))
		for _, a := range arts {
			if m != nil {
				a.Outlet = polnearOutlets[m[1]]
				a.Published, _ = time.Parse(time.DateOnly, m[2])
			}
			a.ID = "polnear:" + strings.TrimSuffix(filepath.Base(path), ".txt")
			if _, err := ingest.Store(t.Context(), st, a); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			n++
		}
	}
	return n
}

// TestDashboardInBrowser drives the dashboard in a headless Chromium over
// the sample articles and, when present, the PolNeAR dev texts: the
// overview with real counts, a quotation arriving on the live feed, a
// search with filters, and a speaker's page. It saves screenshots to
// $GRAPHD_SCREENSHOT_DIR, or the test's temporary directory.
func TestDashboardInBrowser(t *testing.T) {
	bin := cdp.Find()
	if bin == "" {
		t.Skip("no Chromium: install it (apt-get install chromium) or set GRAPHD_CHROMIUM to run the browser test")
	}
	st := openStore(t)
	polnear := ingestRealTexts(t, st)
	t.Logf("stored the samples and %d PolNeAR dev articles", polnear)
	s, err := New(st, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.dashboard.index == nil {
		t.Skip("the dashboard is not built: run go generate ./schema")
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	b := cdp.Launch(ctx, t, bin)
	p, err := b.NewPage(ctx, 1440, 1000)
	if err != nil {
		t.Fatal(err)
	}
	shot := func(name string) {
		t.Helper()
		cdp.SaveScreenshot(ctx, t, p, name)
	}
	wait := func(what, cond string, out any) {
		t.Helper()
		if err := p.WaitFor(ctx, what, cond, out); err != nil {
			shot("dashboard-failed.png")
			var dbg string
			p.Eval(ctx, `document.body.dataset.error || ''`, &dbg)
			t.Fatalf("%v (page error: %q)", err, dbg)
		}
	}
	texts := func(selector string) []string {
		t.Helper()
		var out []string
		if err := p.Eval(ctx, `[...document.querySelectorAll(`+cdp.JSString(selector)+`)].map(e => e.textContent.trim())`, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	if err := p.Navigate(ctx, srv.URL+"/dashboard"); err != nil {
		t.Fatal(err)
	}
	wait("the dashboard to load", `return document.body.dataset.ready === 'true' &&
		document.querySelectorAll('#top-speakers li a').length > 0 &&
		document.querySelector('#timeline canvas') && document.querySelectorAll('#feed li').length > 0 &&
		document.querySelector('#live-status.on')`, nil)

	// The range with most of the data: PolNeAR's autumn of 2016, or the
	// samples' February 2025.
	year := "2025"
	if polnear > 0 {
		year = "2016"
	}
	if err := p.Click(ctx, `#ranges button[data-range="`+year+`"]`); err != nil {
		t.Fatal(err)
	}
	wait("the range "+year, `return document.querySelector('.range-label b')?.textContent === `+cdp.JSString(year)+` &&
		document.querySelectorAll('#top-speakers li a').length > 0`, nil)
	speakers := texts("#top-speakers li .name")
	t.Logf("top speakers of %s: %v", year, speakers)
	want := "Lavrov"
	if polnear > 0 {
		want = "Trump"
	}
	if !strings.Contains(strings.Join(speakers, "|"), want) {
		t.Errorf("top speakers of %s lack %s: %v", year, want, speakers)
	}
	var total string
	p.Eval(ctx, `document.querySelector('#totals b').textContent`, &total)
	if total == "" || total == "0" {
		t.Errorf("total quotations shown: %q", total)
	}
	shot("dashboard.png")

	// A quotation stored now reaches the live feed through the
	// subscription.
	text := "“We are ready for the next round,” Foreign Minister Ana Silva told reporters in Geneva."
	if _, err := ingest.Store(t.Context(), st, ingest.Article{URL: "https://news.example/live", Title: "Live", Outlet: "Example Wire",
		Published: time.Date(2025, 2, 19, 0, 0, 0, 0, time.UTC), Text: text}); err != nil {
		t.Fatal(err)
	}
	wait("the live quotation", `const li = document.querySelector('#feed li');
		return li && li.classList.contains('new') && li.textContent.includes('Ana Silva')`, nil)
	shot("dashboard-live.png")

	// Search with a filter.
	search := "peace"
	if polnear > 0 {
		search = "president"
	}
	err = p.Eval(ctx, `(() => {
		document.getElementById('q').value = `+cdp.JSString(search)+`;
		document.querySelector('input[name="kind"][value="indirect"]').checked = false;
		document.getElementById('search-form').dispatchEvent(new Event('input', {bubbles: true}));
	})()`, nil)
	if err != nil {
		t.Fatal(err)
	}
	wait("search results", `return document.querySelectorAll('#results li mark').length > 0 &&
		/match/.test(document.getElementById('search-summary').textContent)`, nil)
	if err := p.Eval(ctx, `document.getElementById('search').scrollIntoView()`, nil); err != nil {
		t.Fatal(err)
	}
	for _, kind := range texts("#results li .badge.indirect") {
		t.Errorf("an indirect quotation (%s) passed the kind filter", kind)
	}
	var summary string
	p.Eval(ctx, `document.getElementById('search-summary').textContent`, &summary)
	t.Logf("search %q: %s", search, summary)
	shot("dashboard-search.png")

	// Stances alone: each result is marked a stance.
	err = p.Eval(ctx, `(() => {
		document.getElementById('search-summary').textContent = '';
		document.querySelector('input[name="cueKind"][value="speech"]').checked = false;
		document.getElementById('search-form').dispatchEvent(new Event('input', {bubbles: true}));
	})()`, nil)
	if err != nil {
		t.Fatal(err)
	}
	wait("stances", `return /match/.test(document.getElementById('search-summary').textContent)`, nil)
	results, stances := len(texts("#results li")), len(texts("#results li .badge.stance"))
	if results != stances || polnear > 0 && stances == 0 {
		t.Errorf("stances alone: %d results, %d marked a stance", results, stances)
	}
	p.Eval(ctx, `document.getElementById('search-summary').textContent`, &summary)
	t.Logf("stances of %q: %s", search, summary)
	shot("dashboard-stances.png")

	// A speaker's page from the top speakers.
	if err := p.Eval(ctx, `window.scrollTo(0, 0)`, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(ctx, `#top-speakers li a`); err != nil {
		t.Fatal(err)
	}
	wait("the speaker page", `const pg = document.getElementById('speaker-page');
		return !pg.hidden && document.getElementById('overview').offsetParent === null && pg.querySelector('h1') &&
			pg.querySelectorAll('.said li').length > 0 && pg.querySelector('canvas')`, nil)
	var name string
	p.Eval(ctx, `document.querySelector('#speaker-page h1').textContent`, &name)
	// The page shows the person: the canonical speaker the top name was
	// merged into, under its fullest name.
	top, err := st.SpeakerByName(ctx, speakers[0])
	if err != nil {
		t.Fatal(err)
	}
	if name != top.Name {
		t.Errorf("speaker page of %q, want %q (printed as %q)", name, top.Name, speakers[0])
	}
	// The most quoted speaker printed under other names too. The corpus
	// has few (merging is another matter); as an editor would, record
	// that "D. Trump" (or the like) names the top speaker.
	bs, err := st.QuotesBy(ctx, graph.BySpeaker, time.Time{}, time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if words := strings.Fields(bs[0].Label); len(words) > 1 {
		alias := words[0][:1] + ". " + strings.Join(words[1:], " ")
		if _, err := st.AddSpeakerAlias(ctx, bs[0].ID, alias); err != nil {
			t.Logf("alias %q: %v", alias, err)
		}
	}
	for _, bk := range bs {
		sp, err := st.Speaker(ctx, bk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sp.Aliases) == 0 {
			continue
		}
		t.Logf("speaker page of %s, also printed as %v", sp.Name, sp.Aliases)
		if err := p.Eval(ctx, `location.hash = '#/'; location.hash = '#/speaker/`+encodeID(typeSpeaker, sp.ID)+`'`, nil); err != nil {
			t.Fatal(err)
		}
		wait("the page of "+sp.Name, `const pg = document.getElementById('speaker-page');
			return pg.querySelector('h1')?.textContent === `+cdp.JSString(sp.Name)+` && pg.querySelector('.chip.alias') &&
				pg.querySelector('.venues') && pg.querySelector('canvas')`, nil)
		break
	}
	shot("dashboard-speaker.png")

	// Nothing but the server was asked for anything, and nothing failed.
	for _, raw := range b.EventsOf("Network.requestWillBeSent") {
		var ev struct{ Request struct{ URL string } }
		json.Unmarshal(raw, &ev)
		u := ev.Request.URL
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
	for _, raw := range b.EventsOf("Runtime.exceptionThrown") {
		t.Errorf("uncaught exception in the page: %s", raw)
	}
	for _, raw := range b.EventsOf("Runtime.consoleAPICalled") {
		var ev struct{ Type string }
		json.Unmarshal(raw, &ev)
		if ev.Type == "error" || ev.Type == "warning" {
			t.Errorf("console %s: %s", ev.Type, raw)
		}
	}
}
