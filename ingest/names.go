package ingest

// The word lists of speaker resolution. They are apart from the lists of
// lexicon.go, which the tagger's features read: changing those would
// change what a trained model sees.

// givenGender tells the gender a given name usually has, from the most
// common given names in English-language news (US birth records of the
// last century, and names common in world politics). A name not listed,
// or used for both, has no gender: it fits "he" and "she" alike.
var givenGender = func() map[string]byte {
	m := map[string]byte{}
	for _, l := range []struct {
		g     byte
		names string
	}{
		{'f', `
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret
sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah stephanie rebecca
sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha
katherine christine debra rachel carolyn janet catherine maria heather diane ruth julie olivia
joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah
jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail alice judy
sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie brittany
charlotte marie kayla alexis lori tiffany rose tammy irene jane wendy peggy stacy beth kristen
erica monica jill lillian eleanor ellen tracy dawn connie carla vanessa hillary michele nikki
condoleezza madeleine kellyanne huma debbie dianne tulsi kamala elena sonia ilhan alexandria
rashida ayanna kirsten tammi claire heidi shelley susana roberta gina joanne lindsay lynn loretta
paula sheila sylvia tina yvonne zoe betsy cindy dana gwen kathy katie lucy mabel marcia marsha
melania ivanka chelsea malia sasha meghan hope valerie jeanne jeanine jeannie nina janine
marianne mia ella ava chloe lily layla aubrey zoey addison brooklyn leah audrey savannah allison
stella hazel aurora caroline genesis kennedy kinsley naomi sadie aaliyah gabriella ariana
jasmine nora sofia elise renee regina yolanda latoya keisha tanisha shanice ebony aisha fatima
sonya tatiana svetlana olga irina natalia yulia galina ludmila marina oksana tatyana angelika
annalena ursula kaja giorgia marine ségolène segolene christiane frederica federica francesca
giulia chiara anke petra birgit jacinda theresa priti liz nicola kemi rosa carmen lucia isabel
beatriz ines gabriela adriana claudia fernanda daniela lorena mariana veronica jimena
kate katie jen jenny becky meg liz beth sue abby ellie molly maggie annie sally nancy peggy
katy kathy cathy patty patti terri kelli cindy mandy mindy lindsey leslie tracey stacey
carrie jackie jessie marcy penny polly rosie sadie trudy vicky wendy bonnie connie dolores
doreen eileen elaine ella erin esther faith felicia fiona georgia gwendolyn harriet hilary
ingrid iris ivy jacquelyn jasmine jenna jocelyn josephine joy juanita julia june karla
kristina kristin krista lana lena leigh lila lillie lois lucille lydia mae margo marjorie
maureen meredith miranda misty myra nadia nina noelle norma opal paige pauline priscilla
rachael rebekah rhonda rita roxanne ruby sabrina selena shana shauna sheryl sierra sonja
stella summer susanne suzanne sylvie tamara tara tasha thelma tonya tricia ursula vera
viola vivian wanda whitney yvette zelda olive hazel edna ethel mildred agnes bertha gladys
`},
		{'m', `
james john robert michael william david richard joseph thomas charles christopher daniel matthew
anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward
jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin
samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan
henry douglas zachary peter kyle ethan walter noah jeremy christian keith roger terry gerald
harold sean austin carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan
albert willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason philip
louis barack bill mike mitt ted marco jeb ben chris rand bernie tim mitch chuck newt rudy steve
reince jared rex jim jeff pete jay harry tom bob rob rick ron greg andy tony dick al colin hugh
wilbur devin tucker rush wolf lester bret reza vladimir dmitry dmitri sergey sergei yuri boris
alexei alexey andrei andrey ivan igor oleg nikolai mikhail pavel petro volodymyr viktor emmanuel
olaf keir rishi recep tayyip mohammed muhammad ahmed hassan hussein abdullah narendra shinzo
fumio xi jinping kim jong luiz inacio manuel antonio luis carlos pedro pablo miguel francisco
javier jorge fernando ricardo alejandro eduardo rafael sergio enrique andres felipe gustavo
francois jacques nicolas pierre luigi matteo mario giuseppe helmut gerhard volker jens antony
lloyd jake gavin kristopher bradley shawn travis marcus cody derek jared dustin corey martin
curtis craig shane ricky clarence allen stanley leonard nathaniel dale manuel rodney alfred
earl jimmy tony howard phillip victor todd glenn jeremiah chad calvin herbert lee ray ricardo
darrell don dwight edwin floyd franklin gordon harvey ivan jerome leon marvin melvin neil norman
oscar otis perry ross sam ted theodore vernon warren wesley hunter liam lucas oliver aiden
jackson caleb owen luke isaac connor levi isaiah josiah hudson colton cameron nolan jaxon
josh matt dan danny nick alex zach jon nate ed eddie teddy fred freddie charlie jimmy johnny
tommy timmy billy bobby joey mikey kenny donnie ronnie stevie willie benny lenny lonnie
abe ike hank chet clint cliff dwayne duane elliott ernest everett gil grant hal herb homer
irving jeb jed jerome kurt lamar lance lyle mack marty max mitchell morris ned newt orrin
otto phil quentin ralph reggie rex rod rudy rusty sid stan ty vic vince wade walt ward
zack ahmad omar tariq yusuf kareem jamal darnell tyrone deshawn malik andre terrence
`},
		// names given to women and men alike
		{0, `terry kelly dana lee jordan taylor jamie casey morgan robin pat sam alex jesse jessie kim chris
jean leslie shannon tracy kerry kris sandy jackie frankie billie bobbie avery riley quinn drew
ashley carey cameron sidney sydney marion lynn`},
	} {
		word := ""
		for _, c := range l.names + " " {
			if c == ' ' || c == '\n' {
				if word != "" {
					if g, ok := m[word]; ok && g != l.g || l.g == 0 {
						m[word] = 0 // listed as both
					} else {
						m[word] = l.g
					}
				}
				word = ""
				continue
			}
			word += string(c)
		}
	}
	return m
}()

