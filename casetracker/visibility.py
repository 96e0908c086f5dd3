"""Who may see which record: the one visibility rule of the project.

Every surface (the admin, the API, filters, search, exports, deletion checks,
error messages, history pages) asks this module, and only this module, whether
a user may see a record. It sits at the bottom of the dependency graph: it
imports Django and ``casetracker.choices`` only, and names models by label, so
``sources``, ``people`` and ``cases`` can all use it.

The rule (modelled on NetBox's ``RestrictedQuerySet``):

- a user may see the confidentiality levels :func:`visible_levels` gives;
- a record with a ``confidentiality`` column is hidden when its level is not
  among them;
- a record is also hidden when any record it is *protected by* is hidden
  (a defendant by its person and its case, a sentence by its defendant, a
  citation by its source and the record it cites, …). A missing optional
  link hides nothing;
- :data:`RULES` says, for every model of ``sources``, ``people`` and
  ``cases``, which links those are. A model missing from it is an error, so
  a new model cannot be forgotten. Which models can be cited is said once,
  by their apps, in :mod:`sources.citable`; the citation model tells this
  module (``cited_models()``), so nothing here imports an app.

Use :meth:`RestrictedQuerySet.restrict` (every model's manager has it) or
:func:`restrict` for querysets, :func:`is_visible` for a loaded object,
:func:`visible_prefetch` for prefetches and :func:`visible_count` for counts.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casetracker.choices import Confidentiality

#: The permission that lets a user see every level (restricted and confidential).
VIEW_CONFIDENTIAL = "people.view_confidential"
#: The permission that lets a user make a record less protected (publish it).
PUBLISH = "people.publish"

#: The permission that lets a user see special-category data (a person's ethnicity and religion).
VIEW_SPECIAL_CATEGORY = "people.view_special_category"

#: The column holding a record's own level.
LEVEL_FIELD = "confidentiality"

#: Levels from the most open to the most protected.
LEVEL_ORDER = (Confidentiality.PUBLIC, Confidentiality.RESTRICTED, Confidentiality.CONFIDENTIAL)


@dataclass(frozen=True)
class Rule:
    """How one model's visibility follows from its own level and the records it points to."""

    #: the model has its own ``confidentiality`` column
    level: bool = False
    #: foreign keys to records whose visibility it inherits (a hidden target hides it)
    through: tuple[str, ...] = ()
    #: the model is ``sources.Citation``: it also follows the record it cites (one of ``model.cited_models()``)
    cites: bool = False


RULES: dict[str, Rule] = {
    "sources.source": Rule(level=True),
    # A citation quotes its source about its record: it is as protected as the more protected of the two.
    "sources.citation": Rule(through=("source",), cites=True),
    # A stored file is as protected as its source: a confidential interview's recording stays confidential.
    "sources.document": Rule(through=("source",)),
    # Derived search text, never shown as such: sources.search checks each hit by its own record's rule.
    "sources.searchentry": Rule(),
    "people.person": Rule(level=True),
    "people.personname": Rule(through=("person",)),
    "people.organization": Rule(),
    "people.organizationname": Rule(),
    "people.membership": Rule(through=("person",)),
    # A recognition is as protected as its person and the sources that report it and its withdrawal.
    "people.recognition": Rule(through=("person", "source", "withdrawal_source")),
    "cases.place": Rule(),
    "cases.placename": Rule(),
    "cases.event": Rule(),
    # A figure quotes its source ("at least 16 dead", says the interview): it follows the source.
    "cases.eventfigure": Rule(through=("source",)),
    "cases.case": Rule(level=True),
    "cases.defendant": Rule(through=("person", "case")),
    "cases.statuschange": Rule(through=("defendant", "source")),
    # Places of detention are public facts; who is held there is told by the custody stays.
    "cases.facility": Rule(),
    "cases.facilityname": Rule(),
    # A stay is as protected as its defendant (so its person and case) and its source.
    "cases.custodystay": Rule(through=("defendant", "source")),
    "cases.legalarticle": Rule(),
    "cases.charge": Rule(through=("defendant",)),
    "cases.trial": Rule(through=("case",)),
    "cases.sentence": Rule(through=("defendant",)),
    # A claim is hidden with the person who makes it or whom it is made against, and with its sources.
    "cases.allegation": Rule(
        through=("alleged_by_person", "against_person", "concerns_person", "source", "response_source")
    ),
}


