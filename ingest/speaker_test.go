package ingest

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/graphd/graphd/graph"
)

// source names a source in a test text: the n-th (from 1) occurrence of
// text, as "she#2"; "she" is the first.
func sourceSpan(t *testing.T, doc, src string) *Mention {
	t.Helper()
	n := 1
	if i := strings.LastIndex(src, "#"); i > 0 {
		var err error
		if n, err = strconv.Atoi(src[i+1:]); err != nil {
			t.Fatalf("bad source %q", src)
		}
		src = src[:i]
	}
	from := 0
	for {
		i := strings.Index(doc[from:], src)
		if i < 0 {
			t.Fatalf("source %q not found %d times", src, n)
		}
		at := from + i
		// whole words only
		before, _ := utf8.DecodeLastRuneInString(doc[:at])
		after, _ := utf8.DecodeRuneInString(doc[at+len(src):])
		whole := (at == 0 || !isWordRune(before)) && (at+len(src) == len(doc) || !isWordRune(after))
		if whole {
			n--
			if n == 0 {
				s := utf8.RuneCountInString(doc[:at])
				return &Mention{Text: src, Start: s, End: s + utf8.RuneCountInString(src)}
			}
		}
		from = at + len(src)
	}
}

// resolved is what speaker resolution made of one source.
type resolved struct{ Speaker, Type string }

// resolveSources runs the speaker passes alone over doc, with the given
// sources as the attributions' sources, and returns what each resolved
// to. A source "police|said" has the cue "said", the first after it.
func resolveSources(t *testing.T, lex *Lexicon, doc string, sources []string) []resolved {
	t.Helper()
	d := newDoc(doc)
	for _, s := range sources {
		src, cue, ok := strings.Cut(s, "|")
		a := &attr{src: sourceSpan(t, doc, src), person: -1}
		if ok {
			from := len(string([]rune(doc)[:a.src.End]))
			k := strings.Index(doc[from:], cue)
			if k < 0 {
				t.Fatalf("cue %q not found after %q", cue, src)
			}
			at := utf8.RuneCountInString(doc[:from+k])
			a.cue = &Mention{Text: cue, Start: at, End: at + utf8.RuneCountInString(cue)}
		}
		d.atts = append(d.atts, a)
	}
	d.resolveSpeakers(lex)
	out := make([]resolved, len(d.atts))
	for i, a := range d.atts {
		out[i] = resolved{a.speaker, a.stype}
	}
	return out
}

const (
	tPerson   = graph.SpeakerPerson
	tOrg      = graph.SpeakerOrganization
	tGroup    = graph.SpeakerGroup
	tDocument = graph.SpeakerDocument
	tNobody   = graph.SpeakerGeneric
)

