package export_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/export"
	"github.com/graphd/graphd/graph"
	"github.com/graphd/graphd/graph/graphtest"
)

// typedStore holds a quotation of an organisation, one of a document's
// publisher and one of a speaker stored with no type, a person.
func typedStore(t *testing.T) *graph.Store {
	t.Helper()
	s := graphtest.Open(t)
	for i, sp := range []struct{ name, typ string }{
		{"Harbor Workers Union", graph.SpeakerOrganization},
		{"Dayton Ledger", graph.SpeakerDocument},
		{"Ana Silva", ""},
	} {
		text := sp.name + " said: \"Number " + string(rune('1'+i)) + " is the one.\""
		in := quoted(text, "Number "+string(rune('1'+i))+" is the one.", sp.name, "", "")
		in.Speaker.Type = sp.typ
		if _, err := s.PutArticle(t.Context(), graph.ArticleInput{URL: "https://types.test/" + sp.name, Text: text, Quotes: []graph.QuoteInput{in}}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestSpeakerTypesExported types each speaker in every format, and an
// import keeps the types.
func TestSpeakerTypesExported(t *testing.T) {
	s := typedStore(t)

	nq, _ := exportOf(t, s, export.NQuads, export.Options{})
	for _, want := range []string{
		`<https://schema.org/Organization>`, `<urn:graphd:speakerType> "organization"`,
		`<https://schema.org/CreativeWork>`, `<urn:graphd:speakerType> "document"`,
		`<https://schema.org/Person>`,
	} {
		if !bytes.Contains(nq, []byte(want)) {
			t.Errorf("N-Quads lack %s:\n%s", want, nq)
		}
	}
	if n := bytes.Count(nq, []byte("<https://schema.org/Person>")); n != 1 {
		t.Errorf("%d schema:Person, want 1: only Ana Silva is a person", n)
	}

	gm, _ := exportOf(t, s, export.GraphML, export.Options{})
	for _, want := range []string{`<key id="speakerType" for="node" attr.name="speakerType" attr.type="string"/>`,
		`<data key="speakerType">organization</data>`, `<data key="speakerType">document</data>`, `<data key="speakerType">person</data>`} {
		if !bytes.Contains(gm, []byte(want)) {
			t.Errorf("GraphML lacks %s", want)
		}
	}

	files := map[string]*bytes.Buffer{}
	if _, err := export.WriteCSV(t.Context(), s, func(name string) (io.Writer, error) {
		files[name] = &bytes.Buffer{}
		return files[name], nil
	}, export.Options{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(files["speakers.csv"]).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{}
	for _, r := range recs[1:] {
		labels[r[1]] = r[2] + " " + r[len(r)-1]
	}
	want := map[string]string{"Harbor Workers Union": "organization Speaker;Organization",
		"Dayton Ledger": "document Speaker;Document", "Ana Silva": "person Speaker;Person"}
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("speakers.csv types and labels (-want +got):\n%s", diff)
	}

	jl, _ := exportOf(t, s, export.JSONL, export.Options{})
	if !bytes.Contains(jl, []byte(`"type":"organization"`)) || !bytes.Contains(jl, []byte(`"type":"document"`)) {
		t.Errorf("JSON Lines lack the types:\n%s", jl)
	}
	dst := graphtest.Open(t)
	if _, err := export.Import(t.Context(), dst, bytes.NewReader(jl)); err != nil {
		t.Fatal(err)
	}
	for name, typ := range map[string]string{"Harbor Workers Union": graph.SpeakerOrganization, "Dayton Ledger": graph.SpeakerDocument, "Ana Silva": graph.SpeakerPerson} {
		sp, err := dst.SpeakerByName(t.Context(), name)
		if err != nil || sp.Type != typ {
			t.Errorf("imported %s: %+v %v, want type %s", name, sp, err, typ)
		}
	}
	again, _ := exportOf(t, dst, export.JSONL, export.Options{})
	if diff := cmp.Diff(string(jl), string(again)); diff != "" {
		t.Errorf("export after import differs (-first +again):\n%s", diff)
	}
	if bad := strings.Replace(string(jl), `"type":"organization"`, `"type":"animal"`, 1); bad != string(jl) {
		if _, err := export.Import(t.Context(), graphtest.Open(t), strings.NewReader(bad)); err == nil {
			t.Error("an unknown type was imported")
		}
	}
}