#: Field-level rule: model -> {field: the permission needed to see (and so to write, filter or search) it}.
#: Every surface asks :func:`hidden_fields`: the API's base serializer, the admin base (forms, lists, filters,
#: search, history), filters, the search index, exports and imports. A field listed here is left out for a
#: user without the permission, as if the model did not have it.
FIELD_RULES: dict[str, dict[str, str]] = {
    "people.person": {"ethnicity": VIEW_SPECIAL_CATEGORY, "religion": VIEW_SPECIAL_CATEGORY},
}


def protected_fields(model: type[Model]) -> dict[str, str]:
    """``{field: permission}`` of ``model``'s fields that need a permission to be seen (may be empty)."""
    model = getattr(model, "instance_type", model)
    return FIELD_RULES.get(model._meta.label_lower, {})


def hidden_fields(model: type[Model], user) -> frozenset[str]:
    """The fields of ``model`` that ``user`` may not see: leave them out of whatever is shown or accepted."""
    rules = protected_fields(model)
    if not rules:
        return frozenset()
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset(rules)
    return frozenset(name for name, permission in rules.items() if not user.has_perm(permission))


def path_is_hidden(model: type[Model], path: str, user) -> bool:
    """True when the lookup ``path`` from ``model`` (``"person__ethnicity"``) reads a field ``user`` may not see."""
    for part in path.split("__"):
        if part in hidden_fields(model, user):
            return True
        try:
            field = model._meta.get_field(part)
        except Exception:  # a lookup (``icontains``) or an annotation: nothing further to follow
            return False
        model = getattr(field, "related_model", None)
        if model is None:
            return False
    return False


def rule_model(model: type[Model]) -> type[Model]:
    """The model a rule is written for: a historical model (django-simple-history) answers for its tracked model."""
    return getattr(model, "instance_type", model)


def rule_for(model: type[Model]) -> Rule:
    """The :class:`Rule` of ``model`` (a historical model answers with its tracked model's rule)."""
    model = getattr(model, "instance_type", model)  # django-simple-history's historical models
    label = model._meta.label_lower
    try:
        return RULES[label]
    except KeyError:
        raise KeyError(
            f"{label} has no visibility rule. Add it to casetracker.visibility.RULES: say whether it has its "
            f"own confidentiality level and which links it inherits visibility from."
        ) from None


def is_governed(model: type[Model]) -> bool:
    """True for the models the rule covers (those of ``sources``, ``people`` and ``cases``)."""
    model = getattr(model, "instance_type", model)
    return model._meta.label_lower in RULES


# -- levels -------------------------------------------------------------------


def visible_levels(user) -> list[str]:
    """The confidentiality levels ``user`` may see, most open first.

    Anonymous clients and signed-in users who are not staff: public only.
    Staff: public and restricted. Staff with ``people.view_confidential``
    (and superusers): every level.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return [Confidentiality.PUBLIC]
    if user.has_perm(VIEW_CONFIDENTIAL):
        return list(LEVEL_ORDER)
    if user.is_staff:
        return [Confidentiality.PUBLIC, Confidentiality.RESTRICTED]
    return [Confidentiality.PUBLIC]


def restricts(user) -> bool:
    """True when ``user`` may not see every level (so querysets must be narrowed)."""
    return len(visible_levels(user)) < len(LEVEL_ORDER)


def level_rank(level: str) -> int:
    """0 for public, 1 for restricted, 2 for confidential."""
    return LEVEL_ORDER.index(level)


# -- querysets ----------------------------------------------------------------


def content_type_id(model: type[Model]) -> int:
    """The content type id of ``model`` (Django's content type manager caches it: no query after the first)."""
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model, for_concrete_model=False).id


