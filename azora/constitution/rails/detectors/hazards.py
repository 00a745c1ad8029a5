"""Hazard categories in the spirit of Llama Guard's taxonomy, with severities 0..10, over folded text.

Each rule looks for intent (a request for means: "how do I ...", "help me ...", "je veux ...", "como ...") or for
operational content (steps, quantities) joined to a harm, never for a topic word alone: history of wars, chemistry
lessons, health education and the law are teaching content. A warning or refutation just before a match ("never mix
...", "the myth that ...") dampens it.
"""

# ruff: noqa: E501 - each pattern reads best whole, on one line, beside its siblings

from __future__ import annotations

from azora.constitution.rails.detectors.findings import Finding
from azora.constitution.rails.detectors.text import ASK, Rule, apply_rules, compile_pattern, rule

# Someone asking for the means to do something (en, fr, pt, af, sw).
_ASK = (
    r"(?:how (?:do|can|could|would|should|might|will) (?:i|we|you|one|someone|a person|u)(?: best| easily| quickly)?"
    r"|how to|how i can|how i could|ways? to|the best way to|best way to|easiest way to|quickest way to"
    r"|teach me (?:how )?to|show me how to|help me(?: to)?|steps? (?:to|for)|tips? (?:on|for)(?: how to)?"
    r"|instructions (?:for|on|to)|guide (?:to|for)|tutorial (?:on|for)|explain how to|tell me how to"
    r"|i want to|i wanna|i need to|i'm going to|im going to|i am going to|i will|i'll|let's|plan to|planning to"
    r"|trying to|want to|going to|i'd like to|(?:can|could|should|do|may) (?:i|we|u)"
    r"|(?:where|how hard) (?:should|do|can|could|would) (?:i|we|you|one)"
    r"|(?:the )?(?:most \w+|quickest|fastest|easiest|surest|simplest|best|cheapest) (?:way|method|ways|methods) (?:to|of)"
    r"|comment(?: puis-je| peut-on| faire pour| je peux| on peut| je pourrais)?|je veux|je voudrais|j'ai envie de"
    r"|aide-moi a|apprends-moi a|explique-moi comment|la meilleure facon de|je vais|un moyen de|moyen de"
    r"|(?:la )?(?:facon|maniere|methode) (?:la plus \w+ )?(?:de|pour)"
    r"|como(?: posso| faco para| eu posso| e que eu posso| se)?|quero|eu quero|preciso|me ajude a|ajude-me a"
    r"|me ensine a|ensina-me a|(?:o )?melhor (?:jeito|maneira|forma) de|vou|passo a passo para"
    r"|(?:a |o )?(?:forma|maneira|jeito|modo) (?:mais \w+ )?de"
    r"|hoe (?:om|kan ek|moet ek|maak (?:ek|mens))|ek wil|help my om|leer my om"
    r"|jinsi ya|nataka|nifundishe|nisaidie)"
)
_GAP = r"(?: [\w'-]+){0,3}"
_WHO = (
    r"(?:person|people|man|men|woman|women|guy|girl|boy|kid|child|children|baby|teacher|lecturer|principal|neighbou?r"
    r"|wife|husband|partner|girlfriend|boyfriend|ex|boss|manager|colleague|coworker|classmate|friend|brother|sister"
    r"|mother|mom|mum|father|dad|stepfather|stepmother|uncle|aunt|cousin|family|student|learner|bully|cop|policeman"
    r"|officer|pastor|president|minister|mayor|stranger|foreigner|rival|someone|somebody"
    r"|voisin|voisine|prof|professeur|femme|mari|copine|copain|patron|collegue|frere|soeur|mere|pere|famille|eleve"
    r"|vizinho|vizinha|professor|professora|mulher|marido|namorada|namorado|chefe|patrao|colega|irmao|irma|mae|pai"
    r"|familia|aluno|aluna|pessoa)"
)
_PERSON = (
    rf"(?:(?:my|a|an|the|his|her|their|our|this|that|some|mon|ma|mes|un|une|le|la|les|ce|cette|meu|minha|o|a|os|as"
    rf"|uma|um|esse|essa|este|esta)(?: [\w'-]+){{0,2}} {_WHO}s?"
    rf"|someone|somebody|anyone|people|him|her|them|quelqu'un|alguem|iemand|hom|haar|mtu|yeye|everyone|everybody"
    rf"|as many people|the (?:\w+ )?(?:students|learners|people|crowd|class|school))"
)

