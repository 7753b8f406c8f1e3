// Package cdp is a small client of the Chrome DevTools Protocol for the
// browser tests of the playground and the dashboard: it launches a
// headless Chromium, opens a tab, evaluates script, clicks, waits for a
// condition in the page, takes screenshots, and records the page's
// requests and errors. It talks to Chromium over the WebSocket of
// --remote-debugging-port, with the flat session mode of the Target
// domain. Only tests import it.
package cdp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// Find returns the Chromium to test with: $GRAPHD_CHROMIUM,
// /usr/bin/chromium or chromium on PATH; "" when there is none.
func Find() string {
	if p := os.Getenv("GRAPHD_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser is a headless Chromium under test.
type Browser struct {
	t    testing.TB
	cmd  *exec.Cmd
	conn *websocket.Conn

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan cdpMessage
	events  []cdpMessage // every event, in order
	closed  error        // why reading stopped
}

// cdpMessage is a reply to a call or an event.
type cdpMessage struct {
	ID        int64           `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

var devtoolsURL = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

// Launch starts Chromium with a fresh profile, on no network but
// what the page asks for, and connects to it. It is killed when the test
// ends.
func Launch(ctx context.Context, t testing.TB, bin string) *Browser {
	t.Helper()
	cmd := exec.Command(bin,
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-extensions",
		"--disable-dev-shm-usage",
		"--hide-scrollbars",
		"--mute-audio",
		"--user-data-dir="+t.TempDir(),
		"--remote-debugging-address=127.0.0.1",
		"--remote-debugging-port=0",
		"--remote-allow-origins=http://127.0.0.1",
		"--window-size=1280,800",
		"about:blank",
	)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	b := &Browser{t: t, cmd: cmd, pending: map[int64]chan cdpMessage{}}
	t.Cleanup(b.close)

	// Chromium prints the browser's WebSocket URL on stderr once it
	// listens; the rest of stderr goes to the test log.
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		var log []string
		for sc.Scan() {
			line := sc.Text()
			if m := devtoolsURL.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
				continue
			}
			if len(log) < 50 {
				log = append(log, line)
			}
		}
		if !sent {
			close(found)
			t.Logf("chromium stderr:\n%s", strings.Join(log, "\n"))
		}
		io.Copy(io.Discard, stderr)
	}()
	var wsURL string
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatalf("%s exited without listening for DevTools", bin)
		}
		wsURL = u
	case <-ctx.Done():
		t.Fatalf("waiting for %s to listen for DevTools: %v", bin, ctx.Err())
	}

	conn, err := websocket.Dial(wsURL, "", "http://127.0.0.1")
	if err != nil {
		t.Fatalf("connect to DevTools at %s: %v", wsURL, err)
	}
	conn.MaxPayloadBytes = 64 << 20
	b.conn = conn
	go b.read()
	return b
}

// read dispatches replies to their calls and records events.
func (b *Browser) read() {
	for {
		var m cdpMessage
		err := websocket.JSON.Receive(b.conn, &m)
		b.mu.Lock()
		if err != nil {
			b.closed = err
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		if m.ID != 0 {
			if ch := b.pending[m.ID]; ch != nil {
				ch <- m
				delete(b.pending, m.ID)
			}
		} else {
			b.events = append(b.events, m)
		}
		b.mu.Unlock()
	}
}

// call sends method with params to the session ("" for the browser) and
// decodes the result into result, if not nil.
func (b *Browser) call(ctx context.Context, session, method string, params, result any) error {
	b.mu.Lock()
	if b.closed != nil {
		b.mu.Unlock()
		return fmt.Errorf("%s: connection closed: %w", method, b.closed)
	}
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()

	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	if err := websocket.JSON.Send(b.conn, msg); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: connection closed", method)
		}
		if m.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, m.Error.Message, m.Error.Code)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// EventsOf returns the params of the events named method so far.
func (b *Browser) EventsOf(method string) []json.RawMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []json.RawMessage
	for _, e := range b.events {
		if e.Method == method {
			out = append(out, e.Params)
		}
	}
	return out
}

// close asks Chromium to quit and kills it if it does not.
func (b *Browser) close() {
	if b.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		b.call(ctx, "", "Browser.close", nil, nil)
		cancel()
		b.conn.Close()
	} else {
		b.cmd.Process.Kill()
	}
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
}

// Page is a tab of the browser, attached in flat mode.
type Page struct {
	b       *Browser
	session string
}

// NewPage opens a blank tab of width × height CSS pixels and enables the
// domains the tests watch.
func (b *Browser) NewPage(ctx context.Context, width, height int) (*Page, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	p := &Page{b: b, session: att.SessionID}
	for _, domain := range []string{"Page.enable", "Runtime.enable", "Network.enable", "Log.enable"} {
		if err := p.call(ctx, domain, nil, nil); err != nil {
			return nil, err
		}
	}
	err := p.call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false,
	}, nil)
	return p, err
}

func (p *Page) call(ctx context.Context, method string, params, result any) error {
	return p.b.call(ctx, p.session, method, params, result)
}

// Navigate loads url.
func (p *Page) Navigate(ctx context.Context, url string) error {
	var res struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.call(ctx, "Page.navigate", map[string]any{"url": url}, &res); err != nil {
		return err
	}
	if res.ErrorText != "" {
		return fmt.Errorf("Navigate to %s: %s", url, res.ErrorText)
	}
	return nil
}

// Eval evaluates a JavaScript expression, awaiting it if it is a
// promise, and decodes its value into out, if not nil.
func (p *Page) Eval(ctx context.Context, expr string, out any) error {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	err := p.call(ctx, "Runtime.evaluate", map[string]any{
		"expression":    expr,
		"awaitPromise":  true,
		"returnByValue": true,
	}, &res)
	if err != nil {
		return err
	}
	if e := res.ExceptionDetails; e != nil {
		msg := e.Exception.Description
		if msg == "" {
			msg = e.Text
		}
		return errors.New(msg)
	}
	if out != nil && len(res.Result.Value) > 0 {
		return json.Unmarshal(res.Result.Value, out)
	}
	return nil
}

// WaitFor polls the page until the JavaScript function body cond returns
// a truthy value, which it decodes into out. The page polls itself, every
// 50 ms, so the test does not sleep; it gives up at the context's
// deadline.
func (p *Page) WaitFor(ctx context.Context, what, cond string, out any) error {
	ms := int64(30_000)
	if d, ok := ctx.Deadline(); ok {
		ms = time.Until(d).Milliseconds()
	}
	expr := fmt.Sprintf(`new Promise((resolve, reject) => {
		const deadline = Date.now() + %d;
		const check = () => {
			let v;
			try { v = (() => { %s })(); } catch (e) { v = undefined; }
			if (v) { resolve(v); return; }
			if (Date.now() > deadline) { reject(new Error(%q)); return; }
			setTimeout(check, 50);
		};
		check();
	})`, ms, cond, "timed out waiting for "+what)
	return p.Eval(ctx, expr, out)
}

// Click clicks the middle of the element that selector finds, as a
// mouse would.
func (p *Page) Click(ctx context.Context, selector string) error {
	var box struct{ X, Y float64 }
	err := p.Eval(ctx, fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		if (!el) throw new Error('no element ' + %q);
		el.scrollIntoView({block: 'center'});
		const r = el.getBoundingClientRect();
		return {x: r.left + r.width / 2, y: r.top + r.height / 2};
	})()`, selector, selector), &box)
	if err != nil {
		return err
	}
	for _, typ := range []string{"mouseMoved", "mousePressed", "mouseReleased"} {
		ev := map[string]any{"type": typ, "x": box.X, "y": box.Y}
		if typ != "mouseMoved" {
			ev["button"] = "left"
			ev["clickCount"] = 1
		}
		if err := p.call(ctx, "Input.dispatchMouseEvent", ev, nil); err != nil {
			return err
		}
	}
	return nil
}

// Screenshot returns a PNG of the viewport.
func (p *Page) Screenshot(ctx context.Context) ([]byte, error) {
	var res struct {
		Data []byte `json:"data"` // base64 in JSON
	}
	err := p.call(ctx, "Page.captureScreenshot", map[string]any{"format": "png"}, &res)
	return res.Data, err
}

// SaveScreenshot writes a screenshot of p to GRAPHD_SCREENSHOT_DIR, or to
// a temporary directory, and logs where.
func SaveScreenshot(ctx context.Context, t testing.TB, p *Page, name string) {
	t.Helper()
	png, err := p.Screenshot(ctx)
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	dir := os.Getenv("GRAPHD_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// JSString quotes s as a JavaScript string literal.
func JSString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