// courtesyGender is the gender a courtesy title gives, and 'p' for the
// plural "Messrs.".
var courtesyGender = map[string]byte{"mr": 'm', "mrs": 'f', "ms": 'f', "miss": 'f', "messrs": 'p', "mx": 0, "sir": 'm', "dame": 'f', "lady": 'f', "lord": 'm'}

// genderedNouns are role nouns that tell a person's gender.
var genderedNouns = map[string]byte{
	"woman": 'f', "wife": 'f', "mother": 'f', "daughter": 'f', "sister": 'f', "grandmother": 'f',
	"spokeswoman": 'f', "congresswoman": 'f', "chairwoman": 'f', "businesswoman": 'f', "actress": 'f',
	"queen": 'f', "princess": 'f', "girl": 'f', "widow": 'f', "aunt": 'f', "niece": 'f', "girlfriend": 'f',
	"mom": 'f', "grandma": 'f', "stepmother": 'f', "ex-wife": 'f', "granddaughter": 'f', "heiress": 'f',
	"man": 'm', "husband": 'm', "father": 'm', "son": 'm', "brother": 'm', "grandfather": 'm',
	"spokesman": 'm', "congressman": 'm', "chairman": 'm', "businessman": 'm', "actor": 'm',
	"king": 'm', "prince": 'm', "boy": 'm', "widower": 'm', "uncle": 'm', "nephew": 'm', "boyfriend": 'm',
	"dad": 'm', "grandpa": 'm', "stepfather": 'm', "ex-husband": 'm', "grandson": 'm',
}

// kinNouns are the relations of family a person may be introduced by.
var kinNouns = set(`wife husband mother father daughter son sister brother grandmother grandfather
granddaughter grandson aunt uncle niece nephew cousin widow widower stepmother stepfather stepson
stepdaughter mom dad fiancee fiancée fiance fiancé girlfriend boyfriend ex-wife ex-husband in-law
daughter-in-law son-in-law mother-in-law father-in-law`)

// nameSuffixes follow a surname and are part of the full name.
var nameSuffixes = set(`jr jr. sr sr. ii iii iv`)

