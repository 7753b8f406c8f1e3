package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/graphd/graphd/internal/cdp"
)

// The browser tests here drive the dashboard as the real binary serves
// it, in Debian's headless Chromium. They save their screenshots to
// $GRAPHD_SCREENSHOT_DIR, or to the test's temporary directory.

// dashboardPage opens s's dashboard in a new browser and waits until it
// has drawn; it skips the test without Chromium or the dashboard's build.
func dashboardPage(t *testing.T, ctx context.Context, s *server) *cdp.Page {
	t.Helper()
	bin := cdp.Find()
	if bin == "" {
		t.Skip("no Chromium: install it (apt-get install chromium) or set GRAPHD_CHROMIUM to run the browser tests")
	}
	base := strings.TrimSuffix(s.url, "graphql")
	resp, err := http.Get(base + "dashboard")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if bytes.Contains(body, []byte("The dashboard is not built")) {
		t.Skip("the dashboard is not built: run go generate ./schema")
	}
	b := cdp.Launch(ctx, t, bin)
	p, err := b.NewPage(ctx, 1440, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Navigate(ctx, base+"dashboard"); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, p, "the dashboard to load", `return document.body.dataset.ready === 'true' &&
		document.querySelector('#totals [data-stat="statements"]') && document.querySelector('#live-status.on')`)
	t.Cleanup(func() {
		for _, raw := range b.EventsOf("Runtime.exceptionThrown") {
			t.Errorf("uncaught exception in the page: %s", raw)
		}
		for _, raw := range b.EventsOf("Network.requestWillBeSent") {
			var ev struct{ Request struct{ URL string } }
			json.Unmarshal(raw, &ev)
			if u := ev.Request.URL; !strings.HasPrefix(u, base) && !strings.HasPrefix(u, "ws://"+strings.TrimPrefix(base, "http://")) && !strings.HasPrefix(u, "data:") {
				t.Errorf("the page requested %s", u)
			}
		}
	})
	return p
}

// waitPage waits for cond (a JavaScript function body) to hold in p,
// saving a screenshot and failing the test if it does not.
func waitPage(t *testing.T, ctx context.Context, p *cdp.Page, what, cond string) {
	t.Helper()
	if err := p.WaitFor(ctx, what, cond, nil); err != nil {
		cdp.SaveScreenshot(ctx, t, p, "dashboard-failed.png")
		var pageErr string
		p.Eval(ctx, `document.body.dataset.error || ''`, &pageErr)
		t.Fatalf("%v (page error: %q)", err, pageErr)
	}
}

// totals reads the dashboard's totals by their names.
func totals(t *testing.T, ctx context.Context, p *cdp.Page) map[string]int {
	t.Helper()
	var raw map[string]string
	err := p.Eval(ctx, `Object.fromEntries([...document.querySelectorAll('#totals [data-stat]')].map(
		(e) => [e.dataset.stat, e.querySelector('b').textContent + ' ' + e.querySelector('span').textContent]))`, &raw)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for k, v := range raw {
		var n int
		fmt.Sscan(strings.ReplaceAll(v, ",", ""), &n)
		out[k] = n
	}
	return out
}

// barPixels counts the pixels of the bars drawn in the timeline's canvas,
// and the leftmost column that has one, as a fraction of its width.
const barPixels = `(() => {
	const c = document.querySelector('#timeline canvas');
	if (!c) return {n: 0, left: 1};
	const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	let n = 0, left = c.width;
	for (let i = 0; i < d.length; i += 4) {
		if (d[i + 3] > 100 && d[i + 2] - d[i] > 60) { // the bars' blue
			n++;
			left = Math.min(left, (i / 4) % c.width);
		}
	}
	return {n, left: left / c.width};
})()`

