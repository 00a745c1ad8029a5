"""Bias: discriminatory generalisations about protected groups (en, fr, pt, af, sw), over folded text.

A generalisation is a group named as a whole joined to a fixed trait or a restriction ("women are bad at maths",
"girls should not study engineering"). Reported speech and refutations just before it ("the stereotype that ...",
"it is a myth that ...") dampen it, so lessons about prejudice are not flagged.
"""

# ruff: noqa: E501 - each pattern reads best whole, on one line, beside its siblings

from __future__ import annotations

from azora.constitution.rails.detectors.findings import Finding
from azora.constitution.rails.detectors.text import Rule, apply_rules, rule

_GROUP_EN = (
    r"(?:women|girls|females|men|boys|males|black people|blacks|white people|whites|africans|black africans|"
    r"muslims|jews|christians|hindus|immigrants|foreigners|refugees|migrants|gay people|gays|lesbians|"
    r"homosexuals|trans people|transgender people|old people|the elderly|elderly people|older workers|"
    r"disabled people|the disabled|people with disabilities|poor people|the poor|indians|coloured people|coloureds|"
    r"asians|chinese people|the chinese|arabs|zulus|xhosas|afrikaners|nigerians|zimbabweans|somalis|"
    r"rural people|township kids|single mothers|young people|mothers)"
)
_TRAIT_EN = (
    r"(?:bad at|worse at|not good at|no good at|hopeless at|incapable of|unable to (?:lead|think|learn|understand|do)|"
    r"too emotional|lazy|stupid|dumb|less intelligent|not as (?:smart|intelligent|capable)|unintelligent|"
    r"criminals|thieves|dishonest|liars|violent|dangerous|inferior|unfit|naturally (?:inferior|submissive|weaker)|"
    r"not capable|can't (?:lead|think|do (?:maths|math|science)|be trusted|drive|learn)|cannot (?:lead|think|be trusted|learn)|"
    r"only good for|good only for|meant to stay|a burden|worthless|dirty|primitive|backward|uncivili[sz]ed|"
    r"less capable|weaker (?:at|in)|terrible (?:at|leaders|drivers)|bad (?:leaders|drivers|engineers|scientists)|"
    r"genetically (?:inferior|less)|born (?:criminals|lazy|stupid)|all (?:criminals|terrorists|thieves|lazy))"
)

RULES: tuple[Rule, ...] = (
    rule(
        "bias",
        "fairness",
        6,
        "A discriminatory generalisation about a protected group.",
        patterns=(
            rf"\b(?:all |most |the )?{_GROUP_EN} (?:are|is) (?:all |just |simply |naturally |inherently |biologically |genetically |always |generally |usually |basically |by nature )*{_TRAIT_EN}",
            rf"\b{_GROUP_EN} (?:should not|shouldn't|should never|can't|cannot|must not|mustn't|don't belong|do not belong|have no business|were not made to|aren't meant to|are not meant to) (?:be allowed to |ever )?(?:study|do|lead|vote|work|run|become|be|go to|learn|teach|own|hold|in|get)\b(?:(?: \w+){{0,4}})",
            r"\b(?:a woman's|women's|a girl's|girls') (?:place|job|role) is (?:in the kitchen|at home|in the home|to (?:cook|clean|serve|obey))",
            rf"\b{_GROUP_EN} are (?:naturally |inherently |just |simply |biologically |always )?(?:better|smarter|more intelligent|superior) (?:than|to) {_GROUP_EN}",
            r"\b(?:never|don't|do not) (?:hire|trust|employ|rent to|promote) (?:a |an )?(?:women|woman|black people|blacks|muslims|jews|immigrants|foreigners|gays|disabled people|old people|indians|coloureds|nigerians|zimbabweans|single mothers|pregnant women)\b(?! (?:less|on the basis))",
            rf"\b(?:everyone knows|it's a fact|it is a fact|science (?:shows|proves)|the truth is) (?:that )?{_GROUP_EN} (?:are|can't|cannot)",
            # fr
            r"\b(?:les |toutes les |tous les )?(?:femmes|filles|noirs|africains|arabes|musulmans|juifs|immigres|etrangers|homosexuels|handicapes|pauvres|vieux|roms) (?:sont|seront) (?:toutes |tous |des |naturellement |par nature |biologiquement )*(?:nulles?|nuls|mauvaises?|mauvais|moins (?:intelligent\w*|capables|dou\w+)|paresseu\w+|incapables|inferieur\w*|voleurs|violents|terroristes|criminels|dangereux|sales|stupides|betes|trop emotives|faites pour)",
            r"\b(?:les )?(?:femmes|filles|noirs|africains|arabes|musulmans|immigres|etrangers|homosexuels|handicapes) ne (?:peuvent|devraient|doivent|savent) (?:pas|jamais) (?:etudier|diriger|faire|voter|travailler|conduire|etre|reussir|comprendre)",
            r"\b(?:la place d'une femme|la place des femmes) est (?:a la cuisine|a la maison|au foyer)",
            # pt
            r"\b(?:as |os |todas as |todos os )?(?:mulheres|meninas|negros|africanos|arabes|muculmanos|judeus|imigrantes|estrangeiros|homossexuais|gays|deficientes|pobres|idosos|ciganos) (?:sao|serao) (?:todas |todos |naturalmente |por natureza |biologicamente )*(?:ruins|piores|pessimas?|pessimos|menos (?:inteligentes|capazes)|preguicos\w*|incapazes|inferiores|ladroes|violentos|burr\w+|estupid\w+|emotivas demais|feitas para)",
            r"\b(?:as |os )?(?:mulheres|meninas|negros|africanos|imigrantes|estrangeiros|homossexuais|deficientes) (?:nao|nunca) (?:devem|deveriam|podem|conseguem|sabem) (?:estudar|liderar|fazer|votar|trabalhar|dirigir|ser|aprender|entender)",
            r"\b(?:o lugar da mulher|lugar de mulher) e (?:na cozinha|em casa)",
            # af
            r"\b(?:vroue|meisies|swart mense|swartes|wit mense|buitelanders|immigrante|gays) (?:is|kan) (?:van nature |almal |net )?(?:sleg|swak|dom|lui|minderwaardig|nie (?:leiers|slim|goed))",
            r"\b(?:'n vrou se plek|die vrou se plek) is in die kombuis",
            # sw
            r"\b(?:wanawake|wasichana|wageni|wakimbizi) (?:hawawezi|hawafai|si wazuri) (?:kusoma|kuongoza|kufanya|katika|kwa)",
            r"\bmahali pa mwanamke ni jikoni",
        ),
    ),
)


def find_bias(folded: str) -> list[Finding]:
    """Bias findings in folded text."""
    return apply_rules(folded, RULES)
