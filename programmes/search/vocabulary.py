"""The words staff search with, as `programmes.search.query` reads them.

Customs work has many names for the same thing. The records carry most of this
vocabulary in their keywords and in the threats they are linked to; this module
adds what belongs to the query rather than to any one record:

- `SYNONYMS`: terms that mean the same thing. A query term finds every term of its
  line, so "fake medicines" also finds "falsified" and "counterfeit" records.
- `BROADER`: one-way links from a narrow term to the words of the wider field
  ("ivory" also finds "wildlife"), never the reverse.
- `STOP_WORDS`: question and function words ("who works on", "qui travaille sur")
  that say nothing about the subject and are dropped.
- `WEAK_WORDS`: words nearly every record contains ("smuggling", "programme").
  They improve the ranking but no record is left out for lacking them.

Terms are matched after a light normalisation (lower case, plural "s" removed),
so list each term once, in its usual form. Editors extend the lists by adding
lines; the search tests show what a change does to the ranking.
"""

SYNONYMS = [
    # IPR, health and safety.
    ("fake", "counterfeit", "falsified", "knock-off", "pirated"),
    ("counterfeiting", "piracy", "IPR infringement", "trademark infringement"),
    ("medicine", "pharmaceutical", "medical product", "drug product"),
    ("online pharmacy", "internet pharmacy", "rogue pharmacy"),
    ("intellectual property", "IPR", "brand protection"),
    # Environment.
    ("wildlife", "endangered species", "CITES", "fauna", "flora"),
    ("timber", "illegal logging", "logging", "wood", "forestry"),
    ("waste", "e-waste", "scrap", "Basel"),
    ("ozone", "ODS", "ozone-depleting", "refrigerant", "HFC", "HCFC", "Montreal"),
    ("fridge gas", "refrigerant", "ODS", "HFC"),
    ("environmental crime", "green customs", "environment"),
    ("fishing", "IUU", "fisheries", "seafood"),
    # Revenue.
    ("tax evasion", "duty evasion", "undervaluation", "customs fraud", "revenue"),
    ("undervaluation", "under-invoicing", "valuation fraud", "mis-invoicing"),
    ("origin fraud", "false origin", "rules of origin", "origin misuse"),
    ("drawback", "duty refund", "drawback fraud"),
    ("cigarette", "tobacco", "cheap whites", "illicit whites"),
    ("excise", "excisable"),
    ("commercial fraud", "customs fraud"),
    ("misclassification", "tariff classification", "HS code"),
    # Drugs.
    ("narcotics", "drugs", "drug trafficking"),
    ("precursor", "precursor chemicals"),
    ("synthetic drugs", "synthetic opioids", "fentanyl", "methamphetamine"),
    ("drug couriers", "drug mules", "swallowers", "body packers"),
    ("detector dog", "sniffer dog", "canine", "K9"),
    ("general aviation", "private aircraft", "light aircraft", "small planes"),
    ("airstrips", "airfields", "landing strips", "clandestine airstrips"),
    # Security.
    ("dual-use", "strategic goods", "strategic trade", "export control", "STCE"),
    ("small arms", "SALW", "firearms", "guns", "light weapons"),
    ("explosives", "IED", "explosive precursors"),
    ("WMD", "weapons of mass destruction", "CBRN", "non-proliferation"),
    ("terrorism", "counter-terrorism", "terrorist"),
    ("insider threat", "insiders", "corrupt port workers", "insider conspiracy"),
    ("supply chain integrity", "SCI", "insider threat"),
    ("supply chain security", "SAFE", "AEO"),
    # Cultural heritage.
    ("looted", "looting", "stolen", "pillaged"),
    ("cultural property", "cultural heritage", "cultural goods", "cultural objects"),
    ("antiquities", "antiques", "artefacts", "archaeological objects"),
    ("art", "works of art", "paintings"),
    # Money and electronic crime.
    ("money laundering", "AML", "laundering"),
    ("trade-based money laundering", "TBML"),
    ("terrorist financing", "terrorism financing", "CTF", "CFT"),
    ("cash couriers", "bulk cash", "cash smuggling", "undeclared currency"),
    ("dirty money", "money laundering", "proceeds of crime", "cash couriers"),
    ("cybercrime", "electronic crime", "e-crime", "cyber crime", "computer crime"),
    ("darknet", "dark web", "crypto-markets"),
    ("digital forensics", "computer forensics", "digital evidence"),
    # Enforcement practice.
    ("seizure", "seized goods"),
    ("evidence", "chain of custody", "evidence handling"),
    ("risk profiling", "profiling", "targeting", "risk management", "selectivity"),
    ("intelligence", "RILO"),
    ("seizure data", "seizure database", "seizure reporting", "CEN"),
    ("data exchange", "information exchange", "information sharing"),
    ("parcels", "postal", "express consignments", "courier", "small consignments"),
    ("ship manifest", "cargo manifest", "advance cargo information", "manifest"),
    ("screen", "risk assessment", "targeting", "profiling"),
    ("software", "IT system", "application", "platform"),
    # Programmes and tools known by other names.
    ("Container Control Programme", "CCP", "container control", "PCCP"),
    ("Airport Communication Project", "AIRCOP", "JAITF", "PCCP"),
    ("Customs Enforcement Network", "CEN"),
    ("national CEN", "nCEN"),
    ("Cargo Targeting System", "CTS"),
    ("Interface Public-Members", "IPM"),
    ("COPES", "seizures", "evidence"),
    # French.
    ("contrefaçon", "contrefaçons", "faux", "contrefait", "falsifié"),
    ("médicament", "médicaments falsifiés", "faux médicaments"),
    ("espèces menacées", "faune sauvage", "CITES"),
    ("fraude fiscale", "évasion fiscale", "sous-évaluation", "recettes"),
    ("blanchiment", "blanchiment de capitaux", "LBC"),
    ("cybercriminalité", "criminalité électronique", "cybercrime"),
    ("biens culturels", "patrimoine culturel", "antiquités", "pillage"),
    ("stupéfiants", "drogues"),
    ("armes légères", "ALPC", "armes à feu"),
    ("déchets", "déchets dangereux"),
]