// ingestLive stores an article through the ingestArticle mutation of the
// running server, as a newsroom's feeder would. Writes are the one
// request here that may need credentials: a write token goes on this
// request and nowhere else.
func ingestLive(t *testing.T, s *server, input map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($in: ArticleInput!) { ingestArticle(input: $in) { created quotes } }`,
		"variables": map[string]any{"in": input},
	})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			IngestArticle struct {
				Created bool
				Quotes  int
			}
		}
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("ingestArticle: %v %+v", err, r.Errors)
	}
	if !r.Data.IngestArticle.Created || r.Data.IngestArticle.Quotes == 0 {
		t.Fatalf("ingestArticle stored %+v", r.Data.IngestArticle)
	}
}

// TestDashboardDemo opens the demo's dashboard: its totals are the
// counts demo printed; the latest 30 days show the day of the dated
// sample as a bar at the right end of the chart; a store of one day is
// drawn over days, not years; and an article ingested while the page is
// open moves the totals.
func TestDashboardDemo(t *testing.T) {
	s, printed := startDemo(t, t.TempDir())
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	p := dashboardPage(t, ctx, s)

	// The totals say what demo said.
	got := totals(t, ctx, p)
	m := countsLine.FindStringSubmatch(storeLine(t, "demo", printed))
	if m == nil {
		t.Fatalf("demo printed %q", printed)
	}
	for i, k := range []string{"statements", "printings", "people", "names"} {
		if fmt.Sprint(got[k]) != m[i+1] {
			t.Errorf("the dashboard shows %d %s, demo said %s", got[k], k, m[i+1])
		}
	}
	// One sample article has no date: the dashboard says how many
	// statements are undated.
	if got["undated"] == 0 || got["undated"] >= got["statements"] {
		t.Errorf("undated statements shown: %d of %d", got["undated"], got["statements"])
	}
	var note string
	p.Eval(ctx, `document.getElementById('timeline-note').textContent`, &note)
	if !strings.Contains(note, fmt.Sprintf("%d undated", got["undated"])) {
		t.Errorf("the timeline's note %q does not tell of the %d undated statements", note, got["undated"])
	}

	// All the dated samples are of one day: the axis spans a week around
	// it, in days, not years.
	var axis struct{ From, To, Interval string }
	if err := p.Eval(ctx, `({...document.getElementById('timeline').dataset})`, &axis); err != nil {
		t.Fatal(err)
	}
	from, _ := time.Parse(time.DateOnly, axis.From)
	to, _ := time.Parse(time.DateOnly, axis.To)
	t.Logf("the time axis of all time: %+v", axis)
	if axis.Interval != "DAY" || to.Sub(from) > 7*24*time.Hour || axis.From > "2025-02-17" || axis.To < "2025-02-17" {
		t.Errorf("a store of one day (2025-02-17) is drawn on an axis of %+v", axis)
	}
	cdp.SaveScreenshot(ctx, t, p, "demo-all.png")

	// The latest 30 days end on the dated sample's day: its bar is the
	// last of the chart.
	if err := p.Click(ctx, `#ranges button[data-range="latest"]`); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, p, "the latest 30 days", `return document.querySelector('.range-label b')?.textContent === 'Latest 30 days' &&
		document.querySelector('#timeline canvas')`)
	var bars struct {
		N    int
		Left float64
	}
	if err := p.Eval(ctx, barPixels, &bars); err != nil {
		t.Fatal(err)
	}
	t.Logf("the latest 30 days: %d pixels of bars, the first at %.2f of the width", bars.N, bars.Left)
	if bars.N < 500 || bars.Left < 0.9 {
		t.Errorf("the latest 30 days draw %d pixels of bars from %.2f of the width; want the day's bar at the right end", bars.N, bars.Left)
	}
	if got := totals(t, ctx, p); got["statements"] == 0 || got["statements"] != got["direct"]+got["partial"]+got["indirect"] {
		t.Errorf("totals of the latest 30 days: %v", got)
	}
	cdp.SaveScreenshot(ctx, t, p, "demo-latest.png")

	// An article ingested now moves the totals, and the latest 30 days
	// move to its day.
	if err := p.Click(ctx, `#ranges button[data-range="all"]`); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, p, "all time again", `return document.querySelector('.range-label b')?.textContent === 'All time'`)
	before := totals(t, ctx, p)
	ingestLive(t, s, map[string]any{
		"url": "https://news.example/live", "title": "Live", "outlet": "Example Wire", "published": "2025-02-19",
		"text": "“We are ready for the next round,” Foreign Minister Ana Silva told reporters in Geneva. " +
			"“Nothing is agreed until everything is agreed,” she added.",
	})
	waitPage(t, ctx, p, "the totals to move", fmt.Sprintf(`const s = document.querySelector('#totals [data-stat="statements"] b');
		return s && Number(s.textContent.replace(/,/g, '')) > %d`, before["statements"]))
	after := totals(t, ctx, p)
	t.Logf("totals before the live ingest %v, after %v", before, after)
	if after["articles"] != before["articles"]+1 || after["printings"] <= before["printings"] || after["outlets"] != before["outlets"]+1 {
		t.Errorf("after one article more: %v, before %v", after, before)
	}
	if err := p.Click(ctx, `#ranges button[data-range="latest"]`); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, p, "the latest 30 days to end on the new day", `return document.querySelector('.range-label span')?.textContent.endsWith('2025-02-19')`)
	cdp.SaveScreenshot(ctx, t, p, "demo-live.png")
}

