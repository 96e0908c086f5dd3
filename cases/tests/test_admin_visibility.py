"""The admin shows a staff member only what the visibility rule lets them see (casetracker.admin).

Every protected text planted here carries the marker ``Zqx``; a Viewer or an
Editor (no ``people.view_confidential``) must never receive it, on any admin
page: change lists, search, filters, counts, forms, autocomplete, history,
delete confirmations, messages. A Senior editor still sees and edits everything.
"""

from dataclasses import dataclass

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.filters import AllValuesFieldListFilter, RelatedFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory
from django.urls import reverse

from cases.models import (
    Case,
    Defendant,
    Event,
    Sentence,
    StatusChange,
    Trial,
)
from cases.tests.factories import (
    CaseFactory,
    CitationFactory,
    DefendantFactory,
    EventFactory,
    EventFigureFactory,
    SentenceFactory,
    SourceFactory,
    StatusChangeFactory,
    TrialFactory,
)
from casetracker.admin import (
    RecordAdmin,
    RestrictedAdminMixin,
    RestrictedAllValuesFieldListFilter,
    RestrictedForeignKeyRawIdWidget,
    RestrictedInlineMixin,
    RestrictedRelatedFieldListFilter,
    RestrictedRelatedOnlyFieldListFilter,
)
from casetracker.choices import Confidentiality
from casetracker.roles import EDITOR, SENIOR_EDITOR, VIEWER, roles_sync
from casetracker.visibility import is_governed, rule_for
from people.models import Membership, Person
from people.tests.factories import MembershipFactory, OrganizationFactory, PersonFactory
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db

SECRET = "Zqx "  # starts every protected text (with the space, so that no random token matches it)
PUBLIC = Confidentiality.PUBLIC
RESTRICTED = Confidentiality.RESTRICTED
CONFIDENTIAL = Confidentiality.CONFIDENTIAL
PEOPLE_AND_CASES = ("sources", "people", "cases")


# -- users and data ----------------------------------------------------------------------------------------


