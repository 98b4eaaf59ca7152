"""Rules for what people write about others: manager reviews, peer feedback, rating and
decision reasons (``perfpacket lint --kind review``, and hints in the server's forms).

Each rule rests on published research into how reviews differ by who is reviewed:

- personality words: Snyder (2014), "The abrasiveness trap", Fortune, 26 August 2014: in 248
  reviews, critical feedback about personality appeared in 71 of 94 critical reviews of women
  and 2 of 83 of men; "abrasive" was used about women and never about men.
- vague praise: Correll & Simard (2016), "Research: Vague Feedback Is Holding Women Back",
  Harvard Business Review: women's reviews held less specific feedback tied to outcomes.
- hedges and double standards: Trix & Psenka (2003), "Exploring the color of glass: letters
  of recommendation for female and male medical faculty", Discourse & Society 14(2): "doubt
  raisers" (hedges, faint praise) were more frequent in letters about women.
- protected characteristics: age, sex, pregnancy and family status, race, religion, national
  origin and disability are not performance (US Title VII, ADEA, ADA; UK Equality Act 2010);
  their mention in a review is a bias risk and a legal one.
- unsupported claims: absolute generalisations ("always", "never") and numbers with no
  evidence behind them read as fact to a committee; Buckingham & Goodall (2019), "The
  Feedback Fallacy", HBR, on ratings that say more about the rater than the rated.

They are hints: they say what to look at and how to rewrite it, never block a form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfpacket.lint.document import Document
from perfpacket.lint.engine import BaseRule, Diagnostic, LintContext
from perfpacket.lint.rules._prose import prose
from perfpacket.lint.rules._words import has_evidence
from perfpacket.quantities import find_quantities
from perfpacket.vocab import LintKind

PERSONALITY = (
    "abrasive|bossy|emotional|aggressive|shrill|pushy|temperamental|hysterical|catty|"
    "feisty|sassy|opinionated|intimidating|dramatic|moody|arrogant|strident|frosty|brash|"
    "irrational|oversensitive|high-maintenance|bubbly|sweet|cheerful|nice|likable|likeable|"
    "difficult|negative|defensive|combative|harsh|cold|loud|quiet|shy|timid|passive|"
    "negative"
)
# A personality word said of the person: "she is abrasive", "comes across as bossy", "too
# emotional", "her abrasive style".
PERSONALITY_RE = re.compile(
    rf"""\b(?:
        (?:is|was|are|were|be|been|being|seems?|seemed|appears?|appeared|sounds?|sounded
           |comes?\s+across(?:\s+as)?|came\s+across(?:\s+as)?|can\s+be|gets?|got)
        \s+(?:\w+\s+){{0,2}}?(?P<w1>{PERSONALITY})
      | too\s+(?P<w2>{PERSONALITY})
      | (?P<w3>{PERSONALITY})\s+(?:personality|attitude|tone|style|manner|behaviou?r|demeanou?r)
      | (?:his|her|their)\s+(?P<w4>personality|attitude|tone|demeanou?r)
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
PRAISE_RE = re.compile(
    r"\b(?:great|good|awesome|amazing|fantastic|excellent|solid|wonderful|outstanding|"
    r"rock\s?star|team\s+player|strong\s+performer|pleasure\s+to\s+work\s+with|go-getter|"
    r"an\s+asset|superstar|ninja|hard-?working|hardworking|reliable|dependable)\b",
    re.IGNORECASE,
)
SPECIFIC_RE = re.compile(
    r"\b(?:because|for example|for instance|e\.g\.|which|so that|when (?:she|he|they)|"
    r"by (?:\w+ing))\b",
    re.IGNORECASE,
)
HEDGE_RE = re.compile(
    r"""\b(?:
        seems?\s+to|seemed\s+to|appears?\s+to|appeared\s+to|might\s+be|may\s+be|somewhat
      | fairly|not\s+bad|not\s+the\s+worst|could\s+have\s+been\s+worse|tries\s+to|tried\s+to
      | attempts?\s+to|attempted\s+to|in\s+(?:her|his|their)\s+own\s+way|a\s+bit\s+of\s+a
      | for\s+a\s+(?:woman|girl|man|mother|father|parent|junior)|for\s+(?:her|his|their)\s+age
      | surprisingly|despite\s+being|considering\s+(?:she|he|they)|not\s+(?:very|particularly)
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
PROTECTED_RE = re.compile(
    r"""\b(?:
        young|younger|old|older|elderly|age|aged|millennial|boomer|gen\s?z|retire(?:ment|d)?
      | pregnan(?:t|cy)|maternity|paternity|parental\s+leave|family\s+plans|kids|children
      | mother|mom|mum|father|dad|married|husband|wife|wedding|divorce(?:d)?
      | religio(?:n|us)|church|mosque|synagogue|temple|muslim|christian|jewish|hindu|sikh
      | race|racial|ethnic(?:ity)?|accent|foreign|immigrant|native\s+speaker|nationality
      | disab(?:led|ility)|illness|sick\s+leave|medical\s+leave|mental\s+health|wheelchair
      | gay|lesbian|transgender|woman|women|female|girl|girls|lady|ladies|male|guy
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
ABSOLUTE_RE = re.compile(
    r"\b(?:always|never|constantly|everyone|everybody|nobody|no\s+one|all\s+the\s+time|"
    r"every\s+single|without\s+exception)\b",
    re.IGNORECASE,
)


class ReviewRule(BaseRule):
    kind = LintKind.REVIEW
    severity = "warning"


class PersonalityWords(ReviewRule):
    name = "personality-words"
    code = "PR201"
    summary = "The person's personality judged, instead of their work."
    hint = (
        "describe the behaviour and its effect on the work: what happened, when, and what it cost"
    )
    bad = "She can be abrasive in design reviews."
    good = (
        "In the March design review she rejected the proposals without saying why, and the "
        "team rewrote them."
    )

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            m = PERSONALITY_RE.search(s.text)
            if m:
                word = next(g for g in m.groups() if g)
                yield self.at(s, f"'{word}' judges personality, not work")


class VaguePraise(ReviewRule):
    name = "vague-praise"
    code = "PR202"
    summary = "Praise with nothing a committee can check."
    hint = "say what they did and what it changed, with a claim or an example"
    bad = "He is a great team player and a pleasure to work with."
    good = (
        "He is a great team player: he reviewed other teams' changes at {{ claim.reviews-given }}."
    )

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            m = PRAISE_RE.search(s.text)
            if m and not has_evidence(s) and not SPECIFIC_RE.search(s.text) and ":" not in s.text:
                yield self.at(s, f"'{m.group(0)}' praises without saying what was done")


class Hedged(ReviewRule):
    name = "hedged-praise"
    code = "PR203"
    summary = "Hedges and double standards that raise doubt without saying why."
    hint = (
        "say it plainly with its evidence, or leave it out; compare with what you wrote of others"
    )
    bad = "She seems to be fairly competent for a junior."
    good = "She shipped the retriever migration on schedule and handled its two incidents."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            m = HEDGE_RE.search(s.text)
            if m:
                yield self.at(s, f"'{m.group(0)}' raises doubt without evidence")


class ProtectedCharacteristic(ReviewRule):
    name = "protected-characteristic"
    code = "PR204"
    summary = "A protected characteristic mentioned in a review of work."
    hint = "leave out age, sex, family, health, religion, race and origin: they are not performance"
    bad = "Since coming back from maternity leave she has been less available."
    good = "This half she closed fewer of her team's tickets than last."

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            m = PROTECTED_RE.search(s.text)
            if m:
                yield self.at(s, f"'{m.group(0)}' is a protected characteristic, not performance")


class UnsupportedClaim(ReviewRule):
    name = "unsupported-claim"
    code = "PR205"
    summary = "A sweeping or numeric statement about the person that no evidence backs."
    hint = "cite the incident, the review or the claim it rests on, or soften it to what you saw"
    bad = "He always misses deadlines and broke production 5 times."
    good = (
        "He missed the Q2 launch date by {{ claim.qa-cycle-time }}; the incident review is INC-231."
    )

    def check(self, doc: Document, ctx: LintContext) -> Iterator[Diagnostic]:
        for s in prose(doc):
            if s.refs:
                continue
            m = ABSOLUTE_RE.search(s.text)
            numbers = find_quantities(s.text)
            if m:
                yield self.at(s, f"'{m.group(0)}' generalises without evidence")
            elif numbers:
                yield self.at(s, f"'{numbers[0].text}' is stated with no evidence behind it")


REVIEW_RULES = (
    PersonalityWords(),
    VaguePraise(),
    Hedged(),
    ProtectedCharacteristic(),
    UnsupportedClaim(),
)
