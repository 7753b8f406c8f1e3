package ingest

import (
	"strings"

	"github.com/graphd/graphd/graph"
)

// The word lists the extractor reasons with. They are small on purpose: the
// extractor relies on sentence shape first and on these lists to tell a
// reporting verb, a title or an organisation from a name.

func set(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// cueVerbs are the reporting verbs, by inflected form, mapped to nothing:
// membership is what counts. Forms that are also common nouns ("claims",
// "says") are only cues after a subject.
var cueVerbs = set(`
say says said saying
tell tells told telling
add adds added adding
remark remarks remarked remarking
warn warns warned warning
accuse accuses accused accusing
claim claims claimed claiming
state states stated stating
declare declares declared declaring
explain explains explained explaining
note notes noted noting
argue argues argued arguing
insist insists insisted insisting
announce announces announced announcing
suggest suggests suggested suggesting
ask asks asked asking
write writes wrote writing written
tweet tweets tweeted tweeting
post posts posted posting
reply replies replied replying
respond responds responded responding
answer answers answered answering
continue continues continued continuing
recall recalls recalled recalling
acknowledge acknowledges acknowledged acknowledging
admit admits admitted admitting
confirm confirms confirmed confirming
deny denies denied denying
assert asserts asserted asserting
contend contends contended contending
maintain maintains maintained maintaining
stress stresses stressed stressing
emphasize emphasizes emphasized emphasizing emphasise emphasises emphasised emphasising
insist insists insisted
predict predicts predicted predicting
promise promises promised promising
vow vows vowed vowing
pledge pledges pledged pledging
urge urges urged urging
call calls called calling
describe describes described describing
report reports reported reporting
reveal reveals revealed revealing
recount recounts recounted recounting
joke jokes joked joking
quip quips quipped quipping
complain complains complained complaining
concede concedes conceded conceding
observe observes observed observing
mention mentions mentioned mentioning
comment comments commented commenting
counter counters countered countering
reiterate reiterates reiterated reiterating
boast boasts boasted boasting
charge charges charged charging
allege alleges alleged alleging
agree agrees agreed agreeing
believe believes believed believing
think thinks thought thinking
fear fears feared fearing
hope hopes hoped hoping
estimate estimates estimated estimating
indicate indicates indicated indicating
show shows showed showing shown
find finds found finding
conclude concludes concluded concluding
testify testifies testified testifying
shout shouts shouted shouting
yell yells yelled yelling
scream screams screamed screaming
exclaim exclaims exclaimed exclaiming
mutter mutters muttered muttering
whisper whispers whispered whispering
caution cautions cautioned cautioning
blast blasts blasted blasting
slam slams slammed slamming
criticize criticizes criticized criticizing criticise criticises criticised
praise praises praised praising
decry decries decried decrying
dismiss dismisses dismissed dismissing
demand demands demanded demanding
propose proposes proposed proposing
recommend recommends recommended recommending
acknowledge
point points pointed pointing
`)

// weakCues are cue forms that are also frequent nouns or non-reporting
// verbs; they count only with a subject right before them.
var weakCues = set(`
call calls called calling
post posts posted posting
show shows showed showing shown
find finds found finding
continue continues continued continuing
report reports
state states
charge charges
counter counters
point points
comment comments
claims
estimate estimates
fear fears
hope hopes
`)

// pronouns that can be a speaker, with the person they refer to.
var personPronouns = map[string]string{
	"he": "m", "she": "f", "him": "m", "her": "f",
	"i": "", "we": "pl", "they": "pl", "you": "",
}

// skipWords may stand between a subject and its reporting verb ("Lavrov
// later remarked", "Trump has announced", "Kallas last week warned").
var skipWords = set(`
also later then previously earlier again repeatedly recently once first
initially finally publicly privately reportedly allegedly subsequently
has had have having was were is are be been would will could might may
should can did does do just already still even never frequently often
separately similarly likewise additionally further further furthermore
quickly bluntly flatly simply openly
last this next week month year weekend night morning afternoon evening
on monday tuesday wednesday thursday friday saturday sunday yesterday today
tonight not
`)

// determiners that may open a speaker noun phrase.
var determiners = set(`the a an this that these those his her their its our my`)

// danglingWords never end a source or a content: they need a word after
// them ("the", "of", "and", "his").
var danglingWords = set(`
the a an these those his her their its our my your every each
of in at on to for with by from about into onto over under than as via
and or nor
`)

// titleWords are role nouns and title words. A capitalized word in this set
// is part of a title, not of a name ("Foreign Minister Sergey Lavrov").
var titleWords = set(`
president presidents vice minister ministers prime secretary secretaries
spokesman spokeswoman spokesperson spokesmen spokeswomen adviser advisor
advisers advisors chief chiefs leader leaders envoy envoys ambassador
chancellor governor gov senator sen representative rep congressman
congresswoman congressmen lawmaker lawmakers mayor director chairman
chairwoman chair chairperson ceo cfo coo head commissioner general gen lt
lieutenant colonel col major maj captain capt sergeant sgt admiral adm
judge justice candidate nominee official officials correspondent reporter
editor analyst professor prof dr doctor king queen prince princess pope
crown emperor sheikh sultan emir premier deputy aide aides strategist
pollster economist founder executive manager officer commander coach
attorney prosecutor sheriff superintendent administrator treasurer
speaker whip diplomat diplomats negotiator minister's foreign defence
defense interior finance justice high representative delegate counsel
mr mrs ms miss sir dame lord lady rev reverend father bishop archbishop
cardinal rabbi imam mullah ayatollah chief-of-staff staff press white
house senior junior acting former interim incoming outgoing top campaign
manager chairman's president's commander-in-chief first
`)

// orgWords mark a capitalized run as an organisation or a place, not a
// person ("State Department", "European Union").
var orgWords = set(`
department ministry house kremlin union council committee commission party
agency office senate congress court army navy force forces bank fund group
university college institute center centre foundation association
network times news post journal press agency daily tribune herald gazette
telegraph guardian television tv radio station channel broadcasting
corporation company inc corp ltd llc reuters bloomberg cbs nbc abc cnn msnbc
fox bbc npr pbs politico axios breitbart huffpost state states nations
republic kingdom federation government administration parliament assembly
cabinet pentagon nato un eu g7 g20 opec fbi cia nsa doj irs epa fda cdc
police military embassy church school hospital club team league movement
campaign coalition alliance organization organisation authority board
bureau service services institute poll survey review magazine
`)

// nationality and place adjectives that open titles ("Russian Foreign
// Minister", "US President"); never part of a person's name.
var nationalityWords = set(`
us u.s. american americans russian russians ukrainian ukrainians european
europeans spanish polish turkish french british german chinese japanese
korean indian israeli palestinian iranian iraqi syrian saudi egyptian
italian canadian mexican brazilian australian dutch belgian swedish
norwegian danish finnish irish scottish welsh greek hungarian czech
slovak romanian bulgarian serbian croatian austrian swiss portuguese
african arab afghan pakistani nigerian kenyan south north east west
republican republicans democrat democrats democratic gop conservative
liberal labour tory federal national international global regional local
state-run former us-based uk eu un nato
`)

// nameParticles are lowercase words that may sit inside a name.
var nameParticles = set(`von van der den de del della di da du la le bin ibn al el dos das y ter`)

// commonCapitalized are words often capitalized at the start of a sentence
// or in headlines that are never part of a name.
var commonCapitalized = set(`
the a an and but or nor so yet for in on at to of by with from as into onto
upon about after before during following meanwhile however although though
while when whenever where if unless because since until this that these
those there here it its it's he she they we i you his her their our my your
what which who whom whose why how all some many most more much several few
both each every no not any other another such one two three four five six
seven eight nine ten first second third last next new old said says told
according asked added also even only just still yet then now today
tomorrow yesterday monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october
november december mr mrs ms dr breaking update updated exclusive watch read
live photo video opinion analysis editorial report reports poll polls
`)

// femaleNames lets a pronoun "she" skip people known to be men and the other
// way round. It is a small list of given names; unknown names fit both.
var femaleNames = set(`
hillary kaja ursula nancy elizabeth kamala michelle melania ivanka angela
theresa marine sarah susan mary jane anne ann anna maria marie kate
katherine catherine jennifer jessica karen linda barbara patricia lisa
laura emily emma olivia sophia julia helen ellen ruth rachel rebecca amy
amanda ashley megan nikki condoleezza madeleine samantha liz kelly kellyanne
huma donna debbie debra deborah diane dianne jill tulsi alexandria ilhan
rashida ayanna pramila giorgia christine annalena mette sanna jacinda
marta natacha natasha natalia olga irina svetlana maria yulia tatiana
elena valentina victoria veronica sonia sonya carla krystal esther azucena
karen stephanie martha ariana pamela jacklyn kirsten tammy claire heidi
shelley lisa susana roberta gina janet janice joan joanne judith judy
lindsey loretta margaret martha nina paula sheila sylvia tina virginia
wendy yvonne zoe beth betsy brenda carolyn cheryl cindy dana dorothy
evelyn frances gloria grace hannah irene jean joyce julie katie kathleen
kathy lauren lori lucy marilyn melissa michele nicole pam peggy rita
rosa sally sandra shannon sharon shirley stacey sue teresa valerie
`)

// givenNames are common first names; a capitalized run that starts with one
// is taken for a person even without a title or a reporting verb.
var givenNames = set(`
donald hillary bill barack joe kamala mike mitt paul ted marco jeb ben
chris rand john bernie tim nancy mitch chuck elizabeth jill gary evan
sarah newt rudy kellyanne steve stephen sean reince jared ivanka melania
michael robert james william richard david mark thomas charles daniel
matthew anthony george kenneth steven edward brian ronald kevin jason
jeffrey ryan jacob eric jonathan justin scott brandon frank gregory
raymond samuel patrick alexander jack dennis jerry tyler aaron henry
douglas peter adam nathan zachary kyle walter harold jeremy ethan carl
keith roger gerald christian terry arthur lawrence jesse dylan bryan
jordan albert willie gabriel logan alan juan wayne roy ralph randy
eugene vincent russell louis bobby philip johnny sergey sergei dmitry
dmitri vladimir yuri kirill kiril volodymyr viktor victor boris
alexei alexey andrei andrey ivan igor oleg nikolai mikhail pavel petro
emmanuel olaf keir rishi angela theresa recep tayyip mohammed muhammad
ali ahmed hassan hussein abdullah benjamin bibi xi li kim shinzo fumio
narendra justin jacinda giorgia mark jose josé manuel antonio luis carlos
pedro pablo miguel francisco javier juan jorge ursula kaja charles natacha
marine francois françois jean pierre jacques nicolas luigi matteo mario
giuseppe helmut gerhard frank-walter annalena volker jens antony tony
lloyd jake avril kristi ron gavin greg andrew andy rick lindsey susan
susana mario dick al colin condoleezza madeleine hugh liz rex wilbur
steven betsy devin adam jim jeff mike pete jay larry kenneth ken harry
tom bob rob robert ted tucker sean rush megyn chris wolf anderson rachel
lester martha jake george norah dana hugh bret judy jennifer reza farrettin
fahrettin kiril
`)

// venueHeads map the head noun of a venue phrase to its kind.
var venueHeads = map[string]string{
	"conference": graph.VenueEvent, "briefing": graph.VenueEvent, "rally": graph.VenueEvent,
	"meeting": graph.VenueEvent, "summit": graph.VenueEvent, "hearing": graph.VenueEvent,
	"speech": graph.VenueEvent, "debate": graph.VenueEvent, "event": graph.VenueEvent,
	"forum": graph.VenueEvent, "session": graph.VenueEvent, "ceremony": graph.VenueEvent,
	"convention": graph.VenueEvent, "gathering": graph.VenueEvent, "address": graph.VenueEvent,
	"interview": graph.VenueInterview, "statement": graph.VenueStatement,
	"release": graph.VenueStatement, "letter": graph.VenueStatement,
	"tweet": graph.VenueSocial, "post": graph.VenueSocial, "video": graph.VenueOnline,
	"podcast": graph.VenueBroadcast, "broadcast": graph.VenueBroadcast,
	"programme": graph.VenueBroadcast, "program": graph.VenueBroadcast, "show": graph.VenueBroadcast,
	"op-ed": graph.VenuePrint, "column": graph.VenuePrint, "article": graph.VenuePrint,
	"essay": graph.VenuePrint, "editorial": graph.VenuePrint,
}

// mediaWords tell the kind of a named medium from the words around it
// ("the US television network CBS", "the Onda Cero radio station").
var mediaWords = map[string]string{
	"television": graph.VenueBroadcast, "tv": graph.VenueBroadcast, "network": graph.VenueBroadcast,
	"radio": graph.VenueBroadcast, "station": graph.VenueBroadcast, "channel": graph.VenueBroadcast,
	"broadcaster": graph.VenueBroadcast, "newspaper": graph.VenuePrint, "paper": graph.VenuePrint,
	"daily": graph.VenuePrint, "weekly": graph.VenuePrint, "magazine": graph.VenuePrint,
	"agency": graph.VenuePrint, "wire": graph.VenuePrint, "website": graph.VenueOnline,
	"site": graph.VenueOnline, "blog": graph.VenueOnline, "podcast": graph.VenueBroadcast,
	"outlet": graph.VenueOther,
}

// knownMedia are outlets commonly named bare ("told CBS"), with their kind.
var knownMedia = map[string]string{
	"cbs": graph.VenueBroadcast, "nbc": graph.VenueBroadcast, "abc": graph.VenueBroadcast,
	"cnn": graph.VenueBroadcast, "msnbc": graph.VenueBroadcast, "fox": graph.VenueBroadcast,
	"fox news": graph.VenueBroadcast, "bbc": graph.VenueBroadcast, "npr": graph.VenueBroadcast,
	"pbs": graph.VenueBroadcast, "sky news": graph.VenueBroadcast, "al jazeera": graph.VenueBroadcast,
	"cnbc": graph.VenueBroadcast, "c-span": graph.VenueBroadcast, "france 24": graph.VenueBroadcast,
	"reuters": graph.VenuePrint, "ap": graph.VenuePrint, "afp": graph.VenuePrint,
	"associated press": graph.VenuePrint, "bloomberg": graph.VenuePrint, "tass": graph.VenuePrint,
	"interfax": graph.VenuePrint, "ria novosti": graph.VenuePrint, "the new york times": graph.VenuePrint,
	"new york times": graph.VenuePrint, "the washington post": graph.VenuePrint,
	"washington post": graph.VenuePrint, "the wall street journal": graph.VenuePrint,
	"wall street journal": graph.VenuePrint, "usa today": graph.VenuePrint,
	"the guardian": graph.VenuePrint, "politico": graph.VenueOnline, "axios": graph.VenueOnline,
	"breitbart": graph.VenueOnline, "breitbart news": graph.VenueOnline,
	"huffpost": graph.VenueOnline, "the huffington post": graph.VenueOnline,
	"huffington post": graph.VenueOnline, "the hill": graph.VenuePrint, "time": graph.VenuePrint,
	"newsweek": graph.VenuePrint, "the atlantic": graph.VenuePrint, "the new yorker": graph.VenuePrint,
	"x": graph.VenueSocial, "twitter": graph.VenueSocial, "facebook": graph.VenueSocial,
	"instagram": graph.VenueSocial, "telegram": graph.VenueSocial, "truth social": graph.VenueSocial,
	"youtube": graph.VenueSocial, "tiktok": graph.VenueSocial, "threads": graph.VenueSocial,
	"bluesky": graph.VenueSocial,
}

// audienceWords are the audiences of "told reporters".
var audienceWords = set(`reporters journalists supporters crowd crowds audience audiences
students lawmakers senators members voters delegates donors workers troops
residents parliament congress lawmakers parliamentarians`)

// abbreviations end with a period that does not end a sentence.
var abbreviations = set(`mr mrs ms dr prof sen rep gov lt gen col maj capt sgt adm
st jr sr inc corp ltd co no vs etc rev hon pres gen u.s u.k u.n e.u
jan feb mar apr jun jul aug sep sept oct nov dec`)