// speakerCases are invented articles, each with its sources and who they
// are. They hold without WordNet, but those marked.
var speakerCases = []struct {
	name, doc string
	want      map[string]resolved
	wordnet   bool // needs WordNet
}{
	{
		name: "titles go, pronouns follow",
		doc: "Senator backs the port deal\n" +
			"Senator Maria Vance said on Tuesday that the port deal would create jobs. " +
			"“It is a good deal for the state,” she told reporters.\n" +
			"Vance later said the vote would come soon.\n",
		want: map[string]resolved{
			"Senator Maria Vance": {"Maria Vance", tPerson},
			"she":                 {"Maria Vance", tPerson},
			"Vance#2":             {"Maria Vance", tPerson},
		},
	},
	{
		name: "one surname, two people",
		doc: "Two on the trail\n" +
			"Former governor Paul Green and his wife, Ruth Green, campaigned in Dayton on Friday. " +
			"“We are here for the long haul,” Mrs. Green said.\n" +
			"Mr. Green told the crowd that the race was close. He said the polls would tighten.\n" +
			"Later, Ms. Green said she was tired. “It is late,” she said.\n",
		want: map[string]resolved{
			"Mrs. Green": {"Ruth Green", tPerson},
			"Mr. Green":  {"Paul Green", tPerson},
			"He":         {"Paul Green", tPerson},
			"Ms. Green":  {"Ruth Green", tPerson},
			"she#2":      {"Ruth Green", tPerson},
		},
	},
	{
		name: "one surname, and a gender known of one of them only",
		doc: "Vote systems attacked\n" +
			"Libertarian candidate Gary Holt spoke in Ohio on Monday. The crowd was small. " +
			"Tickets were free, and the hall was cold. Few stayed to the end.\n" +
			"Homeland Security Secretary Oyel Holt says hackers are targeting state election offices. " +
			"Holt tells reporters that one attack succeeded. Holt did not name the state in his remarks.\n" +
			"Holt said local officials should ask for help.\n",
		want: map[string]resolved{
			"Holt#3": {"Oyel Holt", tPerson},
			"Holt#4": {"Oyel Holt", tPerson},
		},
	},
	{
		name: "a surname alone is not the one introduced as a relative",
		doc: "Leave plan unclear\n" +
			"Maria Vance's new plan for paid leave is vague about who would qualify, experts say.\n" +
			"Tess Vance, the senator's eldest daughter, said the plan would help mothers. She called it a start.\n" +
			"The Vance campaign has addressed the plight of single mothers before. " +
			"Critics said the wording of Vance's plan was thin. Vance said the plan would pass.\n",
		want: map[string]resolved{
			"Tess Vance, the senator's eldest daughter": {"Tess Vance", tPerson},
			"The Vance campaign":                        {"Maria Vance's campaign", tOrg},
			"Vance#5":                                   {"Maria Vance", tPerson},
		},
	},
	{
		name: "a surname alone is the one introduced first",
		doc: "Old rivals make up\n" +
			"Sen. Paul Reed endorsed Mayor Dan Wu on Friday, ending a feud of a year. Reed said he had prayed on it.\n" +
			"During the race Wu mocked the senator's family. Anna Reed, a doctor, said nothing then.\n" +
			"“I do not forgive easily,” Reed said in July.\n",
		want: map[string]resolved{
			"Reed#4": {"Paul Reed", tPerson},
		},
	},
	{
		name: "a gendered pronoun passes over the last speaker",
		doc: "Budget talks\n" +
			"Nancy Albright, the treasurer, opened the meeting. Mayor Tom Becker said the budget was short. " +
			"“We will find the money,” she said.\n",
		want: map[string]resolved{
			"Mayor Tom Becker": {"Tom Becker", tPerson},
			"she":              {"Nancy Albright", tPerson},
		},
	},
	{
		name: "a source cut inside a name",
		doc: "Envoy warns on trade\n" +
			"Special Envoy for Trade and Industry Policy Anna Berg last week warned the council against " +
			"“any deal behind” the backs of the ports.\n",
		want: map[string]resolved{
			"Special Envoy for Trade and Industry": {"Anna Berg", tPerson},
		},
	},
	{
		name: "relative pronouns",
		doc: "Harbor plan\n" +
			"The plan was drafted by Ed Park, the port director, who said it would take two years. " +
			"It was criticized by the Committee for a Fair Budget, which said it cost too much. " +
			"Residents, who said they were not asked, protested.\n",
		want: map[string]resolved{
			"who":   {"Ed Park", tPerson},
			"which": {"Committee for a Fair Budget", tOrg},
			"who#2": {"", tNobody},
		},
	},
	{
		name: "a source that runs into the relative clause",
		doc: "Museum opens\n" +
			"The crowd of dignitaries held, among others, Ed Park, who signed the bill authorizing the museum. " +
			"The mayor thanked the donors and Ann Lee, who in 2010 said it would never open.\n",
		want: map[string]resolved{
			"who signed the bill": {"Ed Park", tPerson},
			"who in 2010":         {"Ann Lee", tPerson},
		},
	},
	{
		name: "a role in apposition before the name",
		doc: "The port deal\n" +
			"The harbor board voted on Monday. An attorney for the board, Nina Brandt, said it would appeal. " +
			"The board's attorney said the vote was final.\n",
		want: map[string]resolved{
			"The board's attorney": {"Nina Brandt", tPerson},
		},
	},
	{
		name: "a campaign's ad",
		doc: "The port race\n" +
			"Jane Roe and Tom Lee are running for mayor. A new ad from Jane Roe's reelection campaign says Lee sold the port. " +
			"The ad then shows the empty docks.\n",
		want: map[string]resolved{
			"A new ad from Jane Roe's reelection campaign": {"Jane Roe's campaign", tDocument},
			"The ad": {"Jane Roe's campaign", tDocument},
		},
	},
	{
		name: "a name in apposition after the source",
		doc: "The port deal\n" +
			"Critics of the deal met on Monday. Another critic, Jane Roe, called it theft.\n",
		want: map[string]resolved{
			"Another critic": {"Jane Roe", tPerson},
		},
	},
	{
		name: "an initial that is also a word",
		doc: "The port deal\n" +
			"“We are rooted here,” said Julie A. Diaz Moreno, a teacher.\n",
		want: map[string]resolved{
			"Julie A. Diaz Moreno": {"Julie A. Diaz Moreno", tPerson},
		},
	},
	{
		name: "a justice is a judge",
		doc: "The port deal\n" +
			"A state judge has blocked the port deal. State Supreme Court Justice Omar Haddad blocked it on Friday.\n",
		want: map[string]resolved{
			"A state judge": {"Omar Haddad", tPerson},
		},
	},
	{
		name: "a former minister is not the minister",
		doc: "The port deal\n" +
			"The minister of trade, Mr. Lars Berg, argues the deal is fair. " +
			"Jon Moe, a former trade minister who is a critic of Mr. Berg, said: “It is not.” " +
			"A former trade minister said it was not fair.\n",
		want: map[string]resolved{
			"A former trade minister": {"", tNobody},
		},
	},
	{
		name: "appositives and role nouns",
		doc: "The governor and the port\n" +
			"Lena Ortiz, a spokeswoman for the governor, said the governor would sign it. " +
			"The spokeswoman added that the deal was a priority.\n" +
			"Her husband, Tom Ortiz, said the family was proud.\n" +
			"Dan Wu, a shipping executive who owns the yard, said it was fair.\n",
		want: map[string]resolved{
			"Lena Ortiz, a spokeswoman for the governor": {"Lena Ortiz", tPerson},
			"The spokeswoman":              {"Lena Ortiz", tPerson},
			"Her husband, Tom Ortiz":       {"Tom Ortiz", tPerson},
			"Dan Wu, a shipping executive": {"Dan Wu", tPerson},
		},
	},
	{
		name: "no one in particular",
		doc: "Deal rushed, critics say\n" +
			"Critics said the deal was rushed. A source said talks went on all night. " +
			"Experts said the costs were unclear. Officials at the agency said nothing. " +
			"Many Republicans said they would vote no.\n",
		want: map[string]resolved{
			"Critics":                 {"", tNobody},
			"A source":                {"", tNobody},
			"Experts":                 {"", tNobody},
			"Officials at the agency": {"", tNobody},
			"Many Republicans":        {"", tNobody},
		},
	},
	{
		name: "organisations keep their whole name",
		doc: "Watchdog faults the plan\n" +
			"The Committee for a Responsible Port Budget said the plan would cost $2 billion. " +
			"The committee said the state would borrow. " +
			"The Harbor Workers Union said in a statement that it opposed the plan.\n" +
			"The Riverton Daily Post reported the vote. The Post said the count was close.\n",
		want: map[string]resolved{
			"The Committee for a Responsible Port Budget": {"Committee for a Responsible Port Budget", tOrg},
			"The committee":            {"Committee for a Responsible Port Budget", tOrg},
			"The Harbor Workers Union": {"Harbor Workers Union", tOrg},
			"The Riverton Daily Post":  {"Riverton Daily Post", tOrg},
			"The Post":                 {"Riverton Daily Post", tOrg},
		},
	},
	{
		name: "a campaign is not its candidate",
		doc: "Vance camp responds\n" +
			"Maria Vance won the primary. The Vance campaign said it welcomed the result. " +
			"Vance's campaign later said the fight would go on. The campaign said it raised $3 million.\n",
		want: map[string]resolved{
			"The Vance campaign": {"Maria Vance's campaign", tOrg},
			"Vance's campaign":   {"Maria Vance's campaign", tOrg},
			"The campaign":       {"Maria Vance's campaign", tOrg},
		},
	},
	{
		name: "documents speak for their publishers",
		doc: "Race tied, poll finds\n" +
			"A new poll by the Dayton Ledger found that the race was tied. " +
			"The poll showed women moving to the challenger. " +
			"An Orland Tribune survey found the opposite. Polls have been wrong before, analysts said.\n",
		want: map[string]resolved{
			"A new poll by the Dayton Ledger": {"Dayton Ledger", tDocument},
			"The poll":                        {"Dayton Ledger", tDocument},
			"An Orland Tribune survey":        {"Orland Tribune", tDocument},
			"Polls":                           {"", tNobody},
		},
	},
	{
		name: "a pronoun after a person its own sentence named",
		doc: "Mayor under fire\n" +
			"Ruth Green said the hearing on Monday was long. " +
			"Mayor Tom Becker criticized Ms. Dana Ortiz after she said the budget was a sham.\n",
		want: map[string]resolved{
			"Ruth Green": {"Ruth Green", tPerson},
			"she":        {"Dana Ortiz", tPerson},
		},
	},
	{
		name: "a document goes on speaking",
		doc: "Audit faults the port\n" +
			"Governor Ann Lee ordered an audit of the port last year. " +
			"A report by the Harbor Commission found that fees were too high. " +
			"It said the port had lost money for a decade.\n",
		want: map[string]resolved{
			"A report by the Harbor Commission": {"Harbor Commission", tDocument},
			"It":                                {"Harbor Commission", tDocument},
		},
	},
	{
		name: "they: someone's documents",
		doc: "Returns released\n" +
			"Senator Ann Lee released her tax returns on Friday. " +
			"They showed that she paid little tax in 2019.\n",
		want: map[string]resolved{
			"They": {"Ann Lee", tDocument},
		},
	},
	{
		name: "groups and countries",
		doc: "Senators object\n" +
			"Sens. Ann Lee and Ben Park said the treaty was flawed. Mexico said it would wait. " +
			"The United States and Canada said talks would resume.\n",
		want: map[string]resolved{
			"Sens. Ann Lee and Ben Park":   {"Ann Lee and Ben Park", tGroup},
			"Mexico":                       {"Mexico", tOrg},
			"The United States and Canada": {"United States and Canada", tGroup},
		},
	},
	{
		name: "a headline's speaker is who the article is about",
		doc: "Senator urges calm\n" +
			"Sen. Rita Moreno asked voters to stay home. Moreno said the storm was dangerous. " +
			"Moreno, a Democrat, said the state was ready.\n",
		want: map[string]resolved{
			"Senator": {"Rita Moreno", tPerson},
			"Moreno":  {"Rita Moreno", tPerson},
		},
	},
	{
		name: "the writer speaks as I when the article is signed",
		doc: "What my town taught me\n" +
			"I grew up by the river. I learned that floods come back.\n" +
			"Jane Holloway is a teacher in Riverton.\n",
		want: map[string]resolved{
			"I": {"Jane Holloway", tPerson},
		},
	},
	{
		name: "a quotation goes on with its speaker",
		doc: "Nurses speak\n" +
			"Maria Vance spoke first. Zuri Okafor said Maria Vance had failed the nurses.\n" +
			"“It is late, and we are tired,” she said.\n",
		want: map[string]resolved{
			"Zuri Okafor": {"Zuri Okafor", tPerson},
			"she":         {"Zuri Okafor", tPerson},
		},
	},
	{
		name: "relatives of an appositive and of a list",
		doc: "Leaders meet\n" +
			"Obama met with McConnell, now the majority leader, who said the talks went well. " +
			"Mitch McConnell left early.\n" +
			"The gala featured singers like Ann Lee, Bea Park and Carl Ray, who said the night was long.\n",
		want: map[string]resolved{
			"who":   {"Mitch McConnell", tPerson},
			"who#2": {"Carl Ray", tPerson},
		},
	},
	{
		name: "police named further on, and a person's administration",
		doc: "Shooting under review\n" +
			"Police said the officer was not wearing a camera. The Vance administration said it would review the case.\n" +
			"Riverton police chief Kerr Dale said the video would be released. Maria Vance agreed.\n",
		want: map[string]resolved{
			"Police":                   {"Riverton police", tOrg},
			"The Vance administration": {"Vance administration", tOrg},
		},
	},
	{
		name:    "a headline's full name, and a contraction",
		wordnet: true, // "Blasts" is a verb
		doc: "Rita Moreno Blasts Port Plan\n" +
			"Sen. Rita Moreno said the port plan was a mistake. I've said so too.\n" +
			"Jane Holloway is a teacher in Riverton.\n",
		want: map[string]resolved{
			"Rita Moreno Blasts Port Plan": {"Rita Moreno", tPerson},
			"I've":                         {"Jane Holloway", tPerson},
		},
	},
	{
		name: "a lede's role noun is the one named next",
		doc: "Former party chief wants a backup plan\n" +
			"A former party chairman says the party should draw up a plan for a new nominee.\n" +
			"“The time is now,” said Don Ferris, who led the party from 1995 to 1997.\n",
		want: map[string]resolved{
			"A former party chairman": {"Don Ferris", tPerson},
			"Don Ferris":              {"Don Ferris", tPerson},
		},
	},
	{
		name: "a lede's organisation is the one named next",
		doc: "Nurses back Roe\n" +
			"A union representing nurses endorsed Jane Roe on Thursday.\n" +
			"The Association of Registered Nurses called Roe a friend of the clinic.\n",
		want: map[string]resolved{
			"A union representing nurses":          {"Association of Registered Nurses", tOrg},
			"The Association of Registered Nurses": {"Association of Registered Nurses", tOrg},
		},
	},
	{
		name: "a lede's role noun is not one named earlier, nor one of another role",
		doc: "Video shows a warning\n" +
			"In a video found by the Ledger, a veteran diplomat said the plan put lives at risk.\n" +
			"“This puts the plan on trial,” said Kim Park, communications director for the Rising PAC.\n",
		want: map[string]resolved{
			"a veteran diplomat": {"", tNobody},
			"Kim Park":           {"Kim Park", tPerson},
		},
	},
	{
		name: "a spokeswoman for one is not another's",
		doc: "Roe and Holt trade barbs\n" +
			"Holt spokeswoman Kim Park said on Monday that Roe had lied. Holt spoke in Dayton.\n" +
			"Later, a spokeswoman for Jane Roe said the claim was false.\n" +
			"Officer Sam Lee, a Dayton police spokesman, said the road was closed. " +
			"A spokesman for the Dayton Police Department said it would open on Friday.\n",
		want: map[string]resolved{
			"Kim Park":                   {"Kim Park", tPerson},
			"a spokeswoman for Jane Roe": {"", tNobody},
			"Officer Sam Lee":            {"Sam Lee", tPerson},
			"A spokesman for the Dayton Police Department": {"Sam Lee", tPerson},
		},
	},
	{
		name: "the nominee is not the vice-presidential nominee",
		doc: "Roe rallies in Ohio\n" +
			"Jane Roe spoke in Dayton on Monday. Her running mate, Democratic vice presidential nominee Tim Holt, spoke in Toledo.\n" +
			"The Democratic nominee said the state would decide the race.\n",
		want: map[string]resolved{
			"The Democratic nominee": {"Jane Roe", tPerson},
		},
	},
	{
		name: "a headline's new poll is no publisher",
		doc: "New Poll Shows Roe Ahead\n" +
			"A Dayton Ledger poll shows Jane Roe ahead by four points.\n",
		want: map[string]resolved{
			"New Poll":             {"Dayton Ledger", tDocument},
			"A Dayton Ledger poll": {"Dayton Ledger", tDocument},
		},
	},
	{
		name: "a country's government is the country",
		doc: "Bill draws fire abroad\n" +
			"The bill was opposed by members of the Saudi government, which has denied any role in the attack.\n" +
			"The North Korean government said on Monday that the test had succeeded. " +
			"The government said a second test would follow.\n",
		want: map[string]resolved{
			"which":                       {"Saudi Arabia", tOrg},
			"The North Korean government": {"North Korea", tOrg},
			"The government":              {"North Korea", tOrg},
		},
	},
	{
		name: "the poll of a joint publisher",
		doc: "Roe keeps her lead\n" +
			"The latest Dayton Ledger/Ipsos opinion poll released Friday shows Roe ahead. Another 19 percent said they would not vote.\n" +
			"When the poll asked about all four candidates, Roe led by three points.\n",
		want: map[string]resolved{
			"The latest Dayton Ledger/Ipsos opinion poll released Friday": {"Dayton Ledger", tDocument},
			"the poll": {"Dayton Ledger", tDocument},
		},
	},
	{
		name: "a source cut inside the phrase that speaks",
		doc: "Storm damage\n" +
			"RIVERTON - The husband of a woman badly hurt by Riverton police recorded the arrest on his phone. " +
			"Recent surveys in Ohio and Iowa have shown the race tightening. " +
			"A report compiled by the Harbor Institute says the dam is weak. " +
			"Jane Roe's lawyers said she would appeal.\n",
		want: map[string]resolved{
			"Riverton police|recorded": {"", tNobody},
			"Iowa|shown":               {"", tNobody},
			"Harbor Institute|says":    {"Harbor Institute", tDocument},
			"Jane Roe's|said":          {"", tNobody},
		},
		wordnet: true,
	},
	{
		name: "a role no one holds carries on the sentence before",
		doc: "Roe asks Doe to apologize\n" +
			"Jane Roe on Monday called on Tom Doe to apologize to the mayor for his remarks.\n" +
			"“It was shameful,” Smith's former campaign manager said in an interview.\n" +
			"Paul Kent says the port deal is dead.\n" +
			"The Republican vice presidential nominee was speaking Friday in Dayton, hours after Tom Doe told reporters that Doe would run.\n" +
			"The Ohio senator said the vote would fail.\n" +
			"Later, as Smith's campaign chairman noted, the vote was close.\n",
		want: map[string]resolved{
			"Smith's former campaign manager": {"Jane Roe", tPerson},
			"Paul Kent":                       {"Paul Kent", tPerson},
			"The Ohio senator":                {"Paul Kent", tPerson},
			"Smith's campaign chairman":       {"", tNobody},
		},
		wordnet: true,
	},
	{
		name: "a possessive is not the name of an appositive's head",
		doc: "Port deal\n" +
			"Jane Roe backed the port deal on Monday.\n" +
			"Doe's running mate, Ohio Sen. Paul Kent, said the deal was weak.\n",
		want: map[string]resolved{
			"Doe's running mate, Ohio Sen. Paul Kent,": {"Paul Kent", tPerson},
		},
		wordnet: true,
	},
	{
		name: "a quotation's short paragraph opens no story",
		doc: "Inquiry widens\n" +
			"Former prosecutor Glen Marsh said agents want to talk to the mayor.\n" +
			"“They are close,” he said.\n" +
			"A request to talk to her would need the approval of the Justice Department, a former official said.\n" +
			"Whenever voters hear Jane Roe, they think of the port.\n" +
			"Marsh's lawyer, Dan Pike, declined to comment.\n",
		want: map[string]resolved{
			"he":                        {"Glen Marsh", tPerson},
			"a former official":         {"", tNobody},
			"they":                      {"", tNobody},
			"Marsh's lawyer, Dan Pike,": {"Dan Pike", tPerson},
		},
	},
	{
		name: "a noun for a person opens a headline's line",
		doc: "Lawmaker urges a vote on the port;\n" +
			"Member of House panel says the deal must wait.\n\n" +
			"Rep. Jane Roe, the top Democrat on the House Port Committee, called for a vote on Monday.\n" +
			"EU Member States are worried about the deal. An EU member compared it to a bribe.\n",
		want: map[string]resolved{
			"Member of House panel": {"Jane Roe", tPerson},
			"Jane Roe":              {"Jane Roe", tPerson},
			"EU Member States":      {"EU Member States", tOrg},
			"An EU member":          {"", tNobody},
		},
		wordnet: true,
	},
	{
		name: "a plural in a headline is several",
		doc: "Rabbis vow to boycott Roe speech to port group\n" +
			"Jane Roe said the deal would pass.\n",
		want: map[string]resolved{
			"Rabbis":   {"", tNobody},
			"Jane Roe": {"Jane Roe", tPerson},
		},
		wordnet: true,
	},
	{
		name: "an adverb after a source is not its head",
		doc: "Vote rolls\n" +
			"Critics cite the 2012 election in Ohio, when the state wrongly stated that 5,000 voters had moved.\n",
		want: map[string]resolved{
			"the state wrongly": {"Ohio", tOrg},
		},
		wordnet: true,
	},
	{
		name: "two roles joined are held together",
		doc: "Veterans hear the candidates\n" +
			"Trump has drawn fire for an attack on state Sen. Tom Doe, a former Navy pilot.\n" +
			"Jane Roe spoke to the veterans on Friday morning.\n" +
			"The former mayor and state senator said the port plan was a mistake.\n",
		want: map[string]resolved{
			"The former mayor and state senator": {"Jane Roe", tPerson},
		},
		wordnet: true,
	},
	{
		name: "a possessive role is its owner's",
		doc: "Port inquiry\n" +
			"The panel questioned Jane Roe's lawyer Dan Pike on Monday. Pike said his client had done nothing wrong.\n" +
			"Tom Doe refused to appear before the panel, and his lawyer said he would not answer questions.\n" +
			"Roe's lawyer said the vote was unfair.\n",
		want: map[string]resolved{
			"Pike":         {"Dan Pike", tPerson},
			"his lawyer":   {"", tNobody},
			"Roe's lawyer": {"Dan Pike", tPerson},
		},
		wordnet: true,
	},
	{
		name: "a role of someone's pronoun does not carry on the sentence before",
		doc: "Port inquiry\n" +
			"The panel questioned Jane Roe's lawyer Dan Pike on Monday. Pike said his client had done nothing wrong.\n" +
			"Tom Doe refused to appear before the panel. His lawyer said he would not answer questions.\n" +
			"Roe's lawyer said the vote was unfair.\n",
		want: map[string]resolved{
			"Pike":         {"Dan Pike", tPerson},
			"His lawyer":   {"", tNobody},
			"Roe's lawyer": {"Dan Pike", tPerson},
		},
		wordnet: true,
	},
	{
		name: "a role's own possessive tells its gender",
		doc: "Roe goes after Doe\n" +
			"Tom Doe met Jane Roe in Dayton on Monday for the first debate. Doe spoke first, and Doe talked about trade.\n" +
			"The Democratic nominee attacked her opponent as a fraud.\n",
		want: map[string]resolved{
			"The Democratic nominee": {"Jane Roe", tPerson},
		},
		wordnet: true,
	},
	{
		name: "an unsigned I is no one",
		doc: "What my town taught me\n" +
			"I grew up by the river. I learned that floods come back.\n",
		want: map[string]resolved{
			"I": {"", tNobody},
		},
	},
}

