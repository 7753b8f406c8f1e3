package schema

import (
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coder/websocket"
)

func TestCheckBodyUTF8(t *testing.T) {
	tests := []struct {
		body    string
		graphql bool
		want    string // the start of the message; "" for no error
	}{
		{`{"query":"{ counts { articles } }"}`, false, ""},
		{`{"query":"mutation($in: ArticleInput!) { ingestArticle(input: $in) { created } }","variables":{"in":{"url":"u","text":"Head\nline ` + "\x93yes\x94" + `"}}}`, false,
			"variables.in.text: not valid UTF-8: byte 0x93 at line 2, column 6"},
		{`{"variables":{"list":["ok","b` + "\xe9" + `"]},"query":"q"}`, false, "variables.list[1]: not valid UTF-8: byte 0xE9 at column 2"},
		{`{"query":"mutation { ingestArticle(input: {text: \"` + "\xff" + `\"}) { created } }"}`, false, "query: not valid UTF-8: byte 0xFF at column 41"},
		{`{"qu` + "\xff" + `ery":1}`, false, "qu\uFFFDery: not valid UTF-8: byte 0xFF at column 3"},
		{"{ counts { articles } } \xc3", true, "query: not valid UTF-8: byte 0xC3 at column 25"},
		{"not json \x80", false, "request body: not valid UTF-8: byte 0x80 at column 10"},
	}
	for _, tt := range tests {
		err := checkBodyUTF8([]byte(tt.body), tt.graphql)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.body, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("%q: %v, want %q…", tt.body, err, tt.want)
		}
	}
}

func FuzzCheckBodyUTF8(f *testing.F) {
	f.Add([]byte(`{"query":"q","variables":{"a":["x","y\x93"]}}`), false)
	f.Add([]byte("{ q \xff }"), true)
	f.Add([]byte(`{"a":{"b":[1,{"c":"\x80"}]}}`), false)
	f.Fuzz(func(t *testing.T, body []byte, graphql bool) {
		err := checkBodyUTF8(body, graphql)
		if (err == nil) != utf8.Valid(body) {
			t.Fatalf("checkBodyUTF8(%q) = %v", body, err)
		}
		if err != nil && !strings.Contains(err.Error(), "not valid UTF-8: byte 0x") {
			t.Fatalf("checkBodyUTF8(%q) = %v", body, err)
		}
	})
}

// TestWebSocketRefusesBadUTF8 sends over WebSocket a mutation whose text
// is not UTF-8: it is refused as over HTTP, and nothing is stored.
func TestWebSocketRefusesBadUTF8(t *testing.T) {
	s := newSchema(t)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	var before, after struct{ Counts struct{ Articles int } }
	query(t, s, `{ counts { articles } }`, nil, &before)
	w := dialWS(t, srv)
	w.init()
	msg := `{"type":"subscribe","id":"1","payload":{"query":"mutation($t: String!) { ingestArticle(input: {url: \"https://news.example/ws\", text: $t}) { created } }","variables":{"t":"Headline\n` +
		"\x93We are ready,\x94" + ` Minister Ana Silva said."}}}`
	if err := w.c.Write(t.Context(), websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	m := w.read()
	if m.Type != "error" || m.ID != "1" || !strings.Contains(string(m.Payload), "variables.t: not valid UTF-8: byte 0x93 at line 2, column 1") {
		t.Errorf("reply %s %s", m.Type, m.Payload)
	}
	query(t, s, `{ counts { articles } }`, nil, &after)
	if after != before {
		t.Errorf("articles %d → %d", before.Counts.Articles, after.Counts.Articles)
	}
}