def condition(
    model: type[Model],
    levels: Iterable[str],
    prefix: str = "",
    *,
    cited: Mapping[int, Collection[int]] | None = None,
    cited_checked: bool = False,
) -> Q | None:
    """A ``Q`` selecting the records of ``model`` visible at ``levels``, or ``None`` if all are.

    ``prefix`` is the lookup path from the queried model to ``model``
    (``"defendant__"``), so the rule of a related model can be applied to a
    query on another one. ``cited`` (citations only): the query is already narrowed to
    these cited records (content type id → ids), so only they are checked; ``cited_checked``: they were
    found visible already (:func:`restrict`).
    """
    levels = list(levels)
    rule = rule_for(model)
    parts: list[Q] = []
    if rule.level:
        parts.append(Q(**{f"{prefix}{LEVEL_FIELD}__in": levels}))
    for name in rule.through:
        field = model._meta.get_field(name)
        inner = condition(field.related_model, levels, f"{prefix}{name}__")
        if inner is None:
            continue
        if field.null:
            inner = Q(**{f"{prefix}{name}__isnull": True}) | inner
        parts.append(inner)
    if rule.cites:
        parts.append(_cited_record_condition(model, levels, prefix, cited, cited_checked))
    if not parts:
        return None
    result = parts[0]
    for part in parts[1:]:
        result &= part
    return result


def _cited_record_condition(
    citation_model: type[Model],
    levels: list[str],
    prefix: str,
    cited: Mapping[int, Collection[int]] | None = None,
    cited_checked: bool = False,
) -> Q:
    """Citations whose cited record is visible (citations of models that cannot be cited never are).

    With ``cited``, only those records are looked at: a page's citations are then checked by
    primary key, not against every visible record of every citable table. With ``cited_checked`` as
    well, those records are known to be visible and the query holds only their citations: what is left
    to check is that their kind can be cited (their ids again would only mislead the planner).
    """
    result = Q(pk__in=[])
    for model in rule_model(citation_model).cited_models():
        type_id = content_type_id(model)
        if cited is not None and type_id not in cited:
            continue
        if cited is not None and cited_checked:
            result |= Q(**{f"{prefix}content_type_id": type_id})
            continue
        inner = condition(model, levels)
        if inner is None:
            result |= Q(**{f"{prefix}content_type_id": type_id})
        else:
            visible_ids = model._base_manager.filter(inner)
            if cited is not None:
                visible_ids = visible_ids.filter(pk__in=list(cited[type_id]))
            visible_ids = visible_ids.values("pk")
            result |= Q(**{f"{prefix}content_type_id": type_id, f"{prefix}object_id__in": visible_ids})
    return result


def at_level(model: type[Model], level: str) -> Q:
    """The records of ``model`` whose level, by the rule, is exactly ``level``.

    A record's level is the most protected level among its own and those of
    the records it is protected by: a sentence of a public person in a
    confidential case is confidential. So: visible at ``level``, not below it.
    """
    rank = level_rank(level)
    upto = condition(model, LEVEL_ORDER[: rank + 1])
    result = upto if upto is not None else Q()
    if rank:
        below = condition(model, LEVEL_ORDER[:rank])
        result &= ~below if below is not None else Q(pk__in=[])
    return result


def no_more_protected_than(queryset: QuerySet, level: str) -> QuerySet:
    """The records of ``queryset`` whose level by the rule is ``level`` or more open.

    They are the records every reader who may see a record at ``level`` may also see: what may be derived
    from them (a defendant's current status from its status changes) can be shown wherever that record is.
    """
    where = condition(queryset.model, LEVEL_ORDER[: level_rank(level) + 1])
    return queryset if where is None else queryset.filter(where)


