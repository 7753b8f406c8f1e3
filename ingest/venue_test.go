package ingest

import (
	"strings"
	"testing"
)

// TestVenues checks where the venue pass looks: inside the cue, at the
// object of "told", right after the cue, and before it in the sentence;
// and that a topic noun or a venue of the reported content is no venue.
func TestVenues(t *testing.T) {
	tests := []struct {
		name, text string
		venue      string // text of the venue span; "" for none
		kind       string
	}{
		{"fronted interview with an outlet", `In an interview on Monday with CNN, Senator Mara Holt said: “The bill is dead.”`, "an interview on Monday with CNN", "broadcast"},
		{"fronted statement", `In a statement, the mayor, Ana Ruiz, said: “We will rebuild the bridge.”`, "a statement", "statement"},
		{"after the cue, with a place", `“We will win this state,” Holt said at a rally in Dayton, Ohio.`, "a rally in Dayton, Ohio", "event"},
		{"after the cue and a time", `“Taxes will fall,” Holt said on Friday during the debate.`, "the debate", "event"},
		{"inside the cue", `Holt said in a statement that “the bill is dead.”`, "a statement", "statement"},
		{"show title", `“The bill is dead,” Holt said on KTV’s “Morning Talk.”`, "KTV’s “Morning Talk", "broadcast"},
		{"told reporters", `“The bill is dead,” Holt told reporters after the vote.`, "reporters", "audience"},
		{"told the writer", `“The bill is dead,” Holt told me on Tuesday.`, "me", "audience"},
		{"told an outlet", `“The bill is dead,” Holt told CNN.`, "CNN", "broadcast"},
		{"speaking to", `Holt, speaking to a group of farmers, said: “The bill is dead.”`, "a group of farmers", "audience"},
		{"tweeted", `Holt tweeted: “The bill is dead.”`, "tweeted", "social"},
		{"issued a statement", `Holt issued a statement calling the bill “dead on arrival.”`, "a statement", "statement"},
		{"via email", `“The bill is dead,” Holt said via email.`, "email", "statement"},
		{"a place", `“The bill is dead,” Holt said in Dayton.`, "Dayton", "place"},
		{"fronted after a conjunction", `The bridge opened. But in a statement, Holt said: “The bill is dead.”`, "a statement", "statement"},
		{"past an appositive", `“The bill is dead,” said Holt, the party’s leader, in a statement.`, "a statement", "statement"},
		{"a stance past its object", `Holt attacked the bill as “dead on arrival” during the debate on Friday.`, "the debate", "event"},
		{"a group asked", `Holt asked the crowd to “stand up for the bill.”`, "the crowd", "audience"},
		{"a flurry of tweets", `Holt unleashed a flurry of tweets saying that the bill was “dead.”`, "a flurry of tweets", "social"},
		{"the head is the last word", `The bill is dead, according to show insiders.`, "", ""},
		{"a topic is no venue", `“The bill is dead,” Holt said of the debate over taxes.`, "", ""},
		{"a time is no venue", `“The bill is dead,” Holt said on Monday.`, "", ""},
		{"a private addressee is none", `“The bill is dead,” Holt told him.`, "", ""},
		{"the content's venue is not the statement's", `Holt said that Ruiz “will speak at a rally in Dayton.”`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "Headline\n\n" + tt.text
			r := []rune(text)
			as := Extract(Article{Text: text})
			if len(as) == 0 {
				t.Fatalf("no attribution in %q", tt.text)
			}
			v := as[0].Venue
			got, kind := "", ""
			if v != nil {
				got, kind = string(r[v.Start:v.End]), v.Kind
			}
			if got != tt.venue || kind != tt.kind {
				t.Errorf("venue %q (%s), want %q (%s); %+v", got, kind, tt.venue, tt.kind, v)
			}
		})
	}
}

// TestVenueName checks the names the graph keeps for venues.
func TestVenueName(t *testing.T) {
	text := "Headline\n\n“The bill is dead,” Holt said in an interview with the Ridge Valley radio station.\n\n“It is over,” Ruiz said at a news conference in Dayton."
	var names []string
	for _, a := range Extract(Article{Text: text}) {
		if a.Venue != nil {
			names = append(names, a.Venue.Name+"/"+a.Venue.Kind)
		}
	}
	if got, want := strings.Join(names, ", "), "Ridge Valley/broadcast, news conference in Dayton/event"; got != want {
		t.Errorf("venue names %q, want %q", got, want)
	}
}