def _role_user(django_user_model, role):
    roles_sync()
    user = django_user_model.objects.create_user(
        username=role.lower().replace(" ", "-"), password="role-pass-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def viewer(django_user_model):
    return _role_user(django_user_model, VIEWER)


@pytest.fixture
def editor(django_user_model):
    return _role_user(django_user_model, EDITOR)


@pytest.fixture
def senior(django_user_model):
    return _role_user(django_user_model, SENIOR_EDITOR)


@pytest.fixture(params=[VIEWER, EDITOR])
def restricted_user(request, django_user_model):
    """A Viewer, then an Editor: staff who may not see confidential records."""
    return _role_user(django_user_model, request.param)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@dataclass
class World:
    public_person: Person
    witness: Person
    case: Case
    secret_case: Case
    defendant: Defendant
    hidden_defendant: Defendant
    secret_trial: Trial
    public_trial: Trial
    sentence: Sentence
    hidden_sentence: Sentence
    public_source: Source
    interview: Source
    citation: Citation
    hidden_citation: Citation
    status_change: StatusChange
    hidden_status_change: StatusChange
    event: Event
    membership: Membership


@pytest.fixture
def world():
    """Public records, and confidential ones linked to them (a witness in a public case and a public event, …)."""
    public_person = PersonFactory(name="Public Defendant")
    witness = PersonFactory(name="Zqx Witness", description="Zqx who she is", confidentiality=CONFIDENTIAL)
    PersonFactory(name="Restricted Person", confidentiality=RESTRICTED)
    case = CaseFactory(title="Public Case")
    secret_case = CaseFactory(title="Zqx Secret Case", confidentiality=CONFIDENTIAL)
    defendant = DefendantFactory(case=case, person=public_person)
    hidden_defendant = DefendantFactory(case=case, person=witness, description="Zqx her role")
    DefendantFactory(case=secret_case, person=public_person, description="Zqx in the secret case")
    public_trial = TrialFactory(case=case)
    secret_trial = TrialFactory(case=secret_case, observer_findings="Zqx findings")
    # A public sentence whose trial belongs to a hidden case (saved past the rule Sentence.clean now enforces).
    sentence = SentenceFactory(defendant=defendant, trial=public_trial)
    sentence.trial = secret_trial
    sentence.save()
    hidden_sentence = SentenceFactory(defendant=hidden_defendant, trial=public_trial, note="Zqx sentence note")
    public_source = SourceFactory(title="Public Report")
    interview = SourceFactory(title="Zqx Interview", confidentiality=CONFIDENTIAL)
    citation = CitationFactory(source=public_source, content_object=public_person, excerpt="public quote")
    CitationFactory(source=public_source, content_object=witness, excerpt="Zqx quote about the witness")
    hidden_citation = CitationFactory(source=interview, content_object=public_person, excerpt="Zqx interview quote")
    status_change = StatusChangeFactory(defendant=defendant, source=public_source, date="2012-03")
    hidden_status_change = StatusChangeFactory(
        defendant=defendant, source=interview, date="2012-04", excerpt="Zqx status excerpt"
    )
    event = EventFactory(title="Public Event")
    event.persons.add(public_person, witness)
    EventFigureFactory(event=event, source=interview, excerpt="Zqx figure excerpt")
    union = OrganizationFactory(name="Public Union")
    MembershipFactory(person=witness, organization=union, role="Zqx secret member")
    membership = MembershipFactory(person=public_person, organization=union, role="member")
    return World(
        public_person=public_person,
        witness=witness,
        case=case,
        secret_case=secret_case,
        defendant=defendant,
        hidden_defendant=hidden_defendant,
        secret_trial=secret_trial,
        public_trial=public_trial,
        sentence=sentence,
        hidden_sentence=hidden_sentence,
        public_source=public_source,
        interview=interview,
        citation=citation,
        hidden_citation=hidden_citation,
        status_change=status_change,
        hidden_status_change=hidden_status_change,
        event=event,
        membership=membership,
    )


def registered_admins():
    return [
        (model, model_admin)
        for model, model_admin in django_admin.site._registry.items()
        if model._meta.app_label in PEOPLE_AND_CASES
    ]


def url(obj_or_model, action, *args):
    opts = obj_or_model._meta
    if action in ("change", "history", "delete", "simple_history"):
        args = (obj_or_model.pk, *args)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def page(response) -> str:
    return response.content.decode()


def assert_no_secret(response, where=""):
    text = page(response)
    at = text.find(SECRET)
    where = where or response.request["PATH_INFO"]
    assert at < 0, f"{where} shows a protected record: …{text[max(0, at - 200) : at + 100]}…"


def form_post_data(response) -> dict:
    """The change or add form as a browser would post it back unchanged (no extra inline rows)."""
    data = {}

    def add(form):
        for bound in form:
            if bound.field.disabled:
                continue
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
        for form in formset.initial_forms:
            add(form)
    return data


# -- every admin is built on the mixins ---------------------------------------------------------------


def test_every_admin_and_inline_of_people_and_cases_follows_the_visibility_rule():
    admins = registered_admins()
    assert len(admins) >= 14
    for _model, model_admin in admins:
        assert isinstance(model_admin, RestrictedAdminMixin), f"{type(model_admin).__name__}: base it on RecordAdmin"
        for inline in model_admin.inlines:
            assert issubclass(inline, RestrictedInlineMixin), (
                f"{inline.__name__} (in {type(model_admin).__name__}): base it on a casetracker.admin inline"
            )


def test_every_relational_and_value_list_filter_is_a_restricted_one():
    unrestricted = (RelatedFieldListFilter, AllValuesFieldListFilter)
    for model, model_admin in registered_admins():
        for spec in model_admin.get_list_filter(None):
            if isinstance(spec, str):
                field = get_fields_from_path(model, spec)[-1]
                assert not field.is_relation, f"{model.__name__}.list_filter {spec!r} is not restricted"
                continue
            if isinstance(spec, tuple):
                path, filter_class = spec
                restricted = (RestrictedRelatedFieldListFilter, RestrictedRelatedOnlyFieldListFilter)
                if issubclass(filter_class, unrestricted):
                    assert issubclass(filter_class, (*restricted, RestrictedAllValuesFieldListFilter)), (model, path)


def _may_be_hidden(model) -> bool:
    rule = rule_for(model)
    return bool(rule.level or rule.through or rule.cites)


def _unsafe_steps(model, path):
    """The relation steps of ``path`` that could match rows through a record the user may not see."""
    unsafe = []
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            break  # a lookup (contains, exact …)
        if not field.is_relation:
            break
        target = field.related_model
        if is_governed(target) and _may_be_hidden(target):
            if field.concrete or field.many_to_many and not field.auto_created:
                safe = field.name in rule_for(model).through  # the row is hidden whenever the target is
            else:  # a reverse relation: safe when the target is hidden exactly when this row is
                target_rule = rule_for(target)
                safe = target_rule.through == (field.field.name,) and not target_rule.level and not target_rule.cites
            if not safe:
                unsafe.append(f"{model.__name__}.{name}")
        model = target
    return unsafe


def test_search_fields_and_filters_never_match_rows_through_a_record_that_may_be_hidden():
    """Otherwise a search for a hidden person's name would list the public events they took part in."""
    assert _unsafe_steps(Event, "persons__search_text__contains") == ["Event.persons"]
    assert _unsafe_steps(Case, "defendants__person__name") == ["Case.defendants"]
    assert _unsafe_steps(Defendant, "sentences__trial__case__title") == ["Sentence.trial"]
    assert _unsafe_steps(Defendant, "person__name") == []
    for model, model_admin in registered_admins():
        paths = [field.lstrip("^=@") for field in model_admin.get_search_fields(None)]
        paths += [
            spec if isinstance(spec, str) else spec[0] for spec in model_admin.list_filter if not isinstance(spec, type)
        ]
        for path in paths:
            assert not _unsafe_steps(model, path), (
                f"{type(model_admin).__name__}: {path!r} goes through {_unsafe_steps(model, path)}, which may be "
                f"hidden while the row is not; search or filter on the row's own fields, or on links that protect it."
            )


# -- change lists, search, filters, counts ---------------------------------------------------------


def test_no_change_list_or_search_shows_a_protected_record(world, restricted_user, as_user):
    client = as_user(restricted_user)
    for model, _model_admin in registered_admins():
        changelist = url(model, "changelist")
        for params in ({}, {"q": "witness"}, {"q": "interview"}, {"q": "secret"}, {"_facets": "1"}):
            response = client.get(changelist, params)
            assert response.status_code == 200, (changelist, params)
            assert_no_secret(response, f"{changelist}?{params}")


@pytest.mark.slow(seconds=25)
def test_every_filter_link_of_every_change_list_shows_no_protected_record(world, restricted_user, as_user):
    client = as_user(restricted_user)
    for model, _model_admin in registered_admins():
        changelist = url(model, "changelist")
        response = client.get(changelist)
        for spec in response.context["cl"].filter_specs:
            for choice in spec.choices(response.context["cl"]):
                filtered = client.get(changelist + choice["query_string"])
                assert filtered.status_code == 200
                assert_no_secret(filtered, changelist + choice["query_string"])


def test_status_change_filter_lists_no_hidden_case_and_a_hidden_value_selects_nothing(
    world, restricted_user, senior, as_user, client
):
    StatusChangeFactory(defendant=DefendantFactory(case=CaseFactory(title="Other Case")))
    listing = url(StatusChange, "changelist")
    response = as_user(restricted_user).get(listing)
    [case_filter] = [spec for spec in response.context["cl"].filter_specs if spec.field_path == "defendant__case"]
    assert {label for _pk, label in case_filter.lookup_choices} == {"Public Case", "Other Case"}
    assert "Zqx Secret Case" not in page(response)
    hidden = client.get(listing, {"defendant__case__id__exact": world.secret_case.pk})
    assert hidden.status_code == 200 and hidden.context["cl"].result_count == 0
    senior_page = as_user(senior).get(listing)
    assert "Zqx Secret Case" in page(senior_page)


def test_citation_list_neither_lists_nor_filters_by_a_confidential_source(world, restricted_user, senior, as_user):
    listing = url(Citation, "changelist")
    response = as_user(restricted_user).get(listing)
    assert response.context["cl"].result_count == 1  # the public citation of the public person
    assert "Public Report" in page(response)
    assert "Zqx Interview" not in page(response)
    senior_response = as_user(senior).get(listing)
    assert senior_response.context["cl"].result_count == 3
    assert "Zqx Interview" in page(senior_response)


def test_a_relational_filter_on_hidden_records_offers_none_and_reveals_nothing_by_id(world, editor):
    """A filter on an event's participants: hidden people are not offered, and asking for one selects nothing.

    (No admin here filters events by person yet; this proves the filter any admin would get.)
    """

    class EventsByPersonAdmin(RecordAdmin):
        list_filter = ["persons"]

    site = django_admin.AdminSite(name="filters-test")
    model_admin = EventsByPersonAdmin(Event, site)
    [spec] = model_admin.get_list_filter(None)
    assert spec == ("persons", RestrictedRelatedFieldListFilter)

    def changelist(**params):
        request = RequestFactory().get("/", params)
        request.user = editor
        return model_admin.get_changelist_instance(request)

    cl = changelist()
    offered = {label for spec in cl.filter_specs for _pk, label in spec.lookup_choices}
    assert "Public Defendant" in offered and "Zqx Witness" not in offered
    assert changelist(persons__id__exact=world.public_person.pk).result_count == 1
    # The public event has the witness as a participant: a hidden id must look like a missing one.
    assert changelist(persons__id__exact=world.witness.pk).result_count == 0
    assert changelist(persons__id__exact=999999).result_count == 0


def test_case_and_source_counts_include_only_visible_rows(world, restricted_user, senior, as_user):
    def counts(user, model, attribute):
        response = as_user(user).get(url(model, "changelist"))
        return {str(obj): getattr(obj, attribute) for obj in response.context["cl"].result_list}

    assert counts(restricted_user, Case, "defendant_count") == {"Public Case": 1}
    assert counts(senior, Case, "defendant_count") == {"Public Case": 2, "Zqx Secret Case": 1}
    assert counts(restricted_user, Source, "citation_count") == {"Public Report": 1}
    assert counts(senior, Source, "citation_count") == {"Public Report": 2, "Zqx Interview": 1}


# -- hidden records answer 404 ----------------------------------------------------------------------------


def hidden_records(world):
    return [
        world.witness,
        world.secret_case,
        world.hidden_defendant,
        world.secret_trial,
        world.hidden_sentence,
        world.interview,
        world.hidden_citation,
        world.hidden_status_change,
        Membership.objects.get(role="Zqx secret member"),
    ]


def delete_permission(obj):
    return f"{obj._meta.app_label}.delete_{obj._meta.model_name}"


def test_change_history_and_delete_pages_of_a_hidden_record_are_404_like_a_missing_one(world, restricted_user, as_user):
    client = as_user(restricted_user)
    for obj in hidden_records(world):
        for action in ("change", "history", "delete"):
            response = client.get(url(obj, action))
            # A user who may not delete gets 403 before the record is looked up, whether it exists or not.
            expected = 403 if action == "delete" and not restricted_user.has_perm(delete_permission(obj)) else 404
            assert response.status_code == expected, (obj._meta.label, action, response.status_code)
            assert_no_secret(response)
        version = obj.history.latest()
        response = client.get(url(obj, "simple_history", version.history_id))
        assert response.status_code == 404, (obj._meta.label, "version")
    missing = client.get(reverse("admin:people_person_change", args=[999999]))
    assert missing.status_code == 404
    assert client.get(reverse("admin:people_person_change", args=["not-a-number"])).status_code == 404


def test_a_senior_editor_opens_every_page_of_every_record(world, senior, as_user):
    client = as_user(senior)
    for obj in hidden_records(world):
        for action in ("change", "history"):
            response = client.get(url(obj, action))
            assert response.status_code == 200, (obj._meta.label, action)
        assert client.get(url(obj, "simple_history", obj.history.latest().history_id)).status_code == 200
    assert "Zqx Witness" in page(client.get(url(world.event, "change")))


def test_change_and_history_pages_of_visible_records_show_nothing_protected(world, restricted_user, as_user):
    client = as_user(restricted_user)
    for model, _model_admin in registered_admins():
        for obj in model.objects.restrict(restricted_user):
            for action in ("change", "history"):
                response = client.get(url(obj, action))
                assert response.status_code == 200, (obj._meta.label, obj.pk, action)
                assert_no_secret(response)
            for version in obj.history.all():
                response = client.get(url(obj, "simple_history", version.history_id))
                if response.status_code == 200:
                    assert_no_secret(response)


def test_delete_pages_of_visible_records_name_no_protected_record(world, staff_user, as_user):
    """``staff_user`` may delete anything but may not see confidential records."""
    client = as_user(staff_user)
    for model, _model_admin in registered_admins():
        for obj in model.objects.restrict(staff_user):
            response = client.get(url(obj, "delete"))
            assert response.status_code == 200, (obj._meta.label, obj.pk)
            assert_no_secret(response)


# -- delete confirmations count what they may not name -----------------------------------------------------


def test_deleting_a_public_case_counts_its_hidden_defendant_without_naming_it(world, staff_user, as_user):
    client = as_user(staff_user)
    response = client.get(url(world.case, "delete"))
    text = page(response)
    assert "Public Defendant" in text  # the visible defendant protects the case, and is named
    assert "1 record you cannot see" in text
    assert_no_secret(response)
    refused = client.post(url(world.case, "delete"), {"post": "yes"})
    assert refused.status_code == 200
    assert Case.objects.filter(pk=world.case.pk).exists()


def test_deleting_a_public_event_counts_the_hidden_participant_and_figure(world, staff_user, as_user):
    response = as_user(staff_user).get(url(world.event, "delete"))
    text = " ".join(page(response).split())
    # The witness's participation row and the figure quoting the confidential interview: counted, not named.
    assert "Records you cannot see: 2" in text
    assert "2 records you cannot see" in text
    assert "Event-person relationships: 1" in text  # the public defendant's
    assert_no_secret(response)


def test_a_senior_editor_sees_every_dependant_named(world, django_user_model, as_user):
    root = django_user_model.objects.create_superuser(username="root", password="x", email="r@example.org")
    text = page(as_user(root).get(url(world.case, "delete")))
    assert "Zqx Witness" in text and "cannot see" not in text


def test_a_refused_inline_deletion_counts_the_hidden_record_that_protects_the_row(world, staff_user, as_user):
    """The public case's trial is used by the witness's (hidden) sentence: deleting the trial row is refused."""
    client = as_user(staff_user)
    change = url(world.case, "change")
    data = form_post_data(client.get(change))
    [trial_form] = [key for key, value in data.items() if key.startswith("trials-") and key.endswith("-id")]
    data[trial_form.replace("-id", "-DELETE")] = "on"
    response = client.post(change, data)
    assert response.status_code == 200
    text = page(response)
    assert "1 record you cannot see" in text
    assert_no_secret(response)
    assert Trial.objects.filter(pk=world.public_trial.pk).exists()


# -- forms: choices, prefills, hidden links kept -------------------------------------------------------------


def test_a_public_events_page_lists_no_confidential_participant_and_saving_keeps_the_link(world, editor, as_user):
    client = as_user(editor)
    change = url(world.event, "change")
    response = client.get(change)
    assert "Public Defendant" in page(response)
    assert_no_secret(response)
    data = form_post_data(response)
    assert data["persons"] == [str(world.public_person.pk)]
    data["title"] = "Public Event (renamed)"
    saved = client.post(change, data)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    world.event.refresh_from_db()
    assert world.event.title == "Public Event (renamed)"
    assert set(world.event.persons.all()) == {world.public_person, world.witness}


def test_a_senior_editor_sees_and_edits_every_participant(world, senior, as_user):
    client = as_user(senior)
    change = url(world.event, "change")
    response = client.get(change)
    data = form_post_data(response)
    assert sorted(data["persons"]) == sorted([str(world.public_person.pk), str(world.witness.pk)])
    data["persons"] = [str(world.public_person.pk)]
    assert client.post(change, data).status_code == 302
    assert list(world.event.persons.all()) == [world.public_person]


def test_a_viewer_sees_a_read_only_event_page_without_the_confidential_participant(world, viewer, as_user):
    response = as_user(viewer).get(url(world.event, "change"))
    assert response.status_code == 200
    assert "Public Defendant" in page(response)
    assert_no_secret(response)


def test_a_link_to_a_hidden_trial_is_not_shown_and_is_not_dropped_on_save(world, editor, viewer, as_user):
    # The world's sentence predates the rule that a sentence's trial is in the defendant's case
    # (Sentence.clean): the admin now refuses to save it as it stands, without naming the hidden
    # trial, and without dropping the link the editor cannot see.
    change = url(world.sentence, "change")
    response = as_user(editor).get(change)
    assert_no_secret(response)
    assert "a record you cannot see" in page(response).lower()
    data = form_post_data(response)
    assert "trial" not in data
    data["note"] = "Edited by an editor"
    saved = as_user(editor).post(change, data)
    assert saved.status_code == 200
    assert "The trial must belong to the defendant&#x27;s case." in page(saved)
    assert_no_secret(saved)
    world.sentence.refresh_from_db()
    assert world.sentence.trial == world.secret_trial
    assert_no_secret(as_user(viewer).get(change))
    # The defendant page shows the same sentence in an inline, for both roles.
    assert_no_secret(as_user(viewer).get(url(world.defendant, "change")))
    assert_no_secret(as_user(editor).get(url(world.defendant, "change")))


def test_an_add_page_prefilled_with_a_hidden_record_shows_nothing_of_it(world, restricted_user, as_user):
    client = as_user(restricted_user)
    for model, params in [
        (Membership, {"person": world.witness.pk}),
        (Defendant, {"person": world.witness.pk, "case": world.secret_case.pk}),
        (Citation, {"source": world.interview.pk}),
        (Event, {"persons": f"{world.witness.pk},{world.public_person.pk}"}),
        (Sentence, {"defendant": world.hidden_defendant.pk, "trial": world.secret_trial.pk}),
    ]:
        response = client.get(url(model, "add"), params)
        if response.status_code == 403:  # a Viewer may not add
            continue
        assert response.status_code == 200
        assert_no_secret(response)


def test_an_editor_cannot_link_a_confidential_person_they_cannot_see(world, editor, as_user):
    client = as_user(editor)
    response = client.post(
        url(Membership, "add"),
        {"person": world.witness.pk, "organization": world.membership.organization.pk, "role": "lawyer"},
    )
    assert response.status_code == 200
    assert "person" in response.context["adminform"].form.errors
    assert_no_secret(response)
    assert not Membership.objects.filter(role="lawyer").exists()


def test_autocomplete_offers_only_visible_records(world, restricted_user, senior, as_user):
    endpoint = reverse("admin:autocomplete")
    queries = [
        ({"app_label": "cases", "model_name": "defendant", "field_name": "person", "term": "wit"}, "Zqx Witness"),
        ({"app_label": "sources", "model_name": "citation", "field_name": "source", "term": "inter"}, "Zqx Interview"),
        ({"app_label": "cases", "model_name": "sentence", "field_name": "trial", "term": ""}, "Zqx Secret Case"),
        ({"app_label": "cases", "model_name": "trial", "field_name": "case", "term": "case"}, "Zqx Secret Case"),
        ({"app_label": "people", "model_name": "membership", "field_name": "person", "term": ""}, "Zqx Witness"),
    ]
    for params, secret in queries:
        response = as_user(restricted_user).get(endpoint, params)
        assert response.status_code == 200, params
        assert secret not in page(response), params
        assert secret in page(as_user(senior).get(endpoint, params)), params
    # Every autocomplete field of every admin and inline: nothing protected.
    client = as_user(restricted_user)
    for model, model_admin in registered_admins():
        holders = [(model, model_admin.get_autocomplete_fields(None))] + [
            (inline.model, inline.autocomplete_fields) for inline in model_admin.inlines
        ]
        for holder, fields in holders:
            for field_name in fields:
                params = {"app_label": holder._meta.app_label, "model_name": holder._meta.model_name}
                response = client.get(endpoint, {**params, "field_name": field_name, "term": ""})
                assert response.status_code == 200, (holder, field_name)
                assert_no_secret(response)


def test_a_raw_id_widget_names_only_a_visible_record(world, editor, senior):
    rel = Defendant._meta.get_field("person").remote_field
    for user, expected in ((editor, ""), (senior, "Zqx Witness")):
        widget = RestrictedForeignKeyRawIdWidget(rel, django_admin.site, user=user)
        label, _url = widget.label_and_url_for_value(world.witness.pk)
        assert expected in str(label)
    assert "Zqx Witness" in str(
        ForeignKeyRawIdWidget(rel, django_admin.site).label_and_url_for_value(world.witness.pk)[0]
    )


def test_raw_id_fields_get_the_restricted_widget(world, editor):
    class RawDefendantAdmin(RecordAdmin):
        raw_id_fields = ["person"]

    model_admin = RawDefendantAdmin(Defendant, django_admin.AdminSite(name="raw-test"))
    request = RequestFactory().get("/")
    request.user = editor
    field = model_admin.formfield_for_dbfield(Defendant._meta.get_field("person"), request)
    assert isinstance(field.widget, RestrictedForeignKeyRawIdWidget)


# -- history ------------------------------------------------------------------------------------------------


def test_a_person_renamed_for_protection_keeps_the_old_name_out_of_the_history(senior, restricted_user, as_user):
    person = PersonFactory(name="Zqx Real Name", confidentiality=CONFIDENTIAL)
    person.name = "Witness A"
    person.confidentiality = RESTRICTED
    person.save()
    old, new = person.history.order_by("history_date")
    client = as_user(restricted_user)
    history = client.get(url(person, "history"))
    assert history.status_code == 200
    assert "Witness A" in page(history)
    assert_no_secret(history)
    assert client.get(url(person, "simple_history", old.history_id)).status_code == 404
    assert client.get(url(person, "simple_history", new.history_id)).status_code == 200
    assert "Zqx Real Name" in page(as_user(senior).get(url(person, "history")))


def test_a_public_events_history_counts_the_confidential_participant_without_naming_it(world, restricted_user, as_user):
    response = as_user(restricted_user).get(url(world.event, "history"))
    text = page(response)
    assert "Public Defendant" in text
    assert "1 record you cannot see" in text
    assert_no_secret(response)


def test_a_change_of_link_to_a_hidden_record_is_not_named_in_the_history(world, restricted_user, as_user):
    sentence = world.sentence  # its trial changed from the public trial to the hidden case's
    response = as_user(restricted_user).get(url(sentence, "history"))
    text = page(response)
    assert "a record you cannot see" in text
    assert_no_secret(response)


def test_a_version_that_pointed_at_a_hidden_person_is_neither_listed_nor_shown(world, restricted_user, as_user):
    defendant = DefendantFactory(case=CaseFactory(title="Another case"), person=world.witness)
    defendant.person = PersonFactory(name="Public stand-in")
    defendant.save()
    old, new = defendant.history.order_by("history_date")
    client = as_user(restricted_user)
    history = client.get(url(defendant, "history"))
    assert history.status_code == 200
    assert len(history.context["page_obj"].object_list) == 1
    assert_no_secret(history)
    assert client.get(url(defendant, "simple_history", old.history_id)).status_code == 404
    assert client.get(url(defendant, "simple_history", new.history_id)).status_code == 200


def test_history_of_a_record_hidden_later_or_deleted_while_hidden_is_404(restricted_user, senior, as_user):
    later = PersonFactory(name="Zqx Public at first")
    later.confidentiality = CONFIDENTIAL
    later.save()
    gone = PersonFactory(name="Zqx Deleted witness", confidentiality=CONFIDENTIAL)
    gone_id = gone.pk
    gone.delete()
    public_gone = PersonFactory(name="Public and deleted")
    public_gone_id = public_gone.pk
    public_gone.delete()
    client = as_user(restricted_user)
    assert client.get(url(later, "history")).status_code == 404
    assert client.get(reverse("admin:people_person_history", args=[gone_id])).status_code == 404
    assert client.get(reverse("admin:people_person_history", args=[public_gone_id])).status_code == 200
    assert as_user(senior).get(reverse("admin:people_person_history", args=[gone_id])).status_code == 200


def test_a_viewer_cannot_save_a_version_page(world, viewer, as_user):
    version = world.public_person.history.latest()
    response = as_user(viewer).post(
        url(world.public_person, "simple_history", version.history_id),
        {"name": "Changed by a viewer", "kind": "individual", "confidentiality": PUBLIC},
    )
    assert response.status_code == 403
    world.public_person.refresh_from_db()
    assert world.public_person.name == "Public Defendant"


# -- publishing is a permission ----------------------------------------------------------------------------


def person_form(client, obj=None, **changes):
    page_url = url(obj, "change") if obj else url(Person, "add")
    data = form_post_data(client.get(page_url))
    data.update(changes)
    return page_url, data


def test_an_editor_may_not_make_a_record_less_protected(editor, as_user):
    person = PersonFactory(name="Restricted witness", confidentiality=RESTRICTED)
    client = as_user(editor)
    page_url, data = person_form(client, person, confidentiality=PUBLIC)
    response = client.post(page_url, data)
    assert response.status_code == 200
    assert "confidentiality" in response.context["adminform"].form.errors
    assert "publish" in page(response)
    person.refresh_from_db()
    assert person.confidentiality == RESTRICTED


def test_an_editor_creates_records_at_restricted_by_default_and_not_at_public(editor, as_user):
    client = as_user(editor)
    add = client.get(url(Person, "add"))
    assert add.context["adminform"].form.initial["confidentiality"] == RESTRICTED
    page_url, data = person_form(client, name="New at public", confidentiality=PUBLIC)
    refused = client.post(page_url, data)
    assert refused.status_code == 200 and "confidentiality" in refused.context["adminform"].form.errors
    page_url, data = person_form(client, name="New at restricted", confidentiality=RESTRICTED)
    assert client.post(page_url, data).status_code == 302
    assert Person.objects.get(name="New at restricted").confidentiality == RESTRICTED
    source_page = client.get(url(Source, "add"))
    assert source_page.context["adminform"].form.initial["confidentiality"] == RESTRICTED


def test_an_editor_may_protect_a_record_and_is_led_back_to_the_list_without_its_name(editor, as_user):
    person = PersonFactory(name="To be protected", confidentiality=RESTRICTED)
    client = as_user(editor)
    page_url, data = person_form(client, person, confidentiality=CONFIDENTIAL, _continue="1")
    response = client.post(page_url, data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url(Person, "changelist")
    assert "To be protected" not in page(response)
    assert "no longer shown to you" in page(response)
    person.refresh_from_db()
    assert person.confidentiality == CONFIDENTIAL
    # Created straight at the confidential level: the same.
    page_url, data = person_form(client, name="Created hidden", confidentiality=CONFIDENTIAL)
    created = client.post(page_url, data, follow=True)
    assert created.status_code == 200 and "Created hidden" not in page(created)
    assert Person.objects.filter(name="Created hidden", confidentiality=CONFIDENTIAL).exists()


def test_a_senior_editor_may_publish(senior, as_user):
    person = PersonFactory(name="Confidential at first", confidentiality=CONFIDENTIAL)
    client = as_user(senior)
    page_url, data = person_form(client, person, confidentiality=PUBLIC)
    response = client.post(page_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    person.refresh_from_db()
    assert person.confidentiality == PUBLIC
    assert person.history.latest().history_user == senior


# -- actions ----------------------------------------------------------------------------------------------------


def test_the_status_change_action_acts_on_visible_defendants_and_offers_visible_sources(world, editor, as_user):
    client = as_user(editor)
    listing = url(Defendant, "changelist")
    chosen = [world.defendant.pk, world.hidden_defendant.pk]
    form = client.post(listing, {"action": "record_status_change", "_selected_action": chosen})
    assert form.status_code == 200
    assert [d.pk for d in form.context["defendants"]] == [world.defendant.pk]
    assert_no_secret(form)
    applied = client.post(
        listing,
        {
            "action": "record_status_change",
            "_selected_action": chosen,
            "apply": "1",
            "status": "released",
            "date": "2016",
            "source": world.public_source.pk,
        },
    )
    assert applied.status_code == 302
    assert StatusChange.objects.filter(status="released").count() == 1
    assert StatusChange.objects.get(status="released").defendant == world.defendant
    refused = client.post(
        listing,
        {
            "action": "record_status_change",
            "_selected_action": [world.defendant.pk],
            "apply": "1",
            "status": "pardoned",
            "date": "2016",
            "source": world.interview.pk,
        },
    )
    assert refused.status_code == 200 and "source" in refused.context["form"].errors
    assert_no_secret(refused)


def test_the_export_actions_export_only_visible_sentences(world, editor, as_user):
    response = as_user(editor).post(
        url(Sentence, "changelist"),
        {
            "action": "export_sentence_summaries_csv",
            "_selected_action": [world.sentence.pk, world.hidden_sentence.pk],
        },
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Public Defendant" in body
    assert SECRET not in body and "Protected" not in body
