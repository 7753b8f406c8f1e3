package schema

import (
	"strings"
	"testing"
	"unicode/utf8"
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
