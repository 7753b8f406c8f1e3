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
		// the cue is a participle or a second verb of the speaker's clause
		{"a participle takes the main verb's", `Holt spoke to a gathering of farm leaders, promising that “the rules will go.”`, "a gathering of farm leaders", "event"},
		{"a second verb takes the main verb's", `Holt then appeared on MSNBC on Tuesday and began by saying he would “never” vote for the bill.`, "MSNBC", "broadcast"},
		{"a participle right after the object", `Holt unleashed a series of tweets early Friday saying that Ruiz had lied.`, "a series of tweets", "social"},
		{"a participle after a comma", `“The bill is dead,” Holt said in a statement, adding that “it will not pass.”`, "a statement", "statement"},
		{"a pronoun goes on after but", `Holt told KTV that the tape was unclear, but he said it was “a start.”`, "KTV", "audience"},
		// past the object of a verb that names what it is about
		{"a call past its object", `Holt called the plan “a fraud” during a campaign stop.`, "a campaign stop", "event"},
		{"a note past its object", `Holt noted the rule in the interview last week.`, "the interview", "event"},
		{"a diatribe", `Holt denounced the plan in an on-air diatribe.`, "an on-air diatribe", "statement"},
		// the addressee of told
		{"a host named with her role", `Holt told co-host Kim Park that he “honestly” did not know.`, "co-host Kim Park", "audience"},
		{"a host's name is not a clause", `Holt told host Kim Park she was “wrong.”`, "host Kim Park", "audience"},
		{"the addressee ends at the told clause", `Holt told the forum he was “totally against the war.”`, "the forum", "event"},
		{"the addressee ends at never", `Holt told his staffers never to speak of the emails.`, "his staffers", "audience"},
		// titles and names
		{"a fronted show title", `On “Meet the Press,” Holt said: “The bill is dead.”`, "Meet the Press", "broadcast"},
		{"a scare-quoted word is no title", `Holt blamed the shootings on “sickos” and said so again.`, "", ""},
		{"a show named in title case", `Holt blasted Ruiz as a “disgrace” Wednesday on The Morning Hour Show.`, "The Morning Hour Show", "broadcast"},
		{"a headline is no show name", `Holt Blasts Bridge Plan As A ‘Disgrace’ At Ruiz’s Initial Briefing.`, "", ""},
		{"a participle before the head", `At a recent fundraising gig in Dayton, Holt called the plan “a fraud.”`, "a recent fundraising gig in Dayton", "event"},
		{"a clause after the head", `The bill is dead, according to a speech Holt delivered at the college.`, "a speech", "event"},
		{"an outlet inside the source", `“The bump is small,” wrote Kim Park for Morning Consult.`, "Morning Consult", "other"},
		{"a named room", `“The bill is dead,” Holt said in the Oval Office.`, "the Oval Office", "place"},
		// an outlet that is the source is not where it was said
		{"an outlet as the source", `The bridge will close in May, according to The Washington Post.`, "", ""},
		{"an outlet opening the source", `The bridge will close in May, according to a Washington Post survey of city engineers.`, "", ""},
		// the occasion a relative clause hangs on
		{"since the debate, when", `Ruiz has been in the news since Monday night’s debate, when Holt cited her remarks as “vile.”`, "night’s debate", "event"},
		// a participle after the cue
		{"a participle facing an audience", `“The bill is dead,” Holt said, looking out on the crowd.`, "the crowd", "audience"},
		{"a participle with its audience as object", `“The bill is dead,” Holt said, cutting off a reporter who asked about the vote.`, "a reporter", "audience"},
		{"a participle at an occasion", `“The bill is dead,” Holt said Friday, speaking at a rally in Dayton.`, "a rally in Dayton", "event"},
		{"a participle naming a topic", `“The bill is dead,” Holt said, referring to the voters.`, "", ""},
		// the occasion that places the source
		{"a possessive in the source", `“The bill is dead,” the ad’s narrator says.`, "ad", "broadcast"},
		{"a platform before the source's head", `“The bill is dead,” said one Twitter user.`, "Twitter", "social"},
		{"an occasion after the source's head", `“The bill is dead,” said a speaker at the rally.`, "the rally", "event"},
		{"an outlet the source works for", `“The bill is dead,” said a newspaper columnist.`, "", ""},
		{"those who organise an occasion", `“The bill is dead,” said the rally organizers.`, "", ""},
		// where a speaker was, on the way or at a named place
		{"a way along a street", `“Stop the trucks,” she yells while walking along the tree-lined street.`, "the tree-lined street", "place"},
		{"a way through the city after a long subject", `“We will not stop,” Kim Park, 25, said as she and hundreds of other marchers moved through the city early Sunday.`, "the city", "place"},
		{"a way between the source and the cue", `Marchers walking through the streets chanted “No more war.”`, "the streets", "place"},
		{"a named place visited", `Mayor Ana Holt, dedicating the Dayton Museum of Modern Art on Saturday, said it would tell the story of the city.`, "the Dayton Museum of Modern Art", "place"},
		{"an audience told as the speaker spoke", `“The bill is dead,” Holt said Friday as he told reporters about the plan.`, "reporters", "audience"},
		{"the addressee ends at what it was told about", `“The bill is dead,” Holt told reporters for ten minutes after the vote.`, "reporters", "audience"},
		{"an appearance, in which", `Critics seized upon Holt’s KTV appearance, in which he said he was “skeptical” of the plan.`, "Holt’s KTV appearance", "event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "Headline\n\n" + tt.text
			r := []rune(text)
			as := Extract(Article{Text: text})
			if len(as) == 0 {
				t.Fatalf("no attribution in %q", tt.text)
			}
			// the last attribution: a participle or a second cue follows
			// the one it goes on from
			v := as[len(as)-1].Venue
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