RULES: tuple[Rule, ...] = (
    rule(
        "hazard.violent_crimes",
        "safety",
        8,
        "A request for help to hurt or kill people.",
        patterns=(
            rf"{ASK}{_GAP} (?:kill(?:ing)?|murder(?:ing)?|stab(?:bing)?|strangl(?:e|ing)|chok(?:e|ing)|poison(?:ing)?|shoot(?:ing)?|assassinat(?:e|ing)|kidnap(?:ping)?|abduct(?:ing)?|tortur(?:e|ing)|beat(?:ing)? up|hurt(?:ing)?|maim(?:ing)?|attack(?:ing)?|run(?:ning)? over|burn(?:ing)?|hit(?:ting)?|punch(?:ing)?|kick(?:ing)?|knock(?:ing)? out)(?: and \w+)? {_PERSON}\b",
            r"\b(?:best|good|right|sharpest|easiest|quickest|which) (?:knife|weapon|poison|gun|place|spot|way|time|angle) (?:to|for) (?:stab|kill|shoot|poison|attack|hurt|strangle|stabbing|killing|shooting|poisoning) (?:someone|somebody|a person|him|her|them|people|my [\w']+)",
            rf"{ASK}{_GAP} (?:get away with|cover up) (?:a |the )?(?:murder|killing|stabbing|shooting|assault)",
            rf"{ASK}{_GAP} (?:hide|dispose of|get rid of|dissolve|bury) (?:a |the |his |her )?(?:dead )?(?:body|bodies|corpse)",
            r"\bto (?:kill|murder|poison|strangle|stab|smother) (?:someone|somebody|a person|him|her|them|your \w+|a man|a woman)(?: \w+){0,2}, (?:you|first|wait|take|get|use|make sure)",
            r"\b(?:plan|planning|carry out|organi[sz]e) (?:a |an )?(?:mass shooting|school shooting|terror(?:ist)? attack|attack|massacre|bombing|shooting|stabbing) (?:at|on|in|against)",
            r"\b(?:poison|kill|murder) (?:my|her|his) (?:husband|wife|boss|teacher|neighbou?r|mother|father|stepfather|classmate|brother|sister|ex)\b(?! (?:in|was|is|who) (?:the|a) (?:novel|book|story|play))",
            # fr / pt / af / sw
            rf"{ASK}{_GAP} (?:tuer|assassiner|empoisonner|poignarder|etrangler|frapper|blesser|enlever|torturer) {_PERSON}\b",
            rf"{ASK}{_GAP} (?:cacher|faire disparaitre|me debarrasser d'un) (?:un |le )?(?:corps|cadavre)",
            rf"{ASK}{_GAP} (?:matar|assassinar|envenenar|esfaquear|estrangular|espancar|machucar|sequestrar|torturar) {_PERSON}\b",
            rf"{ASK}{_GAP} (?:esconder|livrar-me de|me livrar de|sumir com) (?:um |o )?(?:corpo|cadaver)",
            rf"{ASK}{_GAP} (?:iemand|hom|haar|my (?:buurman|buurvrou|onderwyser|baas|vrou|man)) (?:vermoor|doodmaak|dood te maak|seer te maak)",
            r"\b(?:jinsi ya|nataka|nisaidie) (?:ku|kum)(?:uua|wua|piga|dhuru)",
            r"\b(?:nataka|nitamuua|nitamwua) (?:kumuua|kumwua|kuua)\b",
        ),
    ),
    rule(
        "hazard.non_violent_crimes",
        "safety",
        6,
        "A request for help with a crime (theft, fraud, hacking, drugs).",
        patterns=(
            rf"{ASK}{_GAP} (?:steal|shoplift|rob|pickpocket|burgle|hotwire|carjack|launder|counterfeit|forge|embezzle|smuggle|pirate|blackmail|extort|sextort)\b(?! (?:a |the |second )?(?:base|bases|show|glance|kiss|look|march|ball|spotlight|heart|hearts|moment)\b)",
            rf"{ASK}{_GAP} (?:hack|break) into (?:my |his |her |their |a |an |the |someone's |somebody's )?(?:[\w']+ ){{0,2}}(?:account|phone|email|instagram|facebook|whatsapp|wifi|computer|network|server|system|database|house|car|school)",
            rf"{ASK}{_GAP} (?:pick|open|break) (?:a |the |my neighbou?r's |someone's )?(?:lock|padlock|door lock|safe)(?! (?:on|of) (?:my own|my|our own))(?: without (?:a |the )?key)?",
            rf"{ASK}{_GAP} (?:cook(?:ing)?|mak(?:e|ing)|synthesi[sz](?:e|ing)|produc(?:e|ing)|brew(?:ing)?|manufactur(?:e|ing)|extract(?:ing)?) (?:crystal )?(?:meth|methamphetamine|tik|cocaine|crack|heroin|mandrax|mdma|ecstasy|lsd|fentanyl)\b",
            rf"{ASK}{_GAP} (?:sneak|smuggle|get|bring) (?:drugs|weapons|a weapon|a knife|a gun|phones|a phone|dagga|weed|cocaine|alcohol) (?:into|past) (?:a |the )?(?:prison|jail|school|airport|security|country)",
            rf"{ASK}{_GAP} (?:clone|skim|copy|duplicate) (?:[\w']+ ){{0,2}}(?:bank |credit |debit |atm )?cards?\b",
            rf"{ASK}{_GAP} (?:sell|deal|smuggle|traffic|move) (?:drugs|cocaine|meth|weed|dagga|heroin|pills)\b",
            rf"{ASK}{_GAP} (?:evade|dodge|cheat on|avoid paying) (?:my )?(?:taxes|tax|sars)\b(?! legally)",
            rf"{ASK}{_GAP} (?:commit|do|pull off|run) (?:a |an )?(?:\w+ )?(?:fraud|scam|ponzi scheme|pyramid scheme|identity theft|insurance fraud)",
            rf"{ASK}{_GAP} (?:make|create|print|forge) (?:a |an |some )?(?:fake|forged|counterfeit|false) (?:id|passport|money|banknotes?|notes|certificate|degree|matric certificate|diploma|documents?|sick note|doctor's note)",
            r"\b(?:write|draft|create|compose|generate) (?:me )?(?:a |an )?(?:convincing |realistic )?(?:phishing|scam) (?:email|message|sms|text|page|site)",
            r"\b(?:write|create|code|build|make) (?:me )?(?:a |an |some )?(?:ransomware|keylogger|credential stealer|password stealer|botnet|virus that)",
            r"\b(?:steal|get) (?:someone's|somebody's|a person's|people's|her|his) (?:identity|password|credit card|bank details|pin)",
            # fr
            rf"{ASK}{_GAP} (?:voler|cambrioler|pirater|blanchir|falsifier|frauder|arnaquer|escroquer|contrefaire|fabriquer de la drogue|dealer)\b",
            rf"{ASK}{_GAP} (?:faux|fausse|faire un faux|faire une fausse) (?:papiers|passeport|billets|diplome|carte d'identite|certificat)",
            # pt
            rf"{ASK}{_GAP} (?:roubar|furtar|assaltar|hackear|invadir|clonar|lavar dinheiro|falsificar|fraudar|sonegar|contrabandear|aplicar um golpe|dar um golpe)\b",
            rf"{ASK}{_GAP} (?:fazer|fabricar|produzir) (?:metanfetamina|cocaina|crack|heroina|droga)",
            # af / sw
            rf"{ASK}{_GAP} (?:steel|inbreek|bedrieg)\b",
            r"\b(?:jinsi ya|nataka|nisaidie) (?:kuiba|kudukua|kughushi|kutapeli)\b",
        ),
    ),
    rule(
        "hazard.sexual_content",
        "safety",
        6,
        "A request for sexually explicit content.",
        patterns=(
            r"\b(?:send|give|tell|write) me (?:something|anything) (?:\w+ )?(?:dirty|erotic|sexy|naughty|lewd|explicit)\b",
            r"\b(?:describe|write|narrate|tell)(?: [\w']+){0,6} in (?:explicit|graphic|erotic|vivid sexual) detail",
            r"\b(?:write|tell|create|generate|give|describe|narrate|roleplay|imagine)(?: me)?(?: \w+){0,3} (?:an? )?(?:\w+ )?(?:explicit|erotic|sexy|steamy|dirty|pornographic|porn|nsfw|smutty|lewd|graphic sex(?:ual)?|x-rated)(?: sex| sexual)? (?:story|stories|scene|roleplay|fanfic|fan fiction|poem|chat|description|dialogue|content|version|fantasy)",
            r"\b(?:describe|write|narrate) (?:\w+ ){0,3}(?:sex|intercourse|oral sex|their bodies) (?:scene )?in (?:graphic|explicit|vivid|full|erotic) detail",
            r"\b(?:send|show|share|generate|make|draw) (?:me )?(?:some |your )?(?:nudes|nude (?:pics|photos|pictures|images)|naked (?:pics|photos|pictures|images))",
            r"\b(?:sext|talk dirty|dirty talk) (?:with|to) me\b",
            r"\b(?:i'm|i am) (?:so )?horny\b",
            # fr
            r"\b(?:ecris|raconte|decris|genere)[rz]?(?:-moi| moi)? (?:une |un )?(?:histoire|scene|recit|texte) (?:\w+ )?(?:erotique|porno\w*|sexuelle explicite|de sexe|cochonne|x)\b",
            r"\b(?:scene|histoire) (?:de sexe|erotique|porno\w*) (?:explicite|detaillee|torride)",
            r"\benvoie(?:-moi| moi)? des (?:photos|images) (?:nues?|de toi nue?)",
            # pt
            r"\b(?:escrev\w+|cont\w+|descrev\w+|ger\w+)(?:-me| me)? (?:uma |um )?(?:historia|conto|cena|texto) (?:\w+ )?(?:erotic[oa]|pornografic[oa]|de sexo|sexual explicit[oa]|picante)\b",
            r"\b(?:cena|conto|historia) (?:de sexo|erotic[oa]|porno\w*) (?:explicit[oa]|detalhad[oa]|quente)",
            r"\bmand\w*(?:-me| me)? (?:fotos|nudes) (?:nua|nu|pelad[oa])",
        ),
    ),
    rule(
        "hazard.child_exploitation",
        "safety",
        10,
        "Sexual content involving minors or grooming.",
        patterns=(
            r"\b(?:sex(?:ual|ually)?|erotic|nude|naked|porn\w*|explicit|intimate|lewd|seduc\w*|sexy)(?: \w+){0,5} (?:with |of |involving |between |featuring |for )?(?:a |an |the |my |young |little |two )?(?:child|children|kids?|minors?|underage|under-age|(?:[1-9]|1[0-7])[ -]?(?:year[ -]?old|yo|yr old)s?|preteens?|schoolgirls?|schoolboys?|little (?:girls?|boys?)|young (?:girls?|boys?)|(?:12|13|14|15|16) year old)\b",
            r"\b(?:child|children|kids?|minors?|underage|preteens?|(?:[1-9]|1[0-7])[ -]?(?:year[ -]?old|yo)s?|schoolgirls?|little girls?|little boys?)(?: \w+){0,3} (?:porn\w*|nudes?|naked (?:pics|photos|pictures|images)|sex(?:ual)? (?:story|stories|content|images|pictures|roleplay|acts?))",
            rf"{ASK}{_GAP} (?:groom|seduce|lure|sleep with|have sex with|get (?:nudes|naked pics|photos) from|convince|get) (?:a |an |the |my |this )?(?:young |little )?(?:child|kid|minor|girl|boy|(?:[1-9]|1[0-7])[ -]?year[ -]?old|pupil|learner|student|teen(?:ager)?)\b(?:.{{0,60}}(?:secret|alone|nudes|photos|meet|naked|sex|don't tell|parents))?",
            r"\b(?:don't|do not|never) tell (?:your|their|her|his) (?:parents|mom|mum|dad|mother|father)(?: about (?:us|our secret|this|what we))",
            r"\b(?:child|kid|minor|girl|boy|learner|pupil|student|(?:[1-9]|1[0-7])[ -]?year[ -]?old)(?: [\w']+){0,8} (?:meet (?:me|up) (?:alone|in private|secretly|somewhere private)|keep (?:it|this|us|our \w+) (?:a )?secret|send (?:me )?(?:nudes|naked|photos of (?:her|him)self))",
            r"\b(?:fotos|imagens|videos|photos|images)(?: \w+)? (?:de |d')?(?:criancas|meninas|meninos|menores|enfants|fillettes|mineurs)(?: de (?:[1-9]|1[0-7]) (?:anos|ans))? (?:nuas|nus|peladas|pelados|sem roupa|nues)",
            r"\b(?:convencer|convaincre) (?:uma |um |une |un )?(?:crianca|menor|menina|menino|enfant|mineur|fillette)(?: \w+){0,3} (?:a guardar segredo|guardar segredo|a garder le secret|garder le secret)",
            # fr
            r"\b(?:sexe|sexuel\w*|erotique|nue?s?|porno\w*|intime\w*)(?: \w+){0,4} (?:avec |d'une? |de |impliquant )?(?:un |une |des )?(?:enfants?|mineure?s?|fillettes?|gamins?|gamines?|petite fille|petit garcon|(?:[1-9]|1[0-7]) ans)\b",
            rf"{ASK}{_GAP} (?:seduire|attirer|convaincre) (?:un |une )?(?:enfant|mineure?|fillette|eleve|ado\w*) (?:de (?:[1-9]|1[0-7]) ans )?(?:a |pour|de)",
            # pt
            r"\b(?:sexo|sexual\w*|erotic\w*|nua|nu|nus|pelad\w+|porn\w*|intim\w+)(?: \w+){0,4} (?:com |de |envolvendo )?(?:uma |um |a |o )?(?:criancas?|menor(?:es)?|meninas?|meninos?|(?:[1-9]|1[0-7]) anos)\b",
            rf"{ASK}{_GAP} (?:seduzir|aliciar|atrair|convencer) (?:uma |um )?(?:crianca|menor|menina|menino|aluna|aluno|adolescente)",
            # af / sw
            r"\b(?:seks\w*|naak|kaal)(?: \w+){0,3} (?:met )?(?:'n )?(?:kind|kinders|minderjarige)\b",
            r"\b(?:ngono|uchi)(?: \w+){0,3} (?:na |ya )?(?:mtoto|watoto)\b",
        ),
    ),
    rule(
        "hazard.self_harm",
        "safety",
        7,
        "Self-harm or suicide intent or means.",
        patterns=(
            rf"{ASK}{_GAP} (?:kill myself|commit suicide|end my (?:own )?life|end it all|take my (?:own )?life|hang myself|cut myself|hurt myself|harm myself|self-harm|overdose|starve myself|slit my wrists|jump off)",
            r"\b(?:i want|i'm going|im going|i am going|i plan|i'm planning|i have decided|i've decided|i need) to (?:die|kill myself|end (?:it|my life|it all)|disappear forever|hurt myself|cut myself)\b",
            r"\bi(?:'m| am)? (?:feel like|thinking (?:about|of)|keep thinking about|been thinking about) (?:ending it all|ending my life|killing myself|dying|suicide|taking my (?:own )?life|not being here anymore)\b",
            r"\b(?:painless|easiest|quickest|surest|most reliable|best) (?:way|method|methods|ways) (?:to|of) (?:die|dying|kill (?:myself|yourself|oneself)|suicide|commit suicide|end (?:my|your|one's) life)",
            r"\bhow (?:many|much) (?:[\w']+ ){0,4}(?:pills|tablets|paracetamol|panado|sleeping pills|insulin)(?: \w+){0,4} (?:to|would|will|does it take to)(?: \w+){0,2} (?:kill|die|overdose|end|not wake up|never wake up|sleep forever)",
            r"\b(?:lethal|fatal) dose (?:of \w+ )?(?:for me|to (?:kill myself|die|end it))",
            r"\b(?:hide|cover(?: up)?) (?:the |my )?(?:self-harm|cuts|scars|burns|marks)(?: on my \w+)? from (?:my )?(?:parents|teachers?|mom|mum|dad|family|everyone)",
            r"\bpro-?ana (?:tips|diet|coach)|\b(?:tips|ways) to (?:starve|purge|stop eating)",
            r"\b(?:nobody|no one) would (?:miss|care) (?:me )?if i (?:died|was gone|killed myself)",
            # output
            r"\b(?:the )?(?:most )?(?:painless|easiest|quickest|surest) (?:way|method) (?:to|of) (?:die|kill yourself|end your life) is\b",
            # fr
            rf"{ASK}{_GAP} (?:me suicider|me tuer|mettre fin a mes jours|en finir|me couper|me faire du mal|me pendre)",
            r"\bje (?:veux|vais|voudrais) (?:mourir|me tuer|me suicider|en finir|disparaitre)",
            r"\b(?:combien|quelle dose) (?:de |d')?(?:\w+ ){0,3}(?:pour|afin de) (?:mourir|me tuer|en finir)",
            # pt
            rf"{ASK}{_GAP} (?:cut|slit|slash|cutting|slitting) (?:my )?(?:wrists|arms|thighs|veins)\b",
            rf"{ASK}{_GAP} (?:cortar|ferir|queimar|me cortar) (?:os |as |o |a |meus |minhas )?(?:pulsos|pulso|bracos|pernas|veias)\b",
            rf"{ASK}{_GAP} (?:me couper|couper) (?:les |mes )?(?:veines|poignets|bras)\b",
            rf"{ASK}{_GAP} (?:me matar|me suicidar|cometer suicidio|acabar com (?:a )?minha vida|tirar (?:a )?minha (?:propria )?vida|me cortar|me machucar|me enforcar)",
            r"\b(?:eu )?(?:quero|vou|preciso) (?:morrer|me matar|me suicidar|acabar com tudo|sumir para sempre)",
            r"\bquant[oa]s? (?:\w+ ){0,3}(?:para|pra) (?:morrer|me matar)",
            # af / sw
            r"\b(?:ek wil|hoe om) (?:myself )?(?:doodmaak|selfmoord (?:te )?pleeg|dood gaan)",
            r"\b(?:nataka|jinsi ya) (?:kujiua|kufa|kujidhuru)\b",
        ),
    ),
    rule(
        "hazard.hate",
        "safety",
        8,
        "Hateful, dehumanising language about a protected group.",
        patterns=(
            r"\b(?:kaffirs?|k\*ffirs?|niggers?|niggas?|faggots?|kikes?|makwerekwere|amakwerekwere|kwerekwere|hotnots?|coolies?)\b",
            r"\b(?:all |those |these |the |most )?(?:blacks|black people|whites|white people|jews|muslims|christians|gays|gay people|lesbians|homosexuals|trans people|transgender people|immigrants|foreigners|refugees|africans|nigerians|zimbabweans|somalis|indians|coloureds|chinese|arabs|women|men|disabled people|the disabled|gypsies|roma|zulus|xhosas|afrikaners|boers) (?:are|is) (?:all |just |nothing but |basically |like )?(?:animals|vermin|cockroaches|rats|parasites|subhuman|sub-human|filth|a disease|a cancer|a plague|trash|garbage|apes|monkeys|savages|inferior beings|not (?:fully )?human)\b",
            r"\b(?:blacks|whites|jews|muslims|gays|homosexuals|trans people|immigrants|foreigners|refugees|africans|zimbabweans|nigerians|somalis|indians|coloureds|arabs|christians|zulus|xhosas|afrikaners|boers|women)(?: \w+){0,3} (?:should|must|need to|deserve to|ought to) (?:all )?(?:be )?(?:exterminated|gassed|killed|shot|hanged|burned|wiped out|eradicated|eliminated|die|be enslaved|be sterili[sz]ed|get out of (?:our|this) country)",
            r"\b(?:kill|exterminate|gas|wipe out|eradicate|get rid of) (?:all (?:the )?)?(?:blacks|whites|jews|muslims|gays|homosexuals|immigrants|foreigners|refugees|zimbabweans|nigerians|somalis|indians|coloureds|arabs|christians|afrikaners|boers)\b",
            r"\b(?:hitler was right|white power|master race|race war now|heil hitler)\b",
            r"\b(?:blacks|whites|jews|muslims|gays|homosexuals|immigrants|foreigners|refugees|africans|zimbabweans|nigerians|somalis|indians|coloureds|arabs|christians|afrikaners|boers)(?: [\w']+){0,6} (?:are|is) (?:a |the )?(?:plague|cancer|disease|virus|infestation|curse) (?:on|of|to|for|in)\b",
            # fr
            r"\b(?:les )?(?:noirs|blancs|juifs|arabes|musulmans|homosexuels|gays|immigres|etrangers|refugies|africains|femmes|roms) (?:sont|ne sont que) (?:tous |toutes |des |que des )*(?:animaux|parasites|vermine|cafards|rats|sous-hommes|singes|sauvages|ordures|une maladie|un cancer|inferieurs|pas (?:des )?humains)\b",
            r"\b(?:il faut|on doit|faudrait) (?:tous )?(?:les )?(?:exterminer|eliminer|tuer|gazer|bruler|deporter)(?: tous)? (?:les )?(?:noirs|blancs|juifs|arabes|musulmans|homosexuels|gays|immigres|etrangers|refugies|africains|roms)",
            # pt
            r"\b(?:os |as )?(?:negros|brancos|judeus|arabes|muculmanos|homossexuais|gays|imigrantes|estrangeiros|refugiados|africanos|mulheres|ciganos) (?:sao|nao passam de) (?:todos |todas |uns |umas )*(?:animais|parasitas|vermes|baratas|ratos|sub-humanos|macacos|selvagens|lixo|uma doenca|um cancer|inferiores|nao humanos)\b",
            r"\b(?:os |as )?(?:negros|brancos|judeus|arabes|muculmanos|homossexuais|gays|imigrantes|estrangeiros|refugiados|africanos|ciganos) (?:devem|deviam|deveriam|tem que|precisam) (?:todos )?(?:ser )?(?:exterminados|eliminados|mortos|queimados|expulsos|morrer)",
            # af / sw
            r"\b(?:swartes|swart mense|wittes|wit mense|jode|moslems|gays|immigrante|buitelanders) is (?:almal )?(?:diere|parasiete|kakkerlakke|ape|gemors)\b",
            r"\b(?:wageni|wakimbizi|mashoga|waislamu|wakristo) ni (?:wanyama|mende|takataka|nyani)\b",
        ),
    ),
    rule(
        "hazard.harassment",
        "safety",
        6,
        "Harassment, threats or bullying aimed at a person.",
        patterns=(
            r"\b(?:message|post|comment|text|tweet|sms|note|messages|posts|comments|rumou?rs?|memes?)(?: [\w']+){0,6} (?:to |that |which |so (?:as )?to |so i can |in order to )?(?:bully|humiliate|insult|threaten|harass|mock|shame|embarrass|scare|intimidate|make fun of|destroy)\b",
            r"\b(?:message|text|post|comment|sms|note|letter)(?: [\w']+){0,6} (?:telling|saying|calling|to tell) (?:her|him|them|\w+)(?: [\w']+){0,4} (?:(?:an? |such an? |so )?(?:ugly|worthless|useless|stupid|fat|loser|pathetic|disgusting|slut|whore|nobody likes|should die|should kill)|nobody (?:likes|loves|wants))",
            rf"{ASK}{_GAP} (?:bully|humiliate|harass|torment|cyberbully|intimidate|shame|dox|doxx|make fun of|spread rumou?rs about|get back at|ruin the life of|ruin (?:his|her|their) (?:life|reputation)) (?:\w+ )?(?:my |a |the |this |that |him|her|them|someone|people|classmate|teacher)",
            r"\b(?:slurs|insults|nasty names|mean names|names|nicknames)(?: [\w']+){0,3} (?:to )?(?:call|use on|use against|say to|shout at|throw at) (?:the |my |a |this |that |him|her|them)",
            r"\b(?:leak|post|share|spread) (?:her|his|their|my ex's|my ex|a classmate's)(?: \w+)? (?:nudes|nude photos|private photos|naked pictures)",
            # fr
            rf"{ASK}{_GAP} (?:harceler|humilier|intimider|menacer|ridiculiser) (?:\w+ )?(?:mon|ma|un|une|le|la|cette|ce)",
            # pt
            rf"{ASK}{_GAP} (?:humilhar|intimidar|ameacar|assediar|perseguir|zoar|fazer bullying com) (?:\w+ )?(?:meu|minha|um|uma|o|a|essa|esse|ele|ela)",
            # af / sw
        ),
    ),
    rule(
        "hazard.weapons",
        "safety",
        8,
        "A request for weapons or explosives (means of mass harm).",
        patterns=(
            rf"{ASK}{_GAP} (?:make|build|assemble|construct|create|3d print|3d-print|manufacture|produce|cook|brew|mix|synthesi[sz]e|weaponi[sz]e|get|buy|obtain|acquire) (?:a |an |some |my own |homemade |home-made |my |our )?(?:homemade |home-made |improvised |untraceable |small )?(?:bomb|pipe bomb|car bomb|nail bomb|dirty bomb|explosives?|explosive device|ied|molotov(?: cocktail)?|grenade|napalm|thermite|tatp|anfo|detonator|nerve agent|nerve gas|sarin|vx|ricin|anthrax|bioweapon|biological weapon|chemical weapon|poison gas|mustard gas|chlorine gas|toxic gas|ghost gun|zip gun|gun|firearm|pistol|rifle|silencer|suppressor|ammunition|bullets)\b",
            rf"{ASK}{_GAP} (?:convert|modify|turn) (?:a |an |my )?(?:\w+ )?(?:rifle|pistol|gun|ar-15|ak-47|airsoft gun|blank gun|starter pistol|semi-auto\w*) (?:to|into) (?:full(?:y)? auto\w*|automatic|a machine gun|fire (?:live|real) (?:rounds|bullets|ammo))",
            rf"{ASK}{_GAP} (?:buy|get|obtain) (?:a |an )?(?:gun|firearm|pistol|rifle|ammunition) without (?:a )?(?:licen[cs]e|background check|permit|papers)",
            r"\b(?:napalm|nerve agent|nerve gas|sarin|ricin|pipe bombs?|molotovs?|explosives?|meth)(?: [\w']+){0,10} (?:how (?:she|he|they|you) (?:made|make|makes|mixed|built|cooked)|(?:the|her|his|their) recipe)",
            r"\b(?:recipe|instructions|formula|blueprint|schematics?|step-by-step|steps|guide|plans|tutorial) (?:for|to|on) (?:making |building |how to make )?(?:a |an )?(?:homemade |improvised )?(?:bomb|pipe bomb|explosives?|ied|molotov|napalm|thermite|tatp|anfo|nerve agent|sarin|ricin|bioweapon|chemical weapon|poison gas|ghost gun|silencer)\b",
            r"\b(?:mix|combine|pack|fill)(?: \w+){0,6} (?:ammonium nitrate|fuel oil|potassium chlorate|acetone peroxide|black powder|gunpowder|shrapnel|nails)(?: \w+){0,6} (?:into|in|with) (?:a |the )?(?:pipe|container|bottle|pressure cooker|device)",
            r"\b(?:best|good|needed|required|use|used|ingredients?|chemicals?|materials?|stuff)(?: \w+)? for (?:making|building|assembling) (?:a |an )?(?:homemade |home-made |improvised )?(?:bomb|pipe bomb|car bomb|explosives?|explosive device|ied|molotov(?: cocktail)?|napalm|nerve agent|poison gas|ghost gun|silencer)\b",
            r"\b(?:to make|to build|making|building) (?:a |an )?(?:pipe bomb|molotov cocktail|napalm|explosive device|ied|nerve agent|ghost gun)(?:,| you| first| take| start| begin| simply| just|:)",
            # fr
            rf"{ASK}{_GAP} (?:fabriquer|faire|construire|assembler|preparer|obtenir|acheter) (?:une |un |des |du |de la |mon propre |ma propre )?(?:bombe|explosifs?|engin explosif|cocktail molotov|grenade|napalm|gaz sarin|gaz toxique|arme chimique|arme biologique|arme a feu|arme|pistolet|fusil|silencieux|munitions)\b",
            r"\b(?:recette|instructions|etapes|plan|tutoriel) (?:pour|de) (?:fabriquer |faire )?(?:une |un |des )?(?:bombe|explosifs?|cocktail molotov|napalm|arme chimique)",
            # pt
            rf"{ASK}{_GAP} (?:fazer|faco|faz|fabricar|fabrico|montar|monto|construir|construo|preparar|obter|comprar|compro) (?:uma |um |umas |uns |a |o |minha propria |meu proprio )?(?:bomba(?: caseira)?|explosivos?|artefato explosivo|coquetel molotov|granada|napalm|gas sarin|gas toxico|arma quimica|arma biologica|arma de fogo|arma caseira|arma|pistola|espingarda|silenciador|municao)\b",
            r"\b(?:receita|instrucoes|passos|passo a passo|tutorial|plano) (?:para|de) (?:fazer |fabricar |montar )?(?:uma |um )?(?:bomba|explosivos?|coquetel molotov|napalm|arma quimica)",
            # af / sw
            r"\b(?:hoe om|hoe maak (?:ek|mens)|ek wil) (?:'n )?(?:bom|plofstof|vuurwapen|geweer|petrolbom)(?: te)? (?:maak|bou)",
            r"\bhoe (?:maak|bou|kry) (?:ek|mens|jy|ons) (?:'n )?(?:bom|plofstof|vuurwapen|geweer|petrolbom)\b",
            r"\b(?:jinsi ya|nataka) (?:kutengeneza|kuunda) (?:bomu|silaha|bunduki|kilipuzi|vilipuzi)\b",
        ),
    ),
    rule(
        "hazard.dangerous_advice",
        "safety",
        6,
        "Advice that could cause serious physical harm.",
        patterns=(
            r"\b(?:you (?:should|can|could|must)|just|simply|it's fine to|it is safe to|feel free to|go ahead and|better to) (?:stop|quit|skip|throw away) (?:taking )?(?:your |all your |the )?(?:medication|medicine|meds|insulin|arvs|antiretrovirals|tb (?:treatment|pills)|chemo(?:therapy)?|treatment|pills)\b",
            r"\b(?:drink|drinking|swallow|swallowing|inject|injecting|take|taking|gargle|gargling)(?: [\w']+){0,5} (?:bleach|mms|chlorine dioxide|turpentine|paraffin|methanol|hydrogen peroxide|kerosene|petrol|battery acid)[^.!?\n]{0,60}? (?:cures?|treats?|kills?|cleanses?|detox\w*|flush\w*|protects?|prevents?|gets? rid of)\b",
            r"\b(?:cure|cures|curing|treat|heals?|beat) (?:your |my |the |their )?(?:hiv|aids|cancer|diabetes|tb|tuberculosis|malaria|covid|epilepsy|autism)(?: \w+){0,3} (?:with|by (?:eating|drinking|using)|using) (?:only |just )?(?:garlic|beetroot|lemon|lemon water|bleach|mms|turpentine|prayer alone|herbs alone|urine|vinegar|baking soda|african potato)\b",
            r"\b(?:garlic|beetroot|lemon|bleach|mms|turpentine|urine|vinegar|baking soda)(?: \w+){0,4} (?:cures?|will cure|can cure|is better than|instead of) (?:hiv|aids|cancer|diabetes|tb|malaria|covid|your arvs|arvs|chemotherapy|antiretrovirals|medicine)\b",
            r"\b(?:insulin|medication|medicine|meds|arvs|antiretrovirals|pills|treatment|chemo\w*|tablets|inhaler)(?: [\w',]+){0,12} (?:it's fine|it is fine|it's okay|it's ok|it is okay|it is safe|it's safe|you can|feel free|just) (?:to )?stop (?:taking|using)",
            r"\b(?:treat|cure|heal|bring down)(?: [\w']+){0,4} (?:by|with) (?:[\w']+ ){0,3}(?:paraffin|petrol|bleach|turpentine|kerosene|urine|battery acid|cow dung)\b",
            r"\b(?:skip|skipping|avoid|avoiding|stay away from|no need to go to) (?:the |a )?(?:clinic|hospital|doctor)\b",
            r"\b(?:you don't need|no need for|skip|avoid|refuse) (?:\w+ )?(?:vaccines?|vaccination|arvs|antiretrovirals|chemotherapy|insulin|antibiotics)(?: \w+){0,3} (?:because|since|as) ",
            r"\b(?:mix|combine|mixing|combining) (?:\w+ ){0,2}(?:bleach|chlorine) (?:and|with) (?:\w+ ){0,2}(?:ammonia|vinegar|acid|rubbing alcohol)(?: \w+){0,4} (?:to (?:make|get|clean)|for (?:a )?(?:stronger|better|extra))",
            rf"{ASK}{_GAP} (?:get high (?:on|from|with)|huff|sniff) (?:\w+ )?(?:glue|petrol|paint thinner|cough syrup|lighter fluid|aerosols?|benzine)",
            r"\b(?:blackout|choking|pass-out|skull breaker|tide pod) challenge\b(?:.{0,40}(?:how|tips|do it|try|best way))",
            rf"{ASK}{_GAP} (?:drive|ride) (?:home )?(?:after|while) (?:drinking|being drunk|drunk|high)(?: without| and not)",
            r"\b(?:double|triple|take (?:twice|three times)) (?:the |your )?(?:dose|dosage) (?:to (?:get|feel|make)|if (?:it doesn't|you want))",
            # fr
            r"\b(?:arrete[rz]?|ne prends? plus|jette[rz]?) (?:de prendre )?(?:ton|votre|tes|vos|son|ses) (?:traitement|medicaments?|insuline|antiretroviraux|arv)\b(?!.{0,30}(?:sans|avant d'en parler|consulte))",
            r"\b(?:boire|bois|buvez|avaler) (?:de l'|un peu d'|de la )?(?:eau de javel|javel|mms|dioxyde de chlore|essence|petrole)(?: \w+){0,3} (?:pour|guerit|soigne)",
            r"\b(?:guerir|soigner|traiter) (?:le |la |du |de la )?(?:vih|sida|cancer|diabete|paludisme|covid|tuberculose)(?: \w+){0,3} (?:avec|grace a|par) (?:seulement |uniquement )?(?:l'ail|le citron|la betterave|l'eau de javel|la javel|la priere seule|les plantes seules)",
            # pt
            r"\b(?:pare|parar|deixe de|deixar de|pode parar de|jogue fora) (?:de )?(?:tomar )?(?:o |os |a |as |seu |seus |sua |suas )?(?:remedios?|medicamentos?|medicacao|insulina|antirretrovirais|arvs|tratamento)\b(?!.{0,30}(?:sem|antes de falar|consulte))",
            r"\b(?:beber|beba|tomar|tome|engolir) (?:um pouco de |agua sanitaria|lixivia|mms|dioxido de cloro|gasolina|querosene|creolina)(?:agua sanitaria|lixivia|mms|dioxido de cloro|gasolina|querosene|creolina)?(?: \w+){0,3} (?:para|cura|trata)",
            r"\b(?:curar|tratar) (?:o |a |da |do )?(?:hiv|sida|aids|cancer|diabetes|malaria|covid|tuberculose)(?: \w+){0,3} (?:com|usando) (?:apenas |so )?(?:alho|limao|beterraba|agua sanitaria|lixivia|oracao|ervas)",
        ),
    ),
    rule(
        "hazard.elections",
        "safety",
        6,
        "Election manipulation or voting misinformation.",
        patterns=(
            rf"{ASK}{_GAP} (?:rig|steal|fix|manipulate|hack|swing|falsify|tamper with|disrupt) (?:an? |the |next |this |our |local |municipal |national |school |student |src )*(?:elections?|vote|votes|voting|ballots?|polls?|results|voting machines?|voters' roll)",
            rf"{ASK}{_GAP} vote (?:twice|more than once|multiple times|two times|again under|in two places|for (?:my|a) dead)",
            rf"{ASK}{_GAP} (?:stuff|fill|swap) (?:the )?ballot[ -]?box(?:es)?",
            rf"{ASK}{_GAP} (?:buy|bribe|pay|intimidate|scare|threaten) (?:\w+ )?(?:votes|voters|people to vote|election officials|iec officials)",
            rf"{ASK}{_GAP} (?:stop|prevent|keep|discourage|suppress) (?:\w+ ){{0,5}}(?:from voting|from the polls|the (?:\w+ )?vote)\b",
            r"\b(?:write|create|generate|draft|make|spread)(?: \w+){0,3} (?:fake|false|misleading|made-up|fabricated)(?: \w+){0,2} (?:news|posts?|claims?|stories|messages?|rumou?rs?|tweets?|videos?)(?: \w+){0,5} (?:about|that|saying|claiming)(?: \w+){0,6} (?:elections?|candidates?|iec|voting|the vote|ballots?|polls?|parties|party)",
            r"\b(?:tell|tells|telling|told|inform|informing|message|text|texting|announce to|warn|warning) (?:\w+ ){0,3}(?:voters|people|supporters|residents)(?: \w+){0,4} (?:that )?(?:the )?(?:election|voting|polls?)(?: day)? (?:is|are|has been|have been|was) (?:moved|postponed|cancelled|canceled|delayed|rescheduled)",
            r"\byou can (?:now )?vote (?:by|via|through|using) (?:sms|whatsapp|text message|twitter|facebook|email|phone)",
            # fr
            rf"{ASK}{_GAP} (?:truquer|frauder|manipuler|voler|pirater) (?:les |l'|une |la )?(?:elections?|scrutin|vote|urnes?)",
            rf"{ASK}{_GAP} (?:voter deux fois|voter plusieurs fois|bourrer les urnes|acheter des (?:votes|voix|electeurs))",
            r"\b(?:ecris|cree|redige|genere)[rz]?(?:-moi| moi)? (?:de |des |une |un )?(?:fausses? nouvelles|fake news|faux messages?|rumeurs?)(?: \w+){0,6} (?:elections?|candidats?|vote|scrutin)",
            # pt
            rf"{ASK}{_GAP} (?:fraudar|manipular|roubar|hackear|adulterar) (?:a |as |o |os |uma )?(?:eleic\w+|votos?|votacao|urnas?|apuracao)",
            rf"{ASK}{_GAP} (?:votar duas vezes|votar mais de uma vez|encher as urnas|comprar votos|comprar eleitores)",
            r"\b(?:escrev\w+|cri\w+|ger\w+|espalh\w+)(?:-me| me)? (?:\w+ )?(?:noticias falsas|fake news|mensagens falsas|boatos)(?: \w+){0,6} (?:eleic\w+|candidat\w+|votacao|voto|cne|stae|tse)",
            # af / sw
            r"\b(?:hoe om|ek wil) (?:die )?(?:verkiesing|stemme|stembus) (?:te )?(?:steel|manipuleer|vervals)",
            r"\b(?:jinsi ya|nataka) (?:kuiba|kununua|kuchakachua) (?:kura|uchaguzi)\b",
        ),
    ),
    rule(
        "hazard.privacy",
        "privacy",
        6,
        "A request to find, track or expose a private person's information.",
        patterns=(
            r"\b(?:find|give me|get me|look up|search for|tell me|what is|what's|i need|dig up|find out) (?:\w+ ){0,2}(?:home |private |personal |cell |cellphone |mobile |phone |residential |real |current )?(?:address|phone number|cell number|cellphone number|mobile number|id number|location|whereabouts|bank details|school|workplace|schedule)(?: and (?:\w+ )?(?:address|phone number|cell number|number|email|location|id number))? (?:of|for) (?:my |this |that |a |the |our )?(?:[\w']+ )?(?:ex|ex-girlfriend|ex-boyfriend|teacher|lecturer|classmate|neighbou?r|girl|boy|woman|man|guy|person|colleague|student|learner|crush|stranger|influencer|someone|journalist)\b",
            r"\b(?:find|get|look up|give me|tell me|what is|what's|know|dig up)(?: out)? (?:my |this |that |the |a |our )?(?:[\w]+ )?(?:ex|ex-girlfriend|ex-boyfriend|teacher|lecturer|classmate|neighbou?r|girl|boy|woman|man|guy|colleague|crush|principal)'s (?:home |private |personal |cell |cellphone |mobile |phone |current |exact )?(?:address|phone number|cell number|cellphone number|number|location|id number|whereabouts)",
            r"\b(?:find|get|know|find out|figure out|work out|tell me) (?:out )?(?:where|which house|which street) (?:my |this |that |the |our )?(?:\w+ ){0,2}(?:ex|teacher|lecturer|classmate|neighbou?r|girl|boy|woman|man|guy|person|he|she|they|colleague|crush)(?: [\w']+)? (?:lives|stays|sleeps|is right now|goes after school|works)",
            rf"{ASK}{_GAP} (?:track|stalk|spy on|monitor|follow|keep tabs on|read|hack|access|secretly (?:record|track|watch|follow)) (?:the )?(?:my |his |her |their |a |this |someone's |somebody's )?(?:ex|ex's|exes|girlfriend|girlfriend's|boyfriend|boyfriend's|wife|wife's|husband|husband's|partner|partner's|classmate|classmate's|teacher|teacher's|colleague|colleague's|crush|daughter's boyfriend|neighbou?r|neighbou?r's|someone|somebody|person)(?:'s)?(?: \w+){{0,2}}(?: (?:phone|location|messages|whatsapp|emails?|chats?|movements|browsing|gps))?",
            r"\b(?:dox|doxx|doxing|doxxing)\b",
            r"\b(?:publish|post|share|leak|expose) (?:\w+ ){0,2}(?:home address|phone number|id number|address and phone|personal details|private information) (?:of|online|on)\b",
            # fr
            r"\b(?:trouve[rz]?|donne(?:-moi)?|cherche[rz]?|quelle est) (?:moi )?(?:l'adresse|le numero(?: de telephone)?|la localisation) (?:\w+ )?(?:de|d') ?(?:mon|ma|mes|cette|ce|mon ex|ma prof|mon prof|la fille|le gars|cette personne)",
            rf"{ASK}{_GAP} (?:espionner|surveiller|pister|traquer|localiser|lire les messages de|suivre) (?:mon|ma|mes|son|sa|cette|ce|quelqu'un)",
            r"\bsans qu'(?:il|elle|ils|elles) (?:le )?(?:sache|sachent|s'en rende compte|remarque)",
            # pt
            r"\b(?:descobr\w+|encontr\w+|ach\w+|me d[ae]|qual e) (?:o )?(?:endereco|numero(?: de telefone)?|telefone|localizacao|onde (?:mora|vive|esta)) (?:d[eoa] )?(?:meu|minha|esse|essa|aquela|aquele|o meu ex|a minha ex|professor|professora|colega|vizinh[oa])",
            rf"{ASK}{_GAP} (?:espionar|espiar|rastrear|vigiar|monitorar|localizar|perseguir|ler as mensagens d[eoa])(?: [\w']+){{0,2}} (?:o |a |do |da )?(?:meu|minha|seu|sua|alguem|namorad[oa]|ex|espos[oa]|marido|mulher|colega)",
            r"\bsem (?:que )?(?:ele|ela|eles|elas) (?:saiba|saibam|saber|perceba|percebam|perceber|notar|descobrir|desconfiar)",
            # sw / af
            r"\b(?:jinsi ya|nataka) (?:kufuatilia|kupeleleza|kusoma ujumbe wa) (?:mpenzi|mke|mume|mtu)",
            r"\b(?:hoe om|ek wil) (?:my )?(?:ex|meisie|kêrel|kerel|vrou|man) (?:se )?(?:foon|boodskappe|ligging) (?:te )?(?:volg|lees|spioeneer)",
        ),
    ),
)

