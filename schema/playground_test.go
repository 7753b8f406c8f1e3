package schema

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/graphd/graphd/ingest"
	"github.com/graphd/graphd/internal/cdp"
)

// TestPlaygroundInBrowser opens the playground in a headless Chromium,
// runs a query through GraphiQL and waits for its answer in the result
// pane. The page must load nothing from anywhere but the server, and
// raise no errors. It saves a screenshot to $GRAPHD_SCREENSHOT_DIR, or
// to the test's temporary directory.
func TestPlaygroundInBrowser(t *testing.T) {
	bin := cdp.Find()
	if bin == "" {
		t.Skip("no Chromium: install it (apt-get install chromium) or set GRAPHD_CHROMIUM to run the browser test")
	}
	st := openStore(t)
	seedStore(t, st)
	// A few articles through the ingest pipeline too, as graphd stores
	// them; what the extractor finds in them is not checked here.
	for _, a := range []ingest.Article{
		{URL: "https://example.com/2025/02/19/eu", Title: "EU ministers meet", Outlet: "Example Daily",
			Published: time.Date(2025, 2, 19, 0, 0, 0, 0, time.UTC),
			Text:      `"We need a common answer," said Kaja Kallas, the EU's foreign policy chief, at a press conference in Brussels.`},
		{URL: "https://example.com/2025/02/20/markets", Title: "Markets calm", Outlet: "Example Wire",
			Published: time.Date(2025, 2, 20, 0, 0, 0, 0, time.UTC),
			Text:      `Christine Lagarde told reporters that "inflation is coming down."`},
	} {
		if _, err := ingest.Store(t.Context(), st, a); err != nil {
			t.Fatalf("ingest %s: %v", a.URL, err)
		}
	}
	s, err := New(st, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.assets.index == nil {
		t.Skip("the playground is not built: run go generate ./schema")
	}
	srv := httptest.NewServer(s) // on 127.0.0.1, port 0
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	b := cdp.Launch(ctx, t, bin)
	p, err := b.NewPage(ctx, 1280, 800)
	if err != nil {
		t.Fatal(err)
	}
	shot := func(name string) {
		t.Helper()
		cdp.SaveScreenshot(ctx, t, p, name)
	}

	if err := p.Navigate(ctx, srv.URL+"/"); err != nil {
		t.Fatal(err)
	}
	// GraphiQL is up once its editors and run button are, and it has
	// loaded the schema (the docs explorer button is enabled by then).
	err = p.WaitFor(ctx, "GraphiQL to start", `
		const cm = document.querySelector('.graphiql-query-editor .CodeMirror');
		return cm && cm.CodeMirror && document.querySelector('.graphiql-execute-button') &&
			cm.CodeMirror.getValue().includes('quotes');`, nil)
	if err != nil {
		shot("playground-failed.png")
		t.Fatal(err)
	}

	const want = "We will not give up what is ours."
	q := `{
  quotes(speaker: "Lavrov") {
    totalCount
    edges {
      node {
        text
        speaker { name titles }
        venue { name kind }
        article { title outlet published }
      }
    }
  }
}`
	if err := p.Eval(ctx, `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(`+cdp.JSString(q)+`)`, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(ctx, ".graphiql-execute-button"); err != nil {
		t.Fatal(err)
	}
	var result string
	err = p.WaitFor(ctx, "the result", `
		const cm = document.querySelector('.graphiql-response .CodeMirror');
		const v = cm && cm.CodeMirror.getValue();
		return v && v.includes(`+cdp.JSString(want)+`) && v;`, &result)
	if err != nil {
		shot("playground-failed.png")
		t.Fatal(err)
	}
	var resp struct {
		Data struct {
			Quotes struct {
				TotalCount int
				Edges      []struct{ Node struct{ Text string } }
			}
		}
	}
	if err := json.Unmarshal([]byte(result), &resp); err != nil {
		t.Fatalf("result pane %q: %v", result, err)
	}
	if n := resp.Data.Quotes.TotalCount; n != 3 {
		t.Errorf("result pane shows %d quotes, want 3:\n%s", n, result)
	}
	// The result is on screen, not only in the editor's model.
	var shown bool
	if err := p.Eval(ctx, `document.querySelector('.graphiql-response').innerText.includes(`+cdp.JSString(want)+`)`, &shown); err != nil || !shown {
		t.Errorf("result pane does not show %q (%v)", want, err)
	}
	shot("playground.png")

	// A subscription runs over the WebSocket and shows what is stored
	// next.
	subscribed := make(chan struct{}, 1)
	s.broker.mu.Lock()
	s.broker.onAdd = func() { subscribed <- struct{}{} }
	s.broker.mu.Unlock()
	sub := "subscription {\n  quoteAdded {\n    text\n    speaker { name }\n  }\n}"
	if err := p.Eval(ctx, `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(`+cdp.JSString(sub)+`)`, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(ctx, ".graphiql-execute-button"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-subscribed:
	case <-ctx.Done():
		shot("playground-failed.png")
		t.Fatal("the playground's subscription did not start")
	}
	if _, err := ingest.Store(t.Context(), st, ingest.Article{URL: "https://example.com/live", Title: "Live",
		Text: `"We stand ready," said Ursula von der Leyen.`}); err != nil {
		t.Fatal(err)
	}
	err = p.WaitFor(ctx, "the subscription's result", `
		const cm = document.querySelector('.graphiql-response .CodeMirror');
		const v = cm && cm.CodeMirror.getValue();
		return v && v.includes('We stand ready') && v.includes('von der Leyen');`, nil)
	if err != nil {
		shot("playground-failed.png")
		t.Fatal(err)
	}
	shot("playground-subscription.png")

	// The documentation explorer shows the schema GraphiQL introspected.
	if err := p.Click(ctx, `[aria-label="Show Documentation Explorer"]`); err != nil {
		t.Fatal(err)
	}
	err = p.WaitFor(ctx, "the documentation explorer", `
		const d = document.querySelector('.graphiql-doc-explorer');
		return d && d.innerText.includes('Root Types') && d.innerText.includes('Mutation');`, nil)
	if err != nil {
		shot("playground-failed.png")
		t.Fatal(err)
	}
	shot("playground-docs.png")

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
	for _, raw := range b.EventsOf("Log.entryAdded") {
		var ev struct {
			Entry struct{ Level, Text, URL string }
		}
		json.Unmarshal(raw, &ev)
		if ev.Entry.Level == "error" {
			t.Errorf("page error: %s %s", ev.Entry.Text, ev.Entry.URL)
		}
	}
	for _, raw := range b.EventsOf("Runtime.consoleAPICalled") {
		var ev struct{ Type string }
		json.Unmarshal(raw, &ev)
		if ev.Type == "error" {
			t.Errorf("console error: %s", raw)
		}
	}
}