BROADER = {
    "ivory": ("wildlife", "CITES"),
    "rhino horn": ("wildlife", "CITES"),
    "pangolin": ("wildlife", "CITES"),
    "poaching": ("wildlife",),
    "rosewood": ("timber",),
    "cocaine": ("drugs",),
    "heroin": ("drugs",),
    "cannabis": ("drugs",),
    "fentanyl": ("synthetic drugs", "opioids"),
    "opioids": ("synthetic drugs", "fentanyl"),
    "meth": ("methamphetamine", "synthetic drugs"),
    "antiquities": ("cultural heritage", "cultural property"),
    "looted art": ("cultural heritage", "cultural property"),
    "stolen art": ("cultural heritage", "cultural property"),
    "guns": ("small arms", "firearms"),
    "weapons": ("small arms", "firearms", "WMD"),
    "ammunition": ("small arms", "firearms"),
    "nuclear": ("WMD", "CBRN"),
    "hawala": ("money laundering",),
    "gold": ("precious metals", "money laundering"),
    "diamonds": ("gems", "precious stones"),
    "hacking": ("cybercrime", "electronic crime"),
    "e-commerce": ("postal", "express courier"),
    "masks": ("medical supplies",),
    "vaccines": ("medical supplies", "medicines"),
    "refrigerants": ("ozone",),
    "plastic": ("waste",),
    "vat": ("revenue", "tax"),
    "tax": ("revenue", "duty", "excise"),
    "alcohol": ("excise",),
    "containers": ("container",),
    "seaport": ("port", "container"),
    "airport": ("air cargo", "passengers"),
    "passengers": ("air passengers", "airport"),
}


def _words(text):
    return frozenset(text.split())


# English: function words and the verbs of a question ("who works on ...").
STOP_WORDS = _words(
    """
    a about above across after again against all along also am among an and
    any anyone anything are around as at be because been before being below
    between both but by can could
    concerning covering covers cover dealing deal deals did do does doing done down
    during each either else ever every few find for from further get gets give got
    had handle handles handling has have having he help helps her here him his how
    i if in info information into involved is it its itself just know let like list
    look looking many may me might more most much must my need needs no nor not now
    of off on once one only or other our ours out over own please regarding related
    relating same see should show so some someone something such tell than that the
    their them then there these they thing things this those through to too under
    up us using very want wants was we were what whatever when where which while who
    whom whose why will with within work worked working works would yes you your
    """
)
# French.
STOP_WORDS |= _words(
    """
    à au aux avec avons ce ces cet cette contre d dans de des du elle en est et
    fait font il ils j l la le les leur lui m ma mais me mes moi mon n ne nos notre
    nous occupe on ont ou où par pas pour qu quand que quel quelle quelles quels qui
    quoi s sa se ses son sont sur t ta travaille travaillent un une vos votre vous
    y avez-vous existe-t-il
    """
)
# Spanish, Russian and Arabic: the commonest question and function words.
STOP_WORDS |= _words(
    """
    el la los las del y en por para contra con que quien quién qué sobre un una
    и в на по против кто что о об для с
    في من على ضد عن ما و
    """
)

WEAK_WORDS = _words(
    """
    programme programmes program programs project projects tool tools wco omd
    customs douane douanes smuggling trafficking traffic trade illicit illegal
    border borders frontier frontière country countries international global
    world worldwide
    illegally crime crimes criminal goods products contraband lutte trafic
    contrebande illicite illégal
    """
)