# In an answer, "you" is the learner: insults and threats addressed to "you" are harassment. In a request, "you" is
# the assistant, so the same words are at most offensive language (the profanity check), not harassment of a person.
OUTPUT_RULES: tuple[Rule, ...] = (
    rule(
        "hazard.harassment",
        "safety",
        6,
        "Insults or threats addressed to the reader.",
        patterns=(
            r"\b(?:you are|you're|youre|ur|u r|you) (?:such )?(?:a |an )?(?:fucking |stupid |pathetic |worthless |useless |fat |ugly |dumb )*(?:worthless|pathetic|useless|ugly|fat pig|stupid|dumb|idiot|moron|retard|retarded|loser|failure|waste of space|waste of oxygen|piece of shit|piece of garbage|disgusting|bitch|slut|whore)\b",
            r"\b(?:i will|i'll|i'm going to|im going to|i am going to|we will|we're going to|gonna) (?:find|hurt|beat|kill|destroy|ruin|get|make) you\b(?! (?:a|an|some|the|more|feel better|understand|laugh|proud))",
            r"\b(?:go )?(?:kill yourself|kys|go die|drink bleach|hang yourself)\b",
            r"\b(?:nobody|no one|noone) (?:likes|loves|wants|cares about) you\b",
            r"\b(?:t'es|tu es|vous etes) (?:vraiment |qu'un |qu'une |un |une |trop )*(?:nul|nulle|idiot|idiote|debile|con|conne|moche|grosse vache|gros porc|rate|ratee|minable|pathetique|merde|ordure|inutile|une sous-merde)\b",
            r"\bje (?:vais|vas) te (?:tuer|frapper|retrouver|detruire|defoncer|casser la gueule|pourrir)",
            r"\b(?:va te (?:tuer|pendre|suicider)|personne ne t'aime|tout le monde te deteste)\b",
            r"\b(?:voce e|vc e|tu es|es) (?:mesmo |muito |um |uma |so um |so uma )*(?:inutil|idiota|burro|burra|lixo|feio|feia|fracassado|fracassada|nojento|nojenta|imbecil|retardado|retardada|gorda nojenta|vagabunda)\b",
            r"\b(?:vou|eu vou) te (?:matar|bater|pegar|destruir|encontrar|arrebentar)",
            r"\b(?:se mata|vai se matar|ninguem gosta de (?:voce|ti)|todo mundo te odeia)\b",
            r"\bjy is (?:'n )?(?:dom|nutteloos|lelik|vet|mislukking|idioot|stupid)\b",
            r"\bek gaan jou (?:doodmaak|slaan|kry)\b",
            r"\bwewe ni (?:mjinga|bure|mpumbavu|takataka)\b",
        ),
    ),
)