// TestDashboardPolNEAR ingests the PolNeAR dev month with the binary, as
// a user would (the texts carry no dates), and opens its dashboard: the
// counts of ingest, check and the dashboard agree, and the dashboard says
// the statements are undated instead of drawing an empty chart. Then the
// same month with the dates of its file names, drawn by day.
func TestDashboardPolNEAR(t *testing.T) {
	dir := os.Getenv("GRAPHD_POLNEAR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "polnear")
	}
	texts := filepath.Join(dir, "dev", "text")
	files, _ := filepath.Glob(filepath.Join(texts, "*.txt"))
	if len(files) == 0 {
		t.Skipf("no PolNeAR dev month at %s (set GRAPHD_POLNEAR)", texts)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	defer cancel()

	db := t.TempDir()
	out, errOut, code := runBinary(t, "ingest", "--db", db, texts)
	if code != 0 {
		t.Fatalf("ingest: status %d\n%s%s", code, out, errOut)
	}
	ingested := storeLine(t, "ingest", out)
	t.Logf("ingest: %s", strings.TrimSpace(out))
	if got := counts(t, db); got != "ok: "+ingested {
		t.Errorf("check says %q, ingest said %q", got, ingested)
	}
	s := startServer(t, db)
	if got := countsOf(t, s); got != ingested {
		t.Errorf("GraphQL counts say %q, ingest said %q", got, ingested)
	}
	p := dashboardPage(t, ctx, s)
	got := totals(t, ctx, p)
	m := countsLine.FindStringSubmatch(ingested)
	for i, k := range []string{"statements", "printings", "people", "names"} {
		if fmt.Sprint(got[k]) != m[i+1] {
			t.Errorf("the dashboard shows %d %s, ingest said %s", got[k], k, m[i+1])
		}
	}
	if got["undated"] != got["statements"] {
		t.Errorf("an undated corpus: %d undated of %d statements", got["undated"], got["statements"])
	}
	var empty string
	p.Eval(ctx, `document.querySelector('#timeline .empty')?.textContent || ''`, &empty)
	want := fmt.Sprintf("all %s statements are undated", fmtThousands(got["statements"]))
	if !strings.Contains(empty, want) {
		t.Errorf("the timeline says %q, want it to say %q", empty, want)
	}
	var canvas bool
	if p.Eval(ctx, `!!document.querySelector('#timeline canvas')`, &canvas); canvas {
		t.Error("an undated corpus draws a chart")
	}
	cdp.SaveScreenshot(ctx, t, p, "polnear-undated.png")
	s.stop(t)

	// The month with the dates and outlets its file names give.
	feed := filepath.Join(t.TempDir(), "dev.jsonl")
	var lines bytes.Buffer
	name := regexp.MustCompile(`^([a-z-]+)_(\d{4}-\d{2}-\d{2})_`)
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rec := map[string]any{"id": filepath.Base(f), "text": string(text)}
		if m := name.FindStringSubmatch(filepath.Base(f)); m != nil {
			rec["outlet"], rec["published"] = m[1], m[2]
		}
		line, _ := json.Marshal(rec)
		lines.Write(append(line, '\n'))
	}
	if err := os.WriteFile(feed, lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dated := t.TempDir()
	if out, errOut, code := runBinary(t, "ingest", "--db", dated, feed); code != 0 {
		t.Fatalf("ingest: status %d\n%s%s", code, out, errOut)
	}
	s = startServer(t, dated)
	p = dashboardPage(t, ctx, s)
	waitPage(t, ctx, p, "the chart", `return document.querySelector('#timeline canvas')`)
	var bars struct {
		N    int
		Left float64
	}
	if err := p.Eval(ctx, barPixels, &bars); err != nil {
		t.Fatal(err)
	}
	if bars.N < 500 {
		t.Errorf("the dated month draws %d pixels of bars", bars.N)
	}
	cdp.SaveScreenshot(ctx, t, p, "polnear-dated.png")
	if err := p.Click(ctx, `#ranges button[data-range="latest"]`); err != nil {
		t.Fatal(err)
	}
	waitPage(t, ctx, p, "the latest 30 days", `return document.querySelector('.range-label b')?.textContent === 'Latest 30 days' &&
		document.querySelector('#timeline canvas')`)
	cdp.SaveScreenshot(ctx, t, p, "polnear-latest.png")
}

// fmtThousands writes n with commas, as the dashboard does.
func fmtThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