// speakerTitles are title words that come before a name and are not part
// of it, besides titleWords: the ones newspapers abbreviate, and ranks.
var speakerTitles = set(`
sen sens senator senators rep reps representative gov governor president pres vice mr mrs ms miss mx
messrs dr prof professor gen general lt col maj capt sgt adm cmdr rev reverend sir dame lord lady
judge justice chief secretary minister prime mayor ambassador attorney del delegate former retired
late first lady deputy acting incumbent speaker leader majority minority whip chairman
chairwoman chair commissioner director spokesman spokeswoman ceo founder host anchor author
candidate nominee democratic republican independent gop democrat conservative liberal u.s us
congressman congresswoman state assemblyman assemblywoman councilman councilwoman pope king queen
prince princess sheikh emir premier chancellor
`)

// orgHeads are words that make a capitalized name an organisation.
var orgHeads = set(`
department ministry kremlin house union council committee commission party agency office senate congress
court army navy force forces bank fund group university college institute center centre foundation
association network times news post journal press daily tribune herald gazette telegraph guardian
television tv radio station channel broadcasting corporation company co inc corp ltd llc plc
republic kingdom federation government administration parliament assembly cabinet pentagon
police military embassy church school hospital club team league movement campaign coalition
alliance organization organisation authority board bureau service services poll survey review
magazine caucus society institution trust project initiative council counsel partners partnership
capital holdings industries energy coal oil motors airlines airways systems technologies labs
laboratory laboratories research analytics consulting securities exchange reserve commission
tribunal observer chronicle examiner inquirer courier sentinel dispatch register monitor beast
caller hill atlantic economist review report wire media medicine journalism foundation fund
ledger globe bulletin enquirer mirror
`)

// docNouns are the nouns of documents that speak: "the poll shows", "the
// report says".
var docNouns = set(`
poll polls survey surveys report reports study studies analysis analyses ad ads advertisement spot
clip video videos statement statements letter letters article articles piece story stories book
books memoir film documentary movie ruling rulings decision opinion order data figures estimate
estimates forecast projection projections memo memos email emails tweet tweets post posts
transcript transcripts return returns document documents record records filing filings complaint
lawsuit motion research finding findings release paper papers index audit investigation probe
recording recordings footage slide slides chart graphic submission account bylaws rules rule
policy plan proposal bill legislation measure law guidance guidelines resolution platform
indictment affidavit brief testimony text message messages note notes website site page
editorial column op-ed essay review interview broadcast program show episode segment podcast
`)

// orgNouns are common nouns for organisations, which a definite noun
// phrase ("the campaign", "the agency") uses for one named before.
var orgNouns = set(`
campaign committee commission agency bank union court network newspaper paper website site city
state government company firm party alliance fund panel department administration bloc group
organization organisation caucus council board office ministry bureau university school police
team coalition foundation institute center centre magazine outlet publication station channel
network broadcaster corporation business agency service authority army military navy regime
country nation kingdom republic senate congress house parliament legislature district county
airline carrier insurer maker manufacturer retailer club church charity think-tank tank
`)

// mediaNouns are the organisation nouns that mean a news outlet.
var mediaNouns = set(`newspaper paper network outlet publication station channel broadcaster website site magazine`)

// genericHeads are nouns of sources that name no one in particular
// ("experts", "a source", "critics"), besides plurals.
var genericHeads = set(`
source sources expert experts critic critics official officials analyst analysts observer
observers people person someone somebody anyone everyone nobody others other voter voters
supporter supporters opponent opponents resident residents protester protesters demonstrator
demonstrators activist activists advocate advocates witness witnesses insider insiders aide aides
allies friends members scholars researchers economists lawmakers legislators politicians leaders
republicans democrats conservatives liberals progressives americans citizens staff staffers
employees workers users commenters readers viewers listeners fans proponents detractors skeptics
many some most several few all both each either neither one
`)

// indefinites open a noun phrase that names no one in particular.
var indefinites = set(`a an one another some several many most few other others any no each every certain various numerous multiple`)

// topicRoles are person role nouns that, with "the", mean the person the
// story is about even where the article never gives them that title ("the
// nominee", "the candidate").
var topicRoles = set(`
nominee candidate president senator governor businessman businesswoman billionaire mogul developer
congressman congresswoman lawmaker mayor republican democrat leader chairman chairwoman
secretary minister premier chancellor incumbent challenger frontrunner front-runner contender
hopeful populist star host anchor tycoon magnate
`)