func TestResolveSpeakers(t *testing.T) {
	for _, lex := range []struct {
		name string
		lex  *Lexicon
	}{{"closed lists", nil}, {"WordNet", DefaultModel().lex}} {
		t.Run(lex.name, func(t *testing.T) {
			for _, tt := range speakerCases {
				if tt.wordnet && lex.lex == nil {
					continue
				}
				t.Run(tt.name, func(t *testing.T) {
					// in text order, as the pass takes them
					var sources []string
					for s := range tt.want {
						sources = append(sources, s)
					}
					pos := func(s string) int { s, _, _ = strings.Cut(s, "|"); return sourceSpan(t, tt.doc, s).Start }
					sortBy(sources, pos)
					got := resolveSources(t, lex.lex, tt.doc, sources)
					for i, s := range sources {
						if diff := cmp.Diff(tt.want[s], got[i]); diff != "" {
							t.Errorf("%q (-want +got):\n%s", s, diff)
						}
					}
				})
			}
		})
	}
}

func sortBy(ss []string, key func(string) int) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && key(ss[j]) < key(ss[j-1]); j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}

// TestCast checks the mentions pass alone: who the article names, under
// which full name, with which gender and titles.
func TestCast(t *testing.T) {
	doc := "Port deal advances\n" +
		"Senator Maria Vance met Mayor Tom Becker and Dr. Ruth Green at the Harbor Workers Union hall. " +
		"Mr. Green, a retired pilot, was not there. The Republican National Committee (RNC) said nothing; the RNC rarely does.\n" +
		"Vance and Becker spoke to the Riverton Daily Post. The Post printed it.\n"
	c := newDoc(doc).newCast(nil)
	type ent struct {
		Kind, Name string
		Gender     byte
		Titles     []string
	}
	var got []ent
	for _, e := range c.ents {
		got = append(got, ent{e.kind, e.name(c), e.gender, e.titles})
	}
	want := []ent{
		{tPerson, "Maria Vance", 'f', []string{"Senator"}},
		{tPerson, "Tom Becker", 'm', []string{"Mayor"}},
		{tPerson, "Ruth Green", 'f', []string{"Dr."}},
		{tOrg, "Harbor Workers Union", 0, nil},
		{tOrg, "Republican National Committee", 0, nil},
		{tOrg, "Riverton Daily Post", 0, nil},
		{tPerson, "Green", 'm', []string{"Mr.", "retired pilot"}},
		{tGroup, "Tom Becker and Ruth Green", 0, nil},
		{tGroup, "Maria Vance and Tom Becker", 0, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cast (-want +got):\n%s", diff)
	}
	// "Vance", "Becker", "RNC" and "The Post" are mentions of those named
	// in full
	count := map[string]int{}
	for _, m := range c.ments {
		count[c.ents[m.ent].name(c)]++
	}
	for name, n := range map[string]int{"Maria Vance": 2, "Tom Becker": 2, "Republican National Committee": 3, "Riverton Daily Post": 2, "Ruth Green": 1} {
		if count[name] != n {
			t.Errorf("%s named %d times, want %d (%v)", name, count[name], n, count)
		}
	}
}
