"""A small list of common English words, for the vocabulary-rarity feature.

The 971-word English list of Faker 40.54.0 (``faker.providers.lorem.en_US``, MIT license)
joined with spaCy 3.8's English stop words (MIT license) and a few frequent inflected and
conversational forms. A word outside it (after stripping a plural or tense suffix) counts
as rare: technical prompts use many, chit-chat few.
"""

from __future__ import annotations

__all__ = ["COMMON_WORDS"]

COMMON_WORDS: frozenset[str] = frozenset(
    """
a ability able about above accept according account across act action activity actually add
address administration admit adult affect after afterwards again against age agency agent ago
agree agreement ahead air all allow almost alone along already also although always am american
among amongst amount an analysis and animal another answer any anyhow anyone anything anyway
anywhere appear apply approach are area argue arm around arrive art article artist as ask
assume at attack attention attorney audience author authority available avoid away baby back
bad bag ball bank bar base be beat beautiful became because become becomes becoming bed been
before beforehand began begin behavior behind being believe below benefit beside besides best
better between beyond big bill billion bit black blood blue board body book born both bottom
bought box boy break bring brother brought budget build building built business but buy by ca
call came camera campaign can candidate cannot capital car card care career carry case catch
cause cell center central century certain certainly chair challenge chance change character
charge check child choice choose church citizen city civil claim class clear clearly close
coach cold collection college color commercial common community company compare computer
concern condition conference congress consider consumer contain continue control cost could
country couple course court cover create crime cultural culture cup current customer cut dark
data daughter day deal debate decade decide decision deep defense degree democrat democratic
describe design despite detail determine develop development did difference different difficult
dinner direction director discover discuss discussion do doctor does dog doing done door down
draw dream drive drop drug due during each early east easy eat economic economy edge education
effect effort eight either election eleven else elsewhere employee empty end energy enjoy
enough enter entire environment environmental especially establish even evening event ever
every everybody everyone everything everywhere evidence exactly example except executive exist
expect experience expert explain eye face fact factor fall family far fast father fear federal
feel feeling felt few field fifteen fifty fight figure fill film final finally financial find
fine finish fire firm first fish five floor fly focus follow food foot for force foreign forget
form former formerly forty forward found four free friend from front full fund further future
game garden gas gave general generation get girl give glass go goal good got government great
green ground group grow growth guess gun guy had hair half hand happen happy hard has have he
head health hear heart heavy held hello help hence her here hereafter hereby herein hereupon
hers herself hey hi high him himself his history hit hold home hope hospital hot hotel hour
house how however huge human hundred husband i idea identify if image imagine impact important
improve in include including increase indeed indicate individual industry information inside
instead institution interest interesting international interview into investment involve is
issue it item its itself job join just keep kept key kid kind kitchen knew know knowledge land
language large last late later latter latterly laugh law lawyer lay lead leader learn least
leave left leg less let letter level life light like likely line list listen little live local
long look lose loss lost lot lots low machine made magazine main maintain major majority make
man manage management manager many market marriage material matter may maybe me mean meanwhile
measure media medical meet meeting member memory mention message met method middle might
military million mind mine minute miss mission model modern moment money month more moreover
morning most mostly mother mouth move movement movie mr mrs much music must my myself name
namely nation national natural nature near nearly necessary need neither network never
nevertheless new news newspaper next nice night nine no nobody none noone nor north not note
nothing notice now nowhere number occur of off offer office officer official often oil ok okay
old on once one only onto open operation opportunity option or order organization other others
otherwise our ours ourselves out outside over own owner page paid painting paper parent part
participant particular particularly partner party pass past pattern pay peace people per
perform performance perhaps person personal phone physical pick picture piece place plan plant
play player please pm point police policy political politics poor popular population position
positive possible power practice prepare present president pressure pretty prevent price
probably process produce product production professional professor program project property
protect prove provide public pull purpose push put quality question quickly quite race radio
raise ran range rate rather re reach read ready real reality realize really reason receive
recent recently recognize record red reduce reflect regarding region relate relationship
religious remain remember report represent republican require research resource respond
response responsibility rest result return reveal rich right rise risk road rock role room rule
run safe said same sat save saw say scene school science scientist score sea season seat second
section security see seek seem seemed seeming seems sell send senior sense sent series serious
serve service set seven several shake share she short should shoulder show side sign
significant similar simple simply since sing single sister sit site situation six sixty size
skill skin small smile so social society sold soldier some somebody somehow someone something
sometime sometimes somewhere son song soon sorry sort sound source south southern space speak
special specific speech spend spent sport spring staff stage stand standard star start state
statement station stay step still stock stood stop store story strategy street strong structure
student study stuff style subject success successful such suddenly suffer suggest summer
support sure surface system table take talk task tax teach teacher team technology television
tell ten tend term test than thank thanks that the their them themselves then thence theory
there thereafter thereby therefore therein thereupon these they thing think third this those
though thought thousand threat three through throughout throw thru thus time to today together
told tonight too took top total tough toward towards town trade traditional training travel
treat treatment tree trial trip trouble true truth try turn tv twelve twenty two type under
understand unit unless until up upon us use used using usually value various very via view
visit voice vote wait walk wall want war was watch water way we wear week weight well went were
west western what whatever when whence whenever where whereafter whereas whereby wherein
whereupon wherever whether which while white whither who whoever whole whom whose why wide wife
will win wind window wish with within without woman won wonder word work worker world worry
would write writer wrong wrote yard yeah year yes yet you young your yours yourself yourselves
""".split()
)
"""Lower-case common English words."""
