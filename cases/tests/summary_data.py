"""Seed-like records for the sentence-summary tests, built with factories.

Kozlov (imprisonment, 7 years 6 months, his trial, his charge of inciting
social hatred) and the convicted protesters as a group ("up to 12 years"),
as the Zhanaozen documents describe them; plus a confidential witness-like
person and a restricted one, to test protection.
"""

from dataclasses import dataclass

from cases.choices import SentenceKind, SentenceStatus
from cases.models import Sentence
from casetracker.choices import Confidentiality, Qualifier
from people.tests.factories import GroupFactory, OrganizationFactory, PersonFactory

from .factories import (
    CaseFactory,
    ChargeFactory,
    CitationFactory,
    DefendantFactory,
    LegalArticleFactory,
    PlaceFactory,
    SentenceFactory,
    SourceFactory,
    TrialFactory,
)


@dataclass
class SeedLike:
    kozlov: Sentence
    protesters: Sentence
    confidential: Sentence
    restricted: Sentence


def build_seed_like() -> SeedLike:
    aqtau = PlaceFactory(name="Aqtau")
    court = OrganizationFactory(name="Mangystau Regional Court", kind="court")
    verdict = SourceFactory(title="Kazakhstan: Opposition leader jailed after unfair trial")
    report = SourceFactory(title="Striking Oil, Striking Workers")

    kozlov_case = CaseFactory(title="Trial of Kozlov, Sapargali and Aminov")
    kozlov = DefendantFactory(case=kozlov_case, person=PersonFactory(name="Vladimir Kozlov"), arrested="2012-01-23")
    article = LegalArticleFactory(code="Criminal Code", article="164(3)", title="Inciting social hatred")
    charge = ChargeFactory(defendant=kozlov, article=article)
    trial = TrialFactory(case=kozlov_case, court=court, place=aqtau, start="2012-08-16", verdict_date="2012-10-08")
    kozlov_sentence = SentenceFactory(
        defendant=kozlov,
        trial=trial,
        kind=SentenceKind.IMPRISONMENT,
        term_months=90,
        term_qualifier=Qualifier.EXACT,
        start="2012-01-23",
        status=SentenceStatus.SERVING,
    )
    CitationFactory(source=verdict, content_object=kozlov_sentence, excerpt="sentenced to seven and a half years")
    CitationFactory(source=verdict, content_object=charge, excerpt="inciting social hatred")
    CitationFactory(source=report, content_object=trial, excerpt="the trial in Aqtau")

    protesters_case = CaseFactory(title="Convicted Zhanaozen protesters")
    protesters = DefendantFactory(
        case=protesters_case,
        person=GroupFactory(name="Convicted Zhanaozen protesters", group_size=30, group_size_qualifier="more_than"),
        arrested="2011-12",
    )
    ChargeFactory(defendant=protesters, article=None, offence_description="Participation in mass disorder")
    protesters_trial = TrialFactory(
        case=protesters_case, court=None, place=aqtau, start="2012-03", verdict_date="2012-06"
    )
    protesters_sentence = SentenceFactory(
        defendant=protesters,
        trial=protesters_trial,
        kind=SentenceKind.IMPRISONMENT,
        term_months=144,
        term_qualifier=Qualifier.UP_TO,
        start=None,
        status=SentenceStatus.UNKNOWN,
    )
    CitationFactory(source=report, content_object=protesters, excerpt="sentences of up to 12 years")

    hidden_case = CaseFactory(title="Trial of a witness at risk")
    confidential = SentenceFactory(
        defendant=DefendantFactory(
            case=hidden_case,
            person=PersonFactory(name="Anonymous resident", confidentiality=Confidentiality.CONFIDENTIAL),
        ),
        term_months=36,
        start="2012-05",
    )
    CitationFactory(
        source=SourceFactory(title="Interview with an anonymous resident"),
        content_object=confidential.defendant,
        excerpt="he asked not to be named",
    )
    restricted = SentenceFactory(
        defendant=DefendantFactory(
            case=kozlov_case, person=PersonFactory(name="Restricted defendant", confidentiality="restricted")
        ),
        kind=SentenceKind.PROBATION,
        term_months=60,
        start="2012-10-08",
    )
    return SeedLike(
        kozlov=kozlov_sentence, protesters=protesters_sentence, confidential=confidential, restricted=restricted
    )