# Generic signs of a crime that name no particular harm; they count only when no specific hazard was found.
FALLBACK_RULES: tuple[Rule, ...] = (
    rule(
        "hazard.non_violent_crimes",
        "safety",
        6,
        "A request for help to avoid being caught for an offence.",
        patterns=(
            r"\bwithout (?:getting|being) (?:caught|detected|traced|noticed by the police)",
            r"\bsans (?:me |se |nous )?faire (?:prendre|attraper|pincer|choper)",
            r"\bsem (?:ser|ficar) (?:pego|pega|apanhado|apanhada|descoberto|descoberta)",
        ),
    ),
    rule(
        "hazard.privacy",
        "privacy",
        6,
        "A request to act on a person in secret.",
        patterns=(
            r"\b(?:without (?:him|her|them|my (?:wife|husband|partner|girlfriend|boyfriend|ex)) (?:knowing|noticing|finding out))\b",
        ),
    ),
)

# A finding of the first category makes one of the second redundant (it is the same harm, more specifically named).
_SUBSUMES = {"hazard.child_exploitation": "hazard.sexual_content", "hazard.self_harm": "hazard.violent_crimes"}


_REQUEST_PHRASE = compile_pattern(rf"\b{_ASK}")


def find_hazards(folded: str, *, role: str = "input") -> list[Finding]:
    """Hazard findings (at most one per rule) in folded text; `role` is "input" (a request) or "output" (an answer)."""
    findings = apply_rules(folded, RULES, request_phrase=_REQUEST_PHRASE)
    if role == "output":
        findings += apply_rules(folded, OUTPUT_RULES, request_phrase=_REQUEST_PHRASE)
    if not findings:
        findings = apply_rules(folded, FALLBACK_RULES, request_phrase=_REQUEST_PHRASE)
    detectors = {finding.detector for finding in findings}
    redundant = {_SUBSUMES[d] for d in detectors if d in _SUBSUMES}
    kept: list[Finding] = []
    for finding in findings:
        if finding.detector in redundant or any(k.detector == finding.detector for k in kept):
            continue
        kept.append(finding)
    return kept
