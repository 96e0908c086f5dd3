"""SentenceFilterSet: the filters behind the sentence list and the sentence-summary exports."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from cases.filtersets import SentenceFilterSet
from cases.models import Sentence
from cases.tests.factories import (
    CaseFactory,
    ChargeFactory,
    DefendantFactory,
    EventFactory,
    SentenceFactory,
    TrialFactory,
)
from casetracker.choices import Confidentiality
from people.tests.factories import PersonFactory, PersonNameFactory

pytestmark = pytest.mark.django_db


def request_for(user=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


def ids(data, user=None):
    filterset = SentenceFilterSet(data, queryset=Sentence.objects.all(), request=request_for(user))
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("id", flat=True))


def sentence_with_verdict(verdict_date):
    defendant = DefendantFactory()
    return SentenceFactory(defendant=defendant, trial=TrialFactory(case=defendant.case, verdict_date=verdict_date))


def test_verdict_after_matches_finer_later_and_coarser_overlapping_dates():
    year_only = sentence_with_verdict("2012")
    september = sentence_with_verdict("2012-09-30")
    october_day = sentence_with_verdict("2012-10-08")
    october = sentence_with_verdict("2012-10")
    later = sentence_with_verdict("2013")
    assert ids({"verdict_after": "2012-10"}) == sorted([year_only.id, october_day.id, october.id, later.id])
    assert september.id not in ids({"verdict_after": "2012-10"})


def test_verdict_before_matches_dates_within_the_given_period():
    year_only = sentence_with_verdict("2012")
    october_day = sentence_with_verdict("2012-10-08")
    november = sentence_with_verdict("2012-11-01")
    earlier = sentence_with_verdict("2011-05")
    assert ids({"verdict_before": "2012-10"}) == sorted([year_only.id, october_day.id, earlier.id])
    assert november.id not in ids({"verdict_before": "2012-10"})


def test_verdict_range_is_inclusive_at_day_precision():
    day = sentence_with_verdict("2012-10-08")
    sentence_with_verdict("2012-10-09")
    assert ids({"verdict_after": "2012-10-08", "verdict_before": "2012-10-08"}) == [day.id]


def test_bad_date_is_a_field_error():
    filterset = SentenceFilterSet({"verdict_after": "2012-13"}, queryset=Sentence.objects.all(), request=request_for())
    assert not filterset.is_valid()
    assert "verdict_after" in filterset.errors


def test_term_range_in_months():
    short = SentenceFactory(term_months=24)
    long = SentenceFactory(term_months=90)
    SentenceFactory(term_months=None, term_qualifier="")
    assert ids({"term_min": 30}) == [long.id]
    assert ids({"term_max": 30}) == [short.id]
    assert ids({"term_min": 24, "term_max": 90}) == sorted([short.id, long.id])


def test_kind_and_status_accept_several_values():
    prison = SentenceFactory(kind="imprisonment")
    probation = SentenceFactory(kind="probation", status="completed")
    SentenceFactory(kind="restricted_freedom")
    assert ids({"kind": ["imprisonment", "probation"]}) == sorted([prison.id, probation.id])
    assert ids({"status": ["completed"]}) == [probation.id]


def test_case_defendant_person_and_legal_article():
    sentence = SentenceFactory()
    other = SentenceFactory()
    charge = ChargeFactory(defendant=sentence.defendant)
    ChargeFactory(defendant=sentence.defendant)  # a second charge must not duplicate the row
    assert ids({"case": sentence.defendant.case_id}) == [sentence.id]
    assert ids({"defendant": other.defendant_id}) == [other.id]
    assert ids({"person": sentence.defendant.person_id}) == [sentence.id]
    assert ids({"legal_article": charge.article_id}) == [sentence.id]
    assert ids({"case": 999999}) == []


def test_event_filter_uses_cases_linked_to_the_event():
    sentence = SentenceFactory()
    SentenceFactory()
    event = EventFactory()
    sentence.defendant.case.events.add(event, EventFactory())
    assert ids({"event": event.id}) == [sentence.id]


def test_q_finds_a_person_by_any_variant_in_any_case():
    person = PersonFactory(name="Vladimir Kozlov")
    PersonNameFactory(person=person, name="Владимир Козлов", language="ru")
    sentence = SentenceFactory(defendant=DefendantFactory(person=person))
    SentenceFactory()
    assert ids({"q": "kozlov"}) == [sentence.id]
    assert ids({"q": "КОЗЛОВ"}) == [sentence.id]


def test_anonymous_never_sees_protected_persons_or_cases():
    public = SentenceFactory()
    SentenceFactory(defendant=DefendantFactory(person=PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL)))
    SentenceFactory(defendant=DefendantFactory(case=CaseFactory(confidentiality=Confidentiality.RESTRICTED)))
    assert ids({}) == [public.id]
    filterset = SentenceFilterSet({}, queryset=Sentence.objects.all())
    assert list(filterset.qs) == [public]


def test_staff_filter_by_effective_confidentiality(staff_user, senior_user):
    public = SentenceFactory()
    restricted_case = CaseFactory(confidentiality=Confidentiality.RESTRICTED)
    restricted = SentenceFactory(defendant=DefendantFactory(case=restricted_case))
    confidential = SentenceFactory(
        defendant=DefendantFactory(
            person=PersonFactory(confidentiality=Confidentiality.CONFIDENTIAL),
            case=CaseFactory(confidentiality=Confidentiality.RESTRICTED),
        )
    )
    assert ids({}, staff_user) == sorted([public.id, restricted.id])
    assert ids({"confidentiality": "restricted"}, senior_user) == [restricted.id]
    assert ids({"confidentiality": "confidential"}, senior_user) == [confidential.id]
    assert ids({"confidentiality": "public"}, senior_user) == [public.id]
    assert ids({"confidentiality": "confidential"}, staff_user) == []


def test_confidentiality_filter_is_refused_to_anonymous_clients():
    filterset = SentenceFilterSet({"confidentiality": "public"}, queryset=Sentence.objects.all(), request=request_for())
    assert filterset.is_valid()
    with pytest.raises(PermissionDenied):
        list(filterset.qs)


def test_ordering_puts_unknown_terms_last_in_both_directions():
    unknown = SentenceFactory(term_months=None, term_qualifier="")
    short = SentenceFactory(term_months=12)
    long = SentenceFactory(term_months=60)
    filterset = SentenceFilterSet({"ordering": "term_months"}, queryset=Sentence.objects.all(), request=request_for())
    assert [s.id for s in filterset.qs] == [short.id, long.id, unknown.id]
    filterset = SentenceFilterSet({"ordering": "-term_months"}, queryset=Sentence.objects.all(), request=request_for())
    assert [s.id for s in filterset.qs] == [long.id, short.id, unknown.id]