def level_expression(model: type[Model]):
    """An expression giving each record of ``model`` its level by the rule (for ``annotate``).

    The same answer as :func:`effective_level`, computed by the database for a whole queryset: the most
    protected level among the record's own and those of the records it is protected by.
    """
    from django.db.models import Case, CharField, When

    whens = []
    for rank, level in enumerate(LEVEL_ORDER[:-1]):
        upto = condition(model, LEVEL_ORDER[: rank + 1])
        if upto is None:
            return Value(LEVEL_ORDER[0], output_field=CharField())
        whens.append(When(upto, then=Value(level)))
    return Case(*whens, default=Value(LEVEL_ORDER[-1]), output_field=CharField())


def effective_level(obj: Model) -> str:
    """The level of a loaded record by the rule: the most protected of its own and its protectors' (may query)."""
    for level in LEVEL_ORDER[:-1]:
        if _visible_at(obj, LEVEL_ORDER[: level_rank(level) + 1]):
            return level
    return LEVEL_ORDER[-1]


def protected_by(model: type[Model], target: type[Model], pk, prefix: str = "") -> Q | None:
    """A ``Q`` selecting the records of ``model`` whose visibility follows the record ``target`` #``pk``.

    The reverse of :func:`condition`: the records a change of that record's level (or its links) may hide
    or show. ``None`` when no record of ``model`` can follow a ``target``.
    """
    target = rule_model(target)
    rule = rule_for(model)
    parts: list[Q] = []
    for name in rule.through:
        related = model._meta.get_field(name).related_model
        if rule_model(related) is target:
            parts.append(Q(**{f"{prefix}{name}": pk}))
        inner = protected_by(related, target, pk, f"{prefix}{name}__")
        if inner is not None:
            parts.append(inner)
    if rule.cites:
        for cited in rule_model(model).cited_models():
            type_id = content_type_id(cited)
            if cited is target:
                parts.append(Q(**{f"{prefix}content_type_id": type_id, f"{prefix}object_id": pk}))
            inner = protected_by(cited, target, pk)
            if inner is not None:
                ids = cited._base_manager.filter(inner).values("pk")
                parts.append(Q(**{f"{prefix}content_type_id": type_id, f"{prefix}object_id__in": ids}))
    if not parts:
        return None
    result = parts[0]
    for part in parts[1:]:
        result |= part
    return result


def follows(model: type[Model], target: type[Model]) -> bool:
    """True when the visibility of some records of ``model`` follows records of ``target`` (no query)."""
    model, target = rule_model(model), rule_model(target)
    rule = rule_for(model)
    for name in rule.through:
        related = rule_model(model._meta.get_field(name).related_model)
        if related is target or follows(related, target):
            return True
    if rule.cites:
        return any(cited is target or follows(cited, target) for cited in model.cited_models())
    return False


def restrict(
    queryset: QuerySet | None,
    user,
    *,
    cited: Mapping[int, Collection[int]] | None = None,
    cited_checked: bool = False,
) -> QuerySet | None:
    """``queryset`` narrowed to the records ``user`` may see.

    ``cited`` (a query of citations already narrowed to these cited records, content type id →
    ids) lets the rule check just those records rather than every record of their tables;
    ``cited_checked``: the query holds only the citations of those records, which are loaded and were
    found visible by :func:`is_visible` (the same rule, applied in Python), so the database is not asked
    again.
    """
    if queryset is None or not restricts(user) or not is_governed(queryset.model):
        return queryset
    levels = visible_levels(user)
    plain = cited is None and not cited_checked
    if plain and _narrowed_to(queryset) == levels:
        # Already narrowed to these levels (a selector, the viewset and the filters each ask): the same
        # condition again would only lengthen the SQL and its planning.
        return queryset
    where = condition(queryset.model, levels, cited=cited, cited_checked=cited_checked)
    if where is None:
        return queryset
    narrowed = queryset.filter(where)
    if plain and isinstance(narrowed, RestrictedQuerySet):
        narrowed._narrowed_to_levels = levels
    return narrowed


