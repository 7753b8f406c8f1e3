package polnear

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/ingest"
)

func spans(se ...int) []ingest.Span {
	var out []ingest.Span
	for i := 0; i+1 < len(se); i += 2 {
		out = append(out, ingest.Span{Start: se[i], End: se[i+1]})
	}
	return out
}

func TestReadAnn(t *testing.T) {
	tests := []struct {
		name, ann string
		want      []Attribution
	}{
		{
			name: "plain",
			ann: "T1\tSource 0 3\tAda\nT2\tCue 4 8\tsaid\nT3\tContent 9 14\tsomet\n" +
				"T4\tAttribution 4 8\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n",
			want: []Attribution{{ID: "E1", Source: spans(0, 3), Cue: spans(4, 8), Content: spans(9, 14)}},
		},
		{
			name: "discontinuous content, fragments in file order",
			ann: "T1\tContent 20 25;3 5;30 31\tabcde fg h\nT2\tCue 10 14\tsaid\nT3\tSource 6 8;15 16\tab c\n" +
				"T4\tAttribution 10 14\tsaid\nE1\tAttribution:T4 Source:T3 Cue:T2 Content:T1\n",
			want: []Attribution{{ID: "E1", Source: spans(6, 8, 15, 16), Cue: spans(10, 14), Content: spans(20, 25, 3, 5, 30, 31)}},
		},
		{
			name: "no source, event before its spans, empty event skipped",
			ann: "E1\tAttribution-no-source:T3 \nE2\tAttribution-no-source:T3 Cue:T2 Content:T1\n" +
				"T1\tContent 0 4\tabcd\nT2\tCue 5 7\tis\nT3\tAttribution-no-source 5 7\tis\n",
			want: []Attribution{{ID: "E2", Cue: spans(5, 7), Content: spans(0, 4)}},
		},
		{
			name: "covered text over lines that look like annotations",
			ann: "T1\tContent 0 36\tfirst\nE is for Everyone\nT2\tCue 1 2\tx\nT2\tCue 37 41\tsaid\n" +
				"T3\tAttribution 37 41\tsaid\nE1\tAttribution:T3 Content:T1 Cue:T2\n",
			want: []Attribution{{ID: "E1", Cue: spans(37, 41), Content: spans(0, 36)}},
		},
		{
			name: "fragments joined by a space, one holding an empty line",
			ann:  "T1\tContent 0 4;10 13\ta\n\nb cde\nT2\tCue 4 8\tsaid\nE1\tAttribution:T2 Content:T1 Cue:T2\n",
			want: []Attribution{{ID: "E1", Cue: spans(4, 8), Content: spans(0, 4, 10, 13)}},
		},
		{
			name: "code points, not bytes",
			ann:  "T1\tContent 0 4\t“ab”\nT2\tCue 5 9\tsaid\nE1\tAttribution:T2 Content:T1 Cue:T2\n",
			want: []Attribution{{ID: "E1", Cue: spans(5, 9), Content: spans(0, 4)}},
		},
		{
			name: "repeated roles, notes, other types, CRLF",
			ann: "T1\tContent 0 2\tab\r\nT2\tContent 5 6\tc\r\nT3\tCue 3 4\td\r\nT4\tDiscard 7 9\tef\r\n" +
				"#1\tAnnotatorNotes T1\twhy?\r\nE1\tAttribution-no-source:T3 Content:T1 Cue:T3 Content2:T2\r\nA1\tNegated E1\r\n",
			want: []Attribution{{ID: "E1", Cue: spans(3, 4), Content: spans(0, 2, 5, 6)}},
		},
		{name: "empty", ann: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadAnn(strings.NewReader(tt.ann))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadAnn (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadAnnErrors(t *testing.T) {
	const ok = "T1\tCue 0 4\tsaid\n"
	tests := []struct{ name, ann, line string }{
		{"no tab", ok + "T2 Cue 0 4 said\n", "line 2:"},
		{"no offsets", ok + "T2\tCue\tsaid\n", "line 2:"},
		{"offsets not numbers", ok + "T2\tCue a 4\tsaid\n", "line 2:"},
		{"end before start", ok + "T2\tCue 4 0\tsaid\n", "line 2:"},
		{"negative offset", ok + "T2\tCue -1 3\tsaid\n", "line 2:"},
		{"one number in a fragment", ok + "T2\tContent 0 4;9\tsaid\n", "line 2:"},
		{"covered text too long", ok + "T2\tCue 0 2\tsaid\n", "line 2:"},
		{"covered text runs off the end", ok + "T2\tContent 0 40\tsaid\nmore\n", "line 2:"},
		{"id defined twice", ok + "T1\tCue 0 4\tsaid\n", "line 2:"},
		{"argument without colon", ok + "E1\tAttribution:T1 Content\n", "line 2:"},
		{"unknown role", ok + "E1\tAttribution:T1 Speaker:T1\n", "line 2:"},
		{"undefined reference", ok + "E1\tAttribution:T1 Content:T7\n" + ok[:1] + "2\tCue 0 4\tsaid\n", "line 2:"},
		{"unknown annotation", ok + "\nX1\twhat\n", "line 3:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAnn(strings.NewReader(tt.ann))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if !strings.HasPrefix(err.Error(), tt.line) {
				t.Errorf("err = %q, want it to start %q", err, tt.line)
			}
		})
	}
}

func FuzzReadAnn(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "month", "attributions", "*.ann"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("T1\tContent 0 9223372036854775807;0 9223372036854775807\tx\n")
	f.Fuzz(func(t *testing.T, ann string) {
		ats, err := ReadAnn(strings.NewReader(ann))
		if err != nil {
			return
		}
		for _, a := range ats {
			if len(a.Content) == 0 {
				t.Fatalf("%s has no content", a.ID)
			}
			for _, s := range append(append(a.Source, a.Cue...), a.Content...) {
				if s.Start < 0 || s.End < s.Start {
					t.Fatalf("%s: bad span %v", a.ID, s)
				}
			}
		}
	})
}