// places are country, state and capital names, and the adjectives and
// nouns of a few more: a speaker named so is a government or a state
// acting, an organisation; a capitalized run that is a place is no
// person.
var places = set(`
afghanistan albania algeria argentina armenia australia austria azerbaijan bahrain bangladesh
belarus belgium bolivia bosnia brazil britain bulgaria burma cambodia canada chile china colombia
congo croatia cuba cyprus czechia denmark ecuador egypt england estonia ethiopia europe finland
france georgia germany ghana greece guatemala haiti honduras hungary iceland india indonesia iran
iraq ireland israel italy jamaica japan jordan kazakhstan kenya korea kosovo kuwait latvia lebanon
libya lithuania luxembourg malaysia mali mexico moldova mongolia montenegro morocco myanmar nepal
netherlands nicaragua niger nigeria norway oman pakistan palestine panama paraguay peru
philippines poland portugal qatar romania russia rwanda scotland senegal serbia singapore
slovakia slovenia somalia spain sudan sweden switzerland syria taiwan tajikistan tanzania
thailand tunisia turkey turkmenistan uganda ukraine uruguay uzbekistan venezuela vietnam wales
yemen zambia zimbabwe america africa asia us u.s usa uk u.k
alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho
illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas
utah vermont virginia washington wisconsin wyoming
moscow kyiv kiev beijing tokyo london paris berlin rome madrid brussels warsaw ankara tehran
baghdad damascus cairo jerusalem riyadh delhi islamabad kabul seoul pyongyang ottawa havana
caracas brasilia chicago boston houston dallas atlanta miami philadelphia detroit cleveland
phoenix denver seattle baltimore pittsburgh tulsa charlotte orlando tampa manhattan brooklyn
hollywood
`)

// placePairs are places of two words, lower-cased.
var placePairs = set(`new_york new_jersey new_hampshire new_mexico north_carolina south_carolina north_dakota
south_dakota west_virginia rhode_island saudi_arabia north_korea south_korea united_states
united_kingdom south_africa new_zealand sri_lanka costa_rica el_salvador puerto_rico hong_kong
los_angeles san_francisco san_diego las_vegas new_orleans st._louis mexico_city capitol_hill
wall_street silicon_valley`)

// spkClass is what the word lists of speaker resolution say of a word,
// in one lookup: the mentions pass sets it on every token, since the
// passes ask it many times of each.
type spkClass uint16

const (
	spkKnown       spkClass = 1 << iota // the class was looked up
	spkStop                             // runStop
	spkTitle                            // a title word that is not part of a name (isTitleTok)
	spkGiven                            // a given name
	spkOrgHead                          // orgHeads
	spkConnector                        // connectors
	spkCommonNoun                       // a noun capitalized only when it opens a sentence or a headline
	spkPlace                            // places
	spkNationality                      // nationalityWords
)

var spkClasses = func() map[string]spkClass {
	m := map[string]spkClass{}
	add := func(words map[string]bool, c spkClass) {
		for w := range words {
			m[w] |= c
		}
	}
	add(runStop, spkStop)
	add(speakerTitles, spkTitle)
	add(titleWords, spkTitle)
	add(set("house white press senate"), spkTitle)
	for w := range nationalityWords {
		if !places[w] {
			m[w] |= spkTitle
		}
	}
	for w := range givenGender {
		m[w] |= spkGiven
	}
	add(givenNames, spkGiven)
	add(femaleNames, spkGiven)
	add(orgHeads, spkOrgHead)
	add(connectors, spkConnector)
	for _, l := range []map[string]bool{docNouns, orgNouns, genericHeads, titleWords, speakerTitles, runStop, topicRoles} {
		add(l, spkCommonNoun)
	}
	add(places, spkPlace)
	add(nationalityWords, spkNationality)
	return m
}()

// classOf returns the classes of t, from the token when the mentions
// pass set them.
func classOf(t token) spkClass {
	if t.spk != 0 {
		return t.spk
	}
	return spkClasses[t.lower] | spkKnown
}