def _narrowed_to(queryset: QuerySet) -> list[str] | None:
    """The levels ``queryset`` was narrowed to by :func:`restrict` (None: not known to be narrowed)."""
    if queryset.query.combinator:  # a union holds other queries, narrowed or not
        return None
    return getattr(queryset, "_narrowed_to_levels", None)


def hidden(queryset: QuerySet, user) -> QuerySet:
    """The records of ``queryset`` that ``user`` may *not* see (for counting them, never for showing)."""
    if not restricts(user) or not is_governed(queryset.model):
        return queryset.none()
    where = condition(queryset.model, visible_levels(user))
    return queryset.none() if where is None else queryset.exclude(where)


class RestrictedQuerySet(models.QuerySet):
    """The queryset of every model the rule covers: ``Model.objects.restrict(user)``.

    A queryset :func:`restrict` narrowed remembers the levels it was narrowed to, and so does every queryset
    made from it by narrowing (``filter``, ``order_by``, slicing …), so that asking again adds nothing. What
    may widen it forgets: ``|`` and ``^`` with another queryset, and unions (see :func:`_narrowed_to`).
    """

    _narrowed_to_levels: list[str] | None = None

    def _clone(self):
        clone = super()._clone()
        clone._narrowed_to_levels = self._narrowed_to_levels
        return clone

    def __or__(self, other):
        combined = super().__or__(other)
        combined._narrowed_to_levels = None
        return combined

    def __xor__(self, other):
        combined = super().__xor__(other)
        combined._narrowed_to_levels = None
        return combined

    def restrict(self, user):
        """The records ``user`` may see."""
        return restrict(self, user)


def visible_prefetch(lookup: str, queryset: QuerySet, user, to_attr: str | None = None) -> Prefetch:
    """A ``Prefetch`` of only the related records ``user`` may see (NetBox's ``RestrictedPrefetch``)."""
    return Prefetch(lookup, queryset=restrict(queryset, user), to_attr=to_attr)


