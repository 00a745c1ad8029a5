"""Prompt-injection and jailbreak patterns (en, fr, pt, af, sw) over folded text (lower case, no accents).

Injection: attempts to override the instructions, reveal the hidden prompt, or smuggle in a fake system turn.
Jailbreak: attempts to switch the assistant into a persona or "mode" without its rules (DAN, developer mode ...).
"""

# ruff: noqa: E501 - each pattern reads best whole, on one line, beside its siblings

from __future__ import annotations

from azora.constitution.rails.detectors.findings import Finding
from azora.constitution.rails.detectors.text import Rule, apply_rules, rule

_PREVIOUS = r"(?:previous|prior|above|earlier|preceding|original|initial|system|your|all|any|the|these|those)"
_INSTRUCTIONS = r"(?:instructions?|rules|prompts?|directions|guidelines|directives|messages|context|programming|training|constraints|policies)"

RULES: tuple[Rule, ...] = (
    rule(
        "injection",
        "safety",
        7,
        "An attempt to override the assistant's instructions.",
        patterns=(
            rf"\b(?:ignore|disregard|forget|skip|override|overwrite|bypass) (?:all |any |every )?(?:of )?{_PREVIOUS}(?: \w+){{0,3}} {_INSTRUCTIONS}\b",
            r"\b(?:ignore|disregard|forget) (?:all |everything )?(?:of )?(?:the |what is |what's )?(?:above|previous|preceding|prior|earlier)(?: (?:text|message|content|prompt|instructions?|said))?,? (?:and|then|instead|now)\b",
            r"\bforget (?:everything|all) (?:you (?:were|have been) told|above|before|i said|that came before)",
            r"\b(?:new|updated|real) (?:system )?instructions ?:",
            r"\bfrom now on,? (?:you (?:will|must|are|shall)(?: \w+){0,3} (?:no|not|without|free|unrestricted|unfiltered|obey|only obey|ignore|never refuse)\b|you have no|ignore|answer without|respond without)",
            r"\byou (?:are|will) no longer (?:an? )?(?:assistant|ai|bound|restricted|limited|follow)",
            r"\bdo not follow (?:your|the|any) (?:rules|instructions|guidelines)",
            r"\b(?:system|admin|developer|security|safety) override\b",
            r"\b(?:previous|above|earlier|prior|your|all|the) (?:rules|instructions|guidelines|restrictions|policies) (?:no longer apply|are (?:void|cancelled|canceled|suspended|lifted|disabled|off)|do not apply|don't apply)",
            # fr
            r"\b(?:ignore[rz]?|oublie[rz]?|ne tiens pas compte d[e'] ?) (?:toutes |tout )?(?:les |tes |vos |des )?(?:instructions|regles|consignes|directives)(?: \w+)?",
            r"\ba partir de maintenant,? (?:tu|vous)(?: [\w']+){0,3} (?:n'as|n'avez|sans|obeis|obeissez|ignores|ignorez|libre|plus de regles)",
            r"\bnouvelles instructions ?:",
            # pt
            r"\b(?:ignor[ae]r?|esquec[ae]r?|desconsider[ae]r?) (?:todas |tudo )?(?:as |os |suas |tuas |seus |teus |das )*(?:instrucoes|regras|diretrizes|orientacoes)",
            r"\ba partir de agora,? (?:voce|tu)(?: \w+){0,3} (?:obedece|obedeces|ignora|ignoras|nao tem|nao tens|sem regras|sem restricoes|esta livre|estas livre|es livre|e livre)",
            r"\bnovas instrucoes ?:",
            # af
            r"\b(?:ignoreer|vergeet) (?:al |alle )?(?:die |jou )?(?:vorige |bogenoemde )?(?:instruksies|reels|opdragte)",
            # sw
            r"\b(?:puuza|sahau) (?:maagizo|maelekezo|sheria|amri)",
        ),
        dampened=False,
    ),
    rule(
        "injection",
        "safety",
        7,
        "An attempt to reveal the assistant's hidden instructions.",
        patterns=(
            r"\b(?:reveal|show|print|repeat|output|display|leak|dump|give|tell|share|write out|spell out|recite) (?:me |us )?(?:all )?(?:of )?(?:your|the) (?:full |entire |exact |complete |hidden |secret |original |initial )*(?:system |hidden |initial |secret |original |developer )(?:prompt|instructions|message|rules)",
            r"\bwhat (?:is|are|was|were) (?:your|the) (?:full |exact |hidden |secret |original |initial )*(?:system prompt|system instructions|hidden instructions|initial instructions|initial prompt)",
            r"\b(?:repeat|print|output) (?:the |all )?(?:text|words|everything) (?:above|before) (?:this|the first)",
            # fr
            r"\b(?:revele|montre|affiche|donne|repete|dis|ecris|recite)[rsz]?(?:-moi| moi)? (?:ton|votre|le|tes|vos|les) (?:prompt|message|invite|instructions|consignes) (?:systeme|initia\w*|cache\w*|secret\w*)",
            # pt
            r"\b(?:revel\w+|mostr\w+|exib\w+|diga|repit\w+|imprim\w+|escrev\w+)(?:-me| me)? (?:o |os |as |a )?(?:seu |teu |suas |tuas )?(?:prompt|mensagem|instrucoes) (?:do |de )?(?:sistema|inicia\w*|ocult\w*|secret\w*)",
            # af
            r"\bwys (?:my )?(?:jou )?(?:stelsel|sisteem)(?:-| )?(?:prompt|instruksies|opdragte)",
            # sw
            r"\b(?:nionyeshe|onyesha|niambie|nipe) (?:maagizo|maelekezo) (?:yako )?(?:ya )?(?:mfumo|siri)",
        ),
        dampened=False,
    ),
    rule(
        "injection",
        "safety",
        7,
        "A fake system or developer turn inside the message.",
        patterns=(
            r"<\|?(?:system|im_start|im_end|endoftext)\|?>",
            r"</?(?:system|instructions?|sys)>",
            r"(?:^|\n)\s*#{2,} ?(?:system|instruction|new instructions|developer)\b",
            r"\[/?(?:inst|system|sys)\]",
            r"(?:^|\n)\s*(?:system|developer) ?: ?(?:you|ignore|the assistant|new)",
        ),
        dampened=False,
    ),
    rule(
        "jailbreak",
        "safety",
        8,
        "An attempt to switch off the assistant's rules (jailbreak).",
        patterns=(
            r"\b(?:you are|you're|act as|be|become|play|roleplay as|role-play as|role play as|pretend to be|switch to|enable|activate|enter) (?:now )?(?:a |an |the )?dan\b",
            r"\bdan(?: mode| prompt|,? which stands for)|\bdo anything now\b",
            r"\b(?:developer|dev|god|sudo|unrestricted|unfiltered|uncensored|evil|chaos|opposite|jailbreak|jailbroken) mode\b",
            r"\b(?:this is a |a )?jailbreak(?: prompt)?\b",
            r"\b(?:pretend|act|behave|imagine|roleplay|role-play|role play)(?: that)?(?: as if)?(?: you(?:'re| are)?| to be| as)? (?:an? )?(?:\w+ )?(?:ai|assistant|model|chatbot|bot|character|persona|entity)? ?(?:with no|without(?: any)?|free (?:of|from)|that has no|who has no|that doesn't have|with zero|(?:you )?(?:have|had|has) no|(?:you )?(?:don't|do not) have(?: any)?) (?:\w+ )?(?:restrictions|rules|filters|limits|limitations|guidelines|censorship|ethics|morals|boundaries|safety)",
            r"\b(?:bypass|disable|turn off|switch off|ignore|remove|circumvent|evade|get around|jailbreak) (?:all |any |your |the |of your |its )*(?:safety |content |ethical |moral |openai )?(?:filters?|guidelines|restrictions|guardrails|safeguards|policies|polic(?:y|ies)|limitations|censorship|rules)\b",
            r"\b(?:uncensored|unfiltered|unrestricted|amoral) (?:ai|assistant|version|model|chatbot|response|answer|mode)\b",
            r"\byou are (?:now )?(?:an? )?(?:\w+ )?(?:ai|assistant|bot|model|chatbot|character)(?: \w+)? (?:with no|without(?: any)?|free (?:of|from)|that has no|who has no) (?:\w+ )?(?:restrictions|rules|filters|limits|limitations|guidelines|censorship|ethics|morals|boundaries)",
            r"\bstay in character (?:no matter|whatever|even if)",
            r"\b(?:has|have) been (?:freed|liberated|released|unshackled|unchained) from (?:all )?(?:of )?(?:its |your |the |their |his |her )?(?:rules|restrictions|constraints|guidelines|programming|filters|limits)",
            r"\byou (?:have been|are now|are) (?:freed|liberated|free) from (?:your |the |all )?(?:rules|restrictions|constraints|guidelines|programming)",
            # fr
            r"\b(?:fais|faites|fait) comme si (?:tu|vous) (?:n'avais|n'avez|n'as|etais|etiez) (?:aucune?|pas de|plus de|sans) (?:\w+ )?(?:restrictions?|regles?|limites?|filtres?|censure|morale)",
            r"\bsans (?:aucune? )?(?:restrictions?|filtres?|censure|limites?|regles?)(?: morales?| ethiques?)?,? (?:reponds|repond|dis|ecris|explique)",
            r"\b(?:contourne|desactive|ignore|supprime)[rz]? (?:tes|les|vos|ses|tous tes) (?:filtres|regles|restrictions|garde-fous|limites)",
            r"\bmode (?:developpeur|dan|sans (?:filtre|restriction|limite)s?)\b",
            # pt
            r"\bfin[gj]\w* (?:que )?(?:\w+ ){0,4}(?:que )?(?:nao (?:tem|tens|possui)|sem) (?:nenhuma |qualquer )?(?:restricao|restricoes|regras?|limites?|filtros?|censura)",
            r"\bsem (?:nenhuma |qualquer )?(?:restricoes|filtros|censura|limites|regras)(?: morais| eticas)?,? (?:responda|diga|escreva|explique|me diga)",
            r"\b(?:contorn\w+|desativ\w+|ignor\w+|remov\w+|burl\w+) (?:os |as |seus |suas |teus |tuas )+(?:filtros|regras|restricoes|limites|protecoes)",
            r"\bmodo (?:desenvolvedor|dan|sem (?:filtros?|restricoes|limites))\b",
            # af
            r"\bsonder (?:enige )?(?:beperkings|filters|reels|sensuur),? (?:antwoord|se|skryf|verduidelik)",
            r"\b(?:maak asof|speel) (?:jy|jou) (?:geen|nie) (?:beperkings|reels|filters)",
            # sw
            r"\bbila (?:vikwazo|vizuizi|masharti|kichujio|udhibiti)(?: vyovyote| yoyote)?,? (?:jibu|niambie|andika|eleza)",
            r"\bjifanye (?:huna|kuwa) (?:vikwazo|vizuizi|sheria|masharti)",
        ),
        dampened=False,
    ),
)


def find_injections(folded: str) -> list[Finding]:
    """Injection and jailbreak findings (at most one per rule) in folded text."""
    return apply_rules(folded, RULES)