def restrict_prefetches(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` with every ``prefetch_related`` lookup narrowed to what ``user`` may see.

    ``"status_changes__source"`` becomes a restricted prefetch of the status
    changes and, inside them, of their sources (a hidden source reads as no
    source). Explicit ``Prefetch`` objects keep their own queryset, narrowed
    too. So a viewset that lists a prefetch cannot forget the rule; generic
    relations are left alone (a citation's target is checked by the citation's
    own rule).
    """
    lookups = getattr(queryset, "_prefetch_related_lookups", ())
    if not lookups or not restricts(user):
        return queryset
    restricted: dict[str, Prefetch] = {}
    for lookup in lookups:
        if isinstance(lookup, Prefetch):
            if lookup.queryset is not None:
                # A copy: the Prefetch may be shared (a viewset's class-level queryset), and narrowing it in
                # place would carry one reader's restriction to the next request.
                lookup = copy.copy(lookup)
                lookup.queryset = restrict(lookup.queryset, user)
            restricted.setdefault(lookup.prefetch_to, lookup)
            continue
        model, path = queryset.model, []
        for part in lookup.split("__"):
            path.append(part)
            key = "__".join(path)
            try:
                field = model._meta.get_field(part)
            except Exception:  # a GenericForeignKey or an attribute: not ours to narrow
                restricted.setdefault(key, Prefetch(key))
                break
            related = getattr(field, "related_model", None)
            if related is None or not is_governed(related):
                restricted.setdefault(key, Prefetch(key))
                model = related
                if related is None:
                    break
                continue
            restricted.setdefault(key, Prefetch(key, queryset=restrict(related._base_manager.all(), user)))
            model = related
    return queryset.prefetch_related(None).prefetch_related(*restricted.values())


def visible_count(queryset: QuerySet, user, *, outer: str, inner: str = "pk"):
    """A subquery counting the records of ``queryset`` that ``user`` may see, per outer row.

    ``outer`` is the lookup on the counted model that points back to the row
    being annotated (``"case"`` to count a case's defendants), so
    ``Case.objects.annotate(n=visible_count(Defendant.objects.all(), user, outer="case"))``.
    """
    counted = restrict(queryset, user).filter(**{outer: OuterRef(inner)}).order_by()
    counted = counted.values(outer).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


# -- loaded objects -----------------------------------------------------------


def is_visible(obj: Model | None, user) -> bool:
    """The same rule as :func:`restrict`, for a loaded object (it may follow links, so may query)."""
    if obj is None or not restricts(user) or not is_governed(type(obj)):
        return True
    return visible_at(obj, visible_levels(user))


def visible_at(obj: Model, levels: Iterable[str]) -> bool:
    """:func:`is_visible` for a reader who sees ``levels`` rather than for a user."""
    levels = list(levels)
    if len(levels) == len(LEVEL_ORDER):
        return True
    return _visible_at(obj, levels)


def _visible_at(obj: Model, levels: list[str]) -> bool:
    rule = rule_for(type(obj))
    if rule.level and getattr(obj, LEVEL_FIELD) not in levels:
        return False
    for name in rule.through:
        related = getattr(obj, name, None)
        if related is not None and not _visible_at(related, levels):
            return False
    if rule.cites:
        cited_model = obj.content_type.model_class() if obj.content_type_id else None
        cited_models = rule_model(type(obj)).cited_models()
        if cited_model is None or not is_governed(cited_model) or cited_model not in cited_models:
            return False
        cited = obj.content_object
        if cited is None or not _visible_at(cited, levels):
            return False
    return True


def split_visible(objects: Iterable[Model], user) -> tuple[list[Model], int]:
    """``objects`` the user may see, and how many others there are."""
    shown, hidden_count = [], 0
    for obj in objects:
        if is_visible(obj, user):
            shown.append(obj)
        else:
            hidden_count += 1
    return shown, hidden_count


def hidden_records_phrase(count: int) -> str:
    """ "and 2 records you cannot see": how errors mention what the reader may not see."""
    return ngettext("%(count)d record you cannot see", "%(count)d records you cannot see", count) % {"count": count}


# -- publishing ----------------------------------------------------------------


def can_publish(user) -> bool:
    """True when ``user`` may make records less protected."""
    return user is not None and user.is_authenticated and user.has_perm(PUBLISH)


#: The level a record is treated as having before it exists: creating a public record is publishing it.
LEVEL_BEFORE_CREATION = Confidentiality.RESTRICTED


def level_change_error(user, *, old: str | None, new: str) -> str | None:
    """Why ``user`` may not move a record from ``old`` to ``new`` (``old`` is None when creating), or None.

    Making a record less protected (confidential → restricted → public) is
    publishing it and needs ``people.publish`` (Senior editors). Anyone who may
    edit may raise a record's protection. Both the admin and the API ask this.
    """
    if user is None or can_publish(user):
        return None
    before = LEVEL_BEFORE_CREATION if old is None else old
    if level_rank(new) < level_rank(before):
        if old is None:
            return str(
                _(
                    "You may create records at the restricted or confidential level only; making one public "
                    "needs the permission to publish (Senior editors). Choose “restricted” or “confidential”."
                )
            )
        return str(
            _(
                "Making a record less protected (from %(old)s to %(new)s) needs the permission to publish "
                "(Senior editors). Keep its level, or ask a Senior editor to publish it."
            )
            % {"old": Confidentiality(old).label, "new": Confidentiality(new).label}
        )
    return None


def check_level_change(user, instance: Model, *, new: str | None = None) -> None:
    """Raise ``ValidationError`` naming ``confidentiality`` when ``user`` may not give ``instance`` its level.

    ``new`` defaults to the level set on ``instance``; the old level is read from the database.
    """
    if not rule_for(type(instance)).level:
        return
    new = new if new is not None else getattr(instance, LEVEL_FIELD)
    old = None
    if instance.pk is not None:
        old = type(instance)._base_manager.filter(pk=instance.pk).values_list(LEVEL_FIELD, flat=True).first()
    message = level_change_error(user, old=old, new=new)
    if message:
        raise ValidationError({LEVEL_FIELD: message})
