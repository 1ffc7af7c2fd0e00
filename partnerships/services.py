"""Every MARAC write and state transition. Each service audits what it did and keeps the
stored deadlines in step (deadlines_sync) inside the same transaction."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.dates import add_months, refuse_future
from somerset_safety.core.dates import today as local_today
from somerset_safety.core.edits import save_changes
from somerset_safety.core.names import normalise_name
from somerset_safety.core.queueing import enqueue
from somerset_safety.core.references import next_reference
from somerset_safety.core.transitions import transition
from somerset_safety.deadlines.services import deadlines_sync
from somerset_safety.meetings import selectors as meeting_selectors
from somerset_safety.meetings import services as meetings
from somerset_safety.meetings.exceptions import MeetingError
from somerset_safety.meetings.services import PATTERN_FIELDS  # noqa: F401 - the fields of a pattern
from somerset_safety.records import restriction

from . import conf, summary
from .deadlines import referrals_deadlines_sync
from .exceptions import MaracError
from .models import (
    Action,
    AgendaCase,
    AgendaItem,
    AgendaSection,
    DashAnswer,
    MaracArea,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    Person,
    PersonRole,
    ProcessingRestriction,
    Referral,
    ReferralStatus,
    ReferralTransfer,
    ResearchAccess,
    ResearchReturn,
    RiskQuestion,
)
from .permissions import RESTRICTION_KEY
from .states import REFERRAL_MOVES

REFERENCE_KIND = "marac_referral"  # MR-<year of the referral>-NNNNNN
REPEAT_MONTHS = 12  # SafeLives: a further referral within 12 months of the last one [C]


# --- Repeats ---------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def repeat_window_start(referral_date: date) -> date:
    """The earliest referral date that makes a later referral a repeat: exactly 12 calendar
    months earlier, clamped (29 February 2024 -> 28 February 2023)."""
    return add_months(referral_date, -REPEAT_MONTHS)


NOT_COUNTED = (ReferralStatus.WITHDRAWN, ReferralStatus.MERGED)


def referral_is_repeat(*, victim_id: int, referral_date: date, exclude_pk: int | None = None) -> bool:
    """Whether a referral of this victim on this date is a repeat: the victim has a referral with
    a strictly earlier date on or after the date 12 calendar months before."""
    earlier = Referral.objects.filter(
        victim_id=victim_id,
        referral_date__gte=repeat_window_start(referral_date),
        referral_date__lt=referral_date,
    ).exclude(status__in=NOT_COUNTED)
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk)
    return earlier.exists()


def _repeat_flags(rows: list[tuple[int, int, date, bool, bool, bool]]):
    """(id, repeat, possible duplicate) for one victim's referrals, from rows of (id, victim id,
    referral date, was repeat, was possible duplicate, confirmed separate) in date order. Only
    dates matter, never the order rows were entered: referrals on the same date are not repeats
    of each other but possible duplicates (unless the coordinator confirmed them separate)."""
    by_date: dict[date, list] = {}
    for row in rows:
        by_date.setdefault(row[2], []).append(row)
    earlier: date | None = None
    for day in sorted(by_date):
        group = by_date[day]
        repeat = earlier is not None and earlier >= repeat_window_start(day)
        for pk, _victim, _day, _was_repeat, _was_duplicate, separate in group:
            yield pk, repeat, len(group) > 1 and not separate
        earlier = day


def referrals_recompute_repeats(
    *, victim_ids: Iterable[int], touched: Iterable[tuple[int, date | None]] = ()
) -> int:
    """Work out `is_repeat` and `possible_duplicate` for every referral of these victims, across
    their whole history, the same whatever order the referrals were entered or imported in.

    A referral is a repeat when the same victim has a referral with a strictly earlier date on or
    after the date exactly 12 calendar months before. Referrals of one victim on the same date are
    flagged as possible duplicates, for the coordinator to merge or confirm as separate. Withdrawn
    and merged referrals never count and are neither. The monthly summary is brought up to date
    for every heard referral whose repeat flag changed and for the (area, heard date) pairs in
    `touched`. Returns how many referrals changed.
    """
    touched = set(touched)
    victim_ids = sorted(set(victim_ids))
    if connection.vendor == "postgresql":
        return referral_flags_sql("SELECT unnest(%(victims)s::bigint[])", {"victims": victim_ids}, touched)
    size = 900
    changed = 0
    for start in range(0, len(victim_ids), size):
        chunk = victim_ids[start : start + size]
        rows = (
            Referral.objects.filter(victim_id__in=chunk)
            .exclude(status__in=NOT_COUNTED)
            .order_by("victim_id", "referral_date", "id")
            .values_list(
                "id",
                "victim_id",
                "referral_date",
                "is_repeat",
                "possible_duplicate",
                "confirmed_separate",
                "area_id",
                "heard_date",
            )
        )
        updates: dict[tuple[bool, bool], list[int]] = {}
        victim_rows: list = []

        def flush(victim_rows=victim_rows, updates=updates):
            before = {row[0]: row for row in victim_rows}
            for pk, repeat, duplicate in _repeat_flags([row[:6] for row in victim_rows]):
                row = before[pk]
                if (row[3], row[4]) != (repeat, duplicate):
                    updates.setdefault((repeat, duplicate), []).append(pk)
                if row[3] != repeat:
                    touched.add((row[6], row[7]))
            victim_rows.clear()

        for row in rows.iterator(chunk_size=5000):
            if victim_rows and victim_rows[-1][1] != row[1]:
                flush()
            victim_rows.append(row)
        flush()
        for (repeat, duplicate), ids in updates.items():
            for i in range(0, len(ids), size):
                changed += Referral.objects.filter(pk__in=ids[i : i + size]).update(
                    is_repeat=repeat, possible_duplicate=duplicate
                )
        not_counted = Referral.objects.filter(victim_id__in=chunk, status__in=NOT_COUNTED).filter(
            Q(is_repeat=True) | Q(possible_duplicate=True)
        )
        touched.update(not_counted.filter(is_repeat=True).values_list("area_id", "heard_date"))
        changed += not_counted.update(is_repeat=False, possible_duplicate=False)
    summary.refresh(touched)
    return changed


@transaction.atomic
def referral_flags_sql(
    victims: str, params: dict, touched: Iterable[tuple[int, date | None]] = (), *, staged: str | None = None
) -> int:
    """referrals_recompute_repeats in set-based SQL (PostgreSQL): every referral of the victims
    that the SQL `victims` selects (with its `params`) gets its flags worked out again by a
    window over the victim's referrals, and only those that change are written, in one UPDATE.
    The same rule: the latest strictly earlier date among the victim's counted referrals on or
    after the date exactly 12 calendar months before (PostgreSQL's interval arithmetic clamps
    29 February as add_months does) makes a repeat; counted referrals on the same date are
    possible duplicates unless confirmed separate. Returns how many referrals changed.

    By default the summary's months touched, and those of heard referrals whose repeat flag
    changed, are worked out again (summary.refresh). `staged` (an import) is SQL giving
    (line, victim_id, referral_date) of referrals about to be written: they count in the window
    as referrals of their victims (they are neither withdrawn nor merged), their own flags are
    left in the temporary table marac_staged_flags (line, repeat, duplicate) for the caller to
    write them with (so no new referral is written twice), and the summary is brought up to
    date by difference: each heard referral whose repeat flag changed adds or takes away one
    repeat in its month (summary.add_repeat_changes; no other figure counts the flags), and the
    caller adds its new referrals once they are written."""
    touched = set(touched)
    counted = "NOT (r.status = ANY(%(not_counted)s))"
    source = f"""
        SELECT r.id, NULL::integer AS line, r.victim_id, r.area_id, r.heard_date, r.referral_date,
               r.is_repeat, r.possible_duplicate, r.confirmed_separate, {counted} AS counted
        FROM partnerships_referral r
        WHERE r.victim_id IN ({victims})
    """  # noqa: S608 - `victims` is SQL written in this app, never input
    if staged is not None:
        source += f"""
        UNION ALL
        SELECT NULL, s.line, s.victim_id, NULL, NULL, s.referral_date, false, false, false, true
        FROM ({staged}) AS s
        """  # noqa: S608 - `staged` is SQL written in this app, never input
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS marac_referral_flags")
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE marac_referral_flags ON COMMIT DROP AS
            SELECT id, line, area_id, heard_date, is_repeat AS was_repeat, repeat, duplicate
            FROM (
                SELECT id, line, area_id, heard_date, is_repeat, possible_duplicate,
                       counted AND coalesce(earlier >= (referral_date - interval '12 months')::date, false)
                           AS repeat,
                       counted AND same_day > 1 AND NOT confirmed_separate AS duplicate
                FROM (
                    SELECT w.*,
                           max(w.referral_date) FILTER (WHERE w.counted) OVER (
                               PARTITION BY w.victim_id ORDER BY w.referral_date
                               RANGE BETWEEN UNBOUNDED PRECEDING AND interval '1 day' PRECEDING
                           ) AS earlier,
                           count(*) FILTER (WHERE w.counted) OVER (
                               PARTITION BY w.victim_id, w.referral_date
                           ) AS same_day
                    FROM ({source}) AS w
                ) AS w
            ) AS f
            WHERE line IS NOT NULL OR is_repeat <> repeat OR possible_duplicate <> duplicate
            """,  # noqa: S608 - SQL written in this app; values are parameters
            {"not_counted": [status.value for status in NOT_COUNTED], **params},
        )
        if staged is not None:
            cursor.execute("DROP TABLE IF EXISTS marac_staged_flags")
            cursor.execute(
                "CREATE TEMPORARY TABLE marac_staged_flags ON COMMIT DROP AS "
                "SELECT line, repeat, duplicate FROM marac_referral_flags WHERE line IS NOT NULL"
            )
        cursor.execute(
            "UPDATE partnerships_referral r SET is_repeat = f.repeat, possible_duplicate = f.duplicate "
            "FROM marac_referral_flags f WHERE r.id = f.id"
        )
        changed = cursor.rowcount
        if staged is None:
            cursor.execute(
                "SELECT DISTINCT area_id, heard_date FROM marac_referral_flags "
                "WHERE was_repeat <> repeat AND heard_date IS NOT NULL"
            )
            touched.update(cursor.fetchall())
        else:
            # Only the repeat flag of a referral already counted changes what the summary holds.
            summary.add_repeat_changes(
                "SELECT area_id, heard_date, was_repeat, repeat FROM marac_referral_flags WHERE id IS NOT NULL"
            )
        cursor.execute("DROP TABLE marac_referral_flags")
    if staged is None:
        summary.refresh(touched)
    return changed


# --- Referrals -------------------------------------------------------------------------------


def dash_score(answers: dict) -> int:
    """The score is the number of "yes" answers (not known and declined count as no)."""
    return sum(1 for value in answers.values() if value == DashAnswer.YES)


def _person(*, role: str, existing: Person | None, details: dict | None) -> Person | None:
    if existing is not None:
        if existing.role != role:
            raise MaracError("The person chosen is recorded in a different role. Choose again.")
        return existing
    if not details or not any(details.get(k) for k in ("full_name", "date_of_birth", "address")):
        return None if role == PersonRole.PERPETRATOR else Person.objects.create(role=role)
    full_name = (details.get("full_name") or "").strip()
    return Person.objects.create(
        role=role,
        full_name=full_name,
        normalised_name=normalise_name(full_name),
        date_of_birth=details.get("date_of_birth"),
        address=(details.get("address") or "").strip(),
    )


@transaction.atomic
def referral_create(
    *,
    actor,
    area: MaracArea,
    referral_date: date,
    incident_date: date | None,
    referring_agency,
    dash_answers: dict[str, str],
    professional_judgement: bool,
    professional_judgement_reasons: str = "",
    incidents_in_period: int | None = None,
    children_in_household: int = 0,
    victim: Person | None = None,
    victim_details: dict | None = None,
    perpetrator: Person | None = None,
    perpetrator_details: dict | None = None,
    victim_sex: str,
    victim_age: int | None,
    victim_ethnicity: str,
    victim_disabled: str,
    victim_lgbt: str,
    perpetrator_age: int | None = None,
    idva_allocated: bool = False,
    restricted: bool = False,
    review_at_12_months: bool = False,
) -> Referral:
    """Record a referral, working out its score, the criteria it meets and whether it repeats.

    `victim` (an existing person) or `victim_details` (a new one); the same for the perpetrator.
    Raises MaracError when no criterion is met, when professional judgement has no reasons, or
    when the dates are impossible. Nothing is written when it raises.
    """
    refuse_future(referral_date, "The referral date", MaracError, field="referral_date")
    if incident_date and incident_date > referral_date:
        raise MaracError("The incident date must be on or before the referral date.", field="incident_date")
    valid_numbers = {
        str(n) for n in RiskQuestion.objects.filter(active=True).values_list("number", flat=True)
    }
    answers = {
        str(k): v for k, v in dash_answers.items() if str(k) in valid_numbers and v in DashAnswer.values
    }
    score = dash_score(answers)
    reasons = professional_judgement_reasons.strip()
    if professional_judgement and not reasons:
        raise MaracError("Give the reasons for referring on professional judgement.")
    visible_high_risk = score >= conf.high_risk_threshold()
    escalation = incidents_in_period is not None and incidents_in_period >= conf.escalation_incidents()
    victim_obj = _person(role=PersonRole.VICTIM, existing=victim, details=victim_details)
    repeat = referral_is_repeat(victim_id=victim_obj.pk, referral_date=referral_date)
    if not (visible_high_risk or professional_judgement or escalation or repeat):
        raise MaracError(
            "This referral meets none of the MARAC criteria: the checklist score is "
            f"{score} (visible high risk needs {conf.high_risk_threshold()} or more), there is no professional "
            f"judgement, fewer than {conf.escalation_incidents()} incidents in {conf.escalation_months()} months, "
            "and the victim has no referral in the last 12 months. Consider other support for the victim."
        )
    perpetrator_obj = _person(role=PersonRole.PERPETRATOR, existing=perpetrator, details=perpetrator_details)
    referral = Referral.objects.create(
        reference=next_reference(REFERENCE_KIND, year=referral_date.year).text,
        area=area,
        victim=victim_obj,
        perpetrator=perpetrator_obj,
        referral_date=referral_date,
        incident_date=incident_date,
        referring_agency=referring_agency,
        dash_answers=answers,
        dash_score=score,
        visible_high_risk=visible_high_risk,
        professional_judgement=professional_judgement,
        professional_judgement_reasons=reasons if professional_judgement else "",
        potential_escalation=escalation,
        incidents_in_period=incidents_in_period,
        is_repeat=repeat,
        children_in_household=children_in_household,
        victim_sex=victim_sex,
        victim_age=victim_age,
        victim_ethnicity=victim_ethnicity,
        victim_disabled=victim_disabled,
        victim_lgbt=victim_lgbt,
        perpetrator_age=perpetrator_age,
        idva_allocated=idva_allocated,
        restricted=restricted,
        review_at_12_months=review_at_12_months,
        created_by=actor,
    )
    # A back-dated referral can turn a later one of the same victim into a repeat.
    referrals_recompute_repeats(victim_ids=[victim_obj.pk])
    referral.refresh_from_db(fields=["is_repeat", "possible_duplicate"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        changed_fields=[
            "area",
            "referral_date",
            "incident_date",
            "referring_agency",
            "dash_score",
            "criteria",
            "victim",
            "perpetrator",
            "children_in_household",
            "demographics",
        ],
        detail={"victim": victim_obj.pk, "new_victim": victim is None},
    )
    deadlines_sync(subject=referral)
    return referral


@transaction.atomic
def referral_update_handling(
    *,
    actor,
    referral: Referral,
    restricted: bool,
    review_at_12_months: bool,
    idva_allocated: bool,
    expected_version: str = "",
) -> Referral:
    """Change how a case is handled: the restriction, the 12-month review flag, IDVA allocation."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    values = {
        "restricted": restricted,
        "review_at_12_months": review_at_12_months,
        "idva_allocated": idva_allocated,
    }
    if save_changes(referral, values, actor, expected_version=expected_version):
        deadlines_sync(subject=referral)
    return referral


DETAIL_FIELDS = (
    "dash_completed_on",
    "dash_completed_by",
    "referrer_name",
    "referrer_contact",
    "children_ages",
    "perpetrator_sex",
    "interpreter_language",
    "idva",
    "idva_name",
    "idva_contact_on",
    "victim_consent",
    "victim_views",
    "idva_engagement",
)


def _ages(text: str, children: int) -> str:
    """The children's ages as "2, 7, 15", or a MaracError in the service's words."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts:
        return ""
    if not all(part.isdigit() and int(part) <= 17 for part in parts):
        raise MaracError(
            "Enter each child's age as a whole number of years from 0 to 17, separated by commas."
        )
    if len(parts) != children:
        raise MaracError(
            f"You gave {len(parts)} age{'s' if len(parts) != 1 else ''}, but the referral records "
            f"{children} child{'ren' if children != 1 else ''} in the household."
        )
    return ", ".join(str(int(part)) for part in parts)


@transaction.atomic
def referral_update_details(*, actor, referral: Referral, expected_version: str = "", **values) -> list[str]:
    """Record the referral's details beyond the checklist and the IDVA's work with the victim
    (named IDVA, first contact, consent, views, engagement). Setting an IDVA marks one allocated.
    Returns the fields changed. Raises MaracError for impossible dates or ages, StaleEdit if
    someone changed the referral after `expected_version` (the form's)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in DETAIL_FIELDS}
    if values.get("dash_completed_on") and values["dash_completed_on"] > referral.referral_date:
        raise MaracError("The risk checklist must have been completed on or before the referral date.")
    if values.get("idva_contact_on") and values["idva_contact_on"] < referral.referral_date:
        raise MaracError("The IDVA's first contact cannot be before the referral date.")
    if "children_ages" in values:
        values["children_ages"] = _ages(values["children_ages"], referral.children_in_household)
    if values.get("idva") is not None or values.get("idva_name"):
        values["idva_allocated"] = True
    return save_changes(referral, values, actor, expected_version=expected_version)


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    full_name: str,
    date_of_birth: date | None,
    address: str,
    expected_version: str = "",
) -> Person:
    """Correct a person's restricted details. Audited with the names of the fields changed."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if date_of_birth and date_of_birth > local_today():
        raise MaracError("The date of birth must be in the past.")
    values = {"full_name": full_name.strip(), "date_of_birth": date_of_birth, "address": address.strip()}
    if "full_name" in save_changes(person, values, actor, expected_version=expected_version):
        # Derived from the name (the audit names the name): kept in step for matching.
        person.normalised_name = normalise_name(person.full_name)
        Person.objects.filter(pk=person.pk).update(normalised_name=person.normalised_name)
    return person


def restriction_deadlines_sync(person: Person) -> None:
    """After a restriction is placed or lifted: the 12-month reviews of the person's cases are
    paused or restart (deadlines.restricted_since), and the papers deadlines of the meetings still
    to come that list them count the cases the agencies may research (selectors.researchable_at)."""
    referrals = Referral.objects.filter(Q(victim_id=person.pk) | Q(perpetrator_id=person.pk))
    referrals_deadlines_sync(referrals)
    upcoming = (
        Meeting.objects.filter(
            status__in=(MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS),
            pk__in=AgendaCase.objects.filter(referral__in=referrals).values("item__meeting_id"),
        )
        .exclude(agenda_sent_on__isnull=True)
        .order_by("pk")
    )
    for meeting in upcoming:
        deadlines_sync(subject=meeting)


def person_restrict_processing(*, actor, person: Person, reason: str) -> ProcessingRestriction:
    """Restrict the processing of a person's record (UK GDPR article 18), by the one mechanism
    (somerset_safety.records.restriction): it is kept, but hidden from lists, agendas and matching
    for everyone but the coordinators of the areas the person was referred in and records managers
    (permissions.hidden_people); the 12-month reviews of their cases pause. Audited. Raises
    MaracError without a reason, or when already restricted. The caller checks permissions.may_restrict."""
    return restriction.restrict(actor=actor, key=RESTRICTION_KEY, obj=person, reason=reason)


def person_lift_restriction(*, actor, person: Person, reason: str) -> ProcessingRestriction:
    """Lift the restriction of a person's processing: they are listed and matched again, and their
    cases' clocks restart. Audited. Raises MaracError without a reason, or when not restricted."""
    return restriction.lift(actor=actor, key=RESTRICTION_KEY, obj=person, reason=reason)


@transaction.atomic
def referral_withdraw(*, actor, referral: Referral, reason: str) -> Referral:
    """Withdraw a referral not yet heard (entered in error, or the victim moved away). It stops
    counting towards repeats. Raises MaracError once heard or without a reason."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    REFERRAL_MOVES.check(referral, "withdraw")
    if not reason.strip():
        raise MaracError("Enter the reason for withdrawing the referral.")
    for case in AgendaCase.objects.filter(
        referral=referral, item__meeting__status=MeetingStatus.SCHEDULED
    ).select_related("item"):
        item = case.item
        case.delete()
        if not item.cases.exists() and not item.actions.exists():
            item.delete()
    referral = transition(
        referral,
        "withdraw",
        machine=REFERRAL_MOVES,
        actor=actor,
        values={"withdrawn_reason": reason.strip()},
    )
    referrals_recompute_repeats(victim_ids=[referral.victim_id])
    return referral


def same_day_referrals(referral: Referral):
    """The victim's other referrals with the same referral date that still count."""
    return (
        Referral.objects.filter(victim_id=referral.victim_id, referral_date=referral.referral_date)
        .exclude(pk=referral.pk)
        .exclude(status__in=NOT_COUNTED)
        .order_by("id")
    )


@transaction.atomic
def referral_merge(*, actor, duplicate: Referral, into: Referral) -> Referral:
    """Fold a same-day duplicate into the referral kept: the duplicate becomes "merged" (its
    record and history stay, pointing at the one kept), leaves any agenda not yet held, stops
    counting in the data return, and its actions move to the one kept. Raises MaracError unless
    both are referrals of the same victim on the same date that still count."""
    duplicate = Referral.objects.select_for_update().get(pk=duplicate.pk)
    into = Referral.objects.select_for_update().get(pk=into.pk)
    if duplicate.pk == into.pk:
        raise MaracError("Choose a different referral to keep.")
    if (duplicate.victim_id, duplicate.referral_date) != (into.victim_id, into.referral_date):
        raise MaracError("Only referrals of the same victim with the same referral date can be merged.")
    if into.status in NOT_COUNTED:
        raise MaracError(
            f"Referral {into.reference} has been {into.get_status_display().lower()}; keep another."
        )
    REFERRAL_MOVES.check(duplicate, "merge")
    was_heard = (duplicate.area_id, duplicate.heard_date)
    for case in AgendaCase.objects.filter(
        referral=duplicate, item__meeting__status=MeetingStatus.SCHEDULED
    ).select_related("item"):
        item = case.item
        case.delete()
        if not item.cases.exists() and not item.actions.exists():
            item.delete()
    moved = list(
        Action.objects.filter(
            subject_type=ContentType.objects.get_for_model(Referral), subject_id=duplicate.pk
        ).values_list("pk", flat=True)
    )
    Action.objects.filter(pk__in=moved).update(subject_id=into.pk)
    duplicate = transition(
        duplicate,
        "merge",
        machine=REFERRAL_MOVES,
        actor=actor,
        values={"merged_into": into, "heard_date": None, "possible_duplicate": False},
        detail={"kept": into.pk, "actions_moved": moved},
    )
    referrals_recompute_repeats(victim_ids=[into.victim_id], touched=[was_heard])
    return duplicate


@transaction.atomic
def referral_confirm_separate(*, actor, referral: Referral) -> list[Referral]:
    """Confirm that a referral and its victim's other referrals of the same date are separate
    referrals, not duplicates: none of them is flagged again. Returns the referrals confirmed."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    group = [referral, *Referral.objects.select_for_update().filter(pk__in=same_day_referrals(referral))]
    if len(group) < 2:
        raise MaracError("This referral has no other referral of the victim on the same date.")
    for each in group:
        save_changes(each, {"confirmed_separate": True}, actor)
    referrals_recompute_repeats(victim_ids=[referral.victim_id])
    return group


@transaction.atomic
def referral_transfer(*, actor, referral: Referral, to_area: MaracArea, reason: str) -> ReferralTransfer:
    """Move a case to another MARAC area because the victim has moved. The referral keeps its
    reference, history, actions and the meetings it was heard at; it leaves any agenda of the old
    area not yet held (a case not yet heard goes to the new area's next agenda); its 12-month
    review moves to the new area's coordinators, who are told by an email with a link only.
    Raises MaracError for the same area, an inactive one, a withdrawn or merged case, or no reason."""
    referral = Referral.objects.select_for_update().select_related("area").get(pk=referral.pk)
    reason = reason.strip()
    if not reason:
        raise MaracError("Enter the reason for the transfer, for example that the victim has moved.")
    if to_area.pk == referral.area_id:
        raise MaracError(f"The case is already in {to_area.name}.")
    if not to_area.active:
        raise MaracError(f"{to_area.name} is no longer an active MARAC area.")
    if referral.status in NOT_COUNTED:
        raise MaracError(f"A {referral.get_status_display().lower()} referral cannot be transferred.")
    from_area = referral.area
    for case in AgendaCase.objects.filter(
        referral=referral, item__meeting__status=MeetingStatus.SCHEDULED
    ).select_related("item"):
        item = case.item
        case.delete()
        if not item.cases.exists() and not item.actions.exists():
            item.delete()
    values = {"area": to_area}
    if referral.status == ReferralStatus.LISTED:
        values["status"] = ReferralStatus.REFERRED
    save_changes(referral, values, actor)
    summary.refresh([(from_area.pk, referral.heard_date), (to_area.pk, referral.heard_date)])
    transfer = ReferralTransfer.objects.create(
        referral=referral, from_area=from_area, to_area=to_area, reason=reason, transferred_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=transfer,
        changed_fields=["from_area", "to_area", "reason"],
        detail={"referral": referral.pk},
    )
    deadlines_sync(subject=referral)
    enqueue("partnerships.notify_transfer", transfer.pk)
    return transfer


# --- Meetings (the platform mechanism, with MARAC's own rules around it) ---------------------


def _marac_errors(service):
    """Refusals of the platform meetings mechanism reach MARAC's callers as MaracError."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except MaracError:
            raise
        except MeetingError as exc:
            raise MaracError(str(exc), field=exc.field) from exc

    return wrapper


def _cast(model, obj):
    if type(obj) is not model:
        obj.__class__ = model
    return obj


@_marac_errors
def meeting_create(
    *,
    actor,
    area: MaracArea,
    date: date,
    chair,
    agencies: Iterable,
    start_time: time | None = None,
    end_time: time | None = None,
    venue: str = "",
    online_link: str = "",
) -> Meeting:
    """Schedule a meeting of an area and invite agencies. Raises MaracError if the area already
    meets that day."""
    return meetings.meeting_schedule(
        actor=actor,
        body=meetings.body_for(area),
        date=date,
        agencies=agencies,
        chair=chair,
        start_time=start_time,
        end_time=end_time,
        venue=venue,
        online_link=online_link,
    )


@_marac_errors
def meeting_record_attendance(*, actor, meeting: Meeting, entries: dict[int, tuple[str, str]]) -> Meeting:
    """Record, per invited agency id, (attendance status, representative)."""
    return meetings.meeting_record_attendance(actor=actor, meeting=_cast(Meeting, meeting), entries=entries)


@_marac_errors
def meeting_invite_agency(*, actor, meeting: Meeting, agency) -> MeetingAttendance:
    """Invite one more agency to a meeting that has not concluded (it then researches the cases)."""
    invited = meetings.meeting_invite_agency(actor=actor, meeting=_cast(Meeting, meeting), agency=agency)
    deadlines_sync(subject=_cast(Meeting, meeting))
    return invited


def previous_meeting(meeting: Meeting) -> Meeting | None:
    last = meeting_selectors.previous_meeting(meeting)
    return _cast(Meeting, last) if last is not None else None


@dataclass
class AgendaGenerated:
    created: list[AgendaItem]
    several_referrals: list[tuple[int, str, int]]  # (item number, victim reference, referrals)

    def __iter__(self):
        return iter(self.created)

    def __len__(self) -> int:
        return len(self.created)


def _agenda_wanted(meeting: Meeting) -> list[tuple[int, int, int]]:
    """(section, victim id, referral id) for everything MARAC's rule puts on this agenda."""
    wanted: list[tuple[int, int, int]] = []
    for_review = (
        meeting_selectors.open_for_review(meeting)
        .filter(subject_type=ContentType.objects.get_for_model(Referral))
        .order_by("due_date", "id")
        .values_list("subject_id", "review_at_id")
    )
    referral_ids = [referral_id for referral_id, _ in for_review]
    victims = dict(Referral.objects.filter(pk__in=referral_ids).values_list("pk", "victim_id"))
    for referral_id, review_at_id in for_review:
        section = (
            AgendaSection.CARRIED_FORWARD if review_at_id == meeting.pk else AgendaSection.CARRIED_ACTIONS
        )
        wanted.append((section, victims[referral_id], referral_id))
    new_cases = Referral.objects.filter(
        area_id=meeting.area_id, status=ReferralStatus.REFERRED, referral_date__lte=meeting.date
    ).order_by("referral_date", "id")
    for pk, victim_id, children in new_cases.values_list("id", "victim_id", "children_in_household"):
        section = AgendaSection.NEW_WITH_CHILDREN if children else AgendaSection.NEW_WITHOUT_CHILDREN
        wanted.append((section, victim_id, pk))
    discussed_since = AgendaCase.objects.filter(
        referral_id=OuterRef("pk"), item__meeting__date__gt=OuterRef("heard_date")
    )
    due_again = (
        Referral.objects.filter(
            area_id=meeting.area_id,
            status=ReferralStatus.HEARD,
            review_at_12_months=True,
            heard_date__lte=add_months(meeting.date, -12),
        )
        .filter(~Exists(discussed_since))
        .order_by("heard_date", "id")
    )
    wanted += [(AgendaSection.TWELVE_MONTHS, v, pk) for pk, v in due_again.values_list("id", "victim_id")]
    # A victim is on the agenda once, in the first part that has them (stable: order kept within).
    wanted.sort(key=lambda row: row[0])
    return wanted


@_marac_errors
@transaction.atomic
def meeting_generate_agenda(*, actor, meeting: Meeting) -> AgendaGenerated:
    """Build the agenda, in order: cases with incomplete actions from the last meeting; actions
    carried forward to this meeting from an earlier one; new cases with children; new cases
    without; flagged cases where 12 months have passed since their last MARAC. Each victim is
    one item with every referral being heard or reviewed listed under it. Safe to run again:
    items already on the agenda keep their place and gain any new referral of their victim.
    New cases move to "on an agenda". Raises MaracError once the meeting has started."""
    meeting = _cast(Meeting, meeting)
    wanted = _agenda_wanted(meeting)
    result = meetings.agenda_add(
        actor=actor,
        meeting=meeting,
        entries=[
            meetings.AgendaEntry(section=section, subject=Person(pk=victim_id, role=PersonRole.VICTIM))
            for section, victim_id, _ in wanted
        ],
    )
    person_type = ContentType.objects.get_for_model(Person).pk
    listed = set(AgendaCase.objects.filter(item__meeting=meeting).values_list("item_id", "referral_id"))
    cases = []
    for _section, victim_id, referral_id in wanted:
        item = result.items[(person_type, victim_id)]
        if (item.pk, referral_id) not in listed:
            listed.add((item.pk, referral_id))
            cases.append(AgendaCase(item_id=item.pk, referral_id=referral_id))
    AgendaCase.objects.bulk_create(cases)
    added = [case.referral_id for case in cases]
    Referral.objects.filter(pk__in=added, status=ReferralStatus.REFERRED).update(status=ReferralStatus.LISTED)
    referrals_deadlines_sync(Referral.objects.filter(pk__in=added))  # relisted: 12-month reviews met
    if added:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=meeting,
            changed_fields=["agenda"],
            detail={"referrals_listed": added},
        )
        deadlines_sync(subject=meeting)  # new cases to research once the agenda has gone out
    return AgendaGenerated(
        created=[_cast(AgendaItem, item) for item in result.created],
        several_referrals=several_referrals(meeting),
    )


def several_referrals(meeting: Meeting) -> list[tuple[int, str, int]]:
    """Victims with more than one referral on this agenda: (item number, reference, referrals)."""
    counts = dict(
        AgendaCase.objects.filter(item__meeting=meeting)
        .values("item_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("item_id", "n")
    )
    if not counts:
        return []
    rows = meeting_selectors.agenda(meeting, list(AgendaItem.objects.filter(meeting=meeting)))
    return [
        (row.number, row.item.victim_reference, counts[row.item.pk]) for row in rows if row.item.pk in counts
    ]


def agenda_places(referral: Referral) -> list[tuple[Meeting, int]]:
    """The agendas of meetings not yet concluded where the referral's victim already has an item,
    with the item's number: a second referral of that victim is heard under the same item."""
    items = AgendaItem.objects.filter(
        subject_type=ContentType.objects.get_for_model(Person),
        subject_id=referral.victim_id,
        meeting__status__in=[MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS],
        meeting__body__owner_id=referral.area_id,
    ).select_related("meeting__body")
    places = []
    for item in items:
        meeting = _cast(Meeting, item.meeting)
        rows = meeting_selectors.agenda(meeting, list(AgendaItem.objects.filter(meeting=meeting)))
        number = next(row.number for row in rows if row.item.pk == item.pk)
        places.append((meeting, number))
    return places


@_marac_errors
@transaction.atomic
def agenda_item_remove(*, actor, item: AgendaItem) -> None:
    """Take a victim off an agenda before the meeting starts; their new referrals go back to
    "referred"."""
    item = _cast(AgendaItem, item)
    new_ids = list(
        AgendaCase.objects.filter(item=item, referral__status=ReferralStatus.LISTED).values_list(
            "referral_id", flat=True
        )
    )
    meetings.agenda_item_remove(actor=actor, item=item)
    Referral.objects.filter(pk__in=new_ids, status=ReferralStatus.LISTED).update(
        status=ReferralStatus.REFERRED
    )
    deadlines_sync(subject=_cast(Meeting, item.meeting))  # one case fewer to research


@_marac_errors
def agenda_add_other_business(*, actor, meeting: Meeting, title: str) -> AgendaItem:
    """Add an item of any other business (no personal details in its title)."""
    return meetings.agenda_add_other_business(actor=actor, meeting=_cast(Meeting, meeting), title=title)


@_marac_errors
def meeting_send_agenda(*, actor, meeting: Meeting, sent_on: date | None = None) -> Meeting:
    """Record that the agenda went out to the invited agencies (meets the papers deadline and
    opens the research stage); their representatives are told the papers are ready."""
    return meetings.meeting_send_papers(actor=actor, meeting=_cast(Meeting, meeting), sent_on=sent_on)


@_marac_errors
def meeting_start(*, actor, meeting: Meeting) -> Meeting:
    """Open the meeting once the confidentiality statement has been read and agreed."""
    return meetings.meeting_start(actor=actor, meeting=_cast(Meeting, meeting))


@_marac_errors
@transaction.atomic
def agenda_item_record(*, actor, item: AgendaItem, minutes: str) -> AgendaItem:
    """Record the minutes of one victim's item. Each new referral under it is then "heard" on the
    meeting's date, which is when it counts in the data return. Raises MaracError unless the
    meeting is in progress."""
    item = meetings.agenda_item_record(actor=actor, item=_cast(AgendaItem, item), minutes=minutes)
    meeting = _cast(Meeting, item.meeting)
    for referral in Referral.objects.select_for_update().filter(
        listings__item=item, status=ReferralStatus.LISTED
    ):
        referral.status = ReferralStatus.HEARD
        referral.heard_date = meeting.date
        referral.heard_at = meeting
        referral.save(update_fields=["status", "heard_date", "heard_at"])
        summary.refresh([(referral.area_id, referral.heard_date)])
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=referral,
            changed_fields=["status", "heard_date", "heard_at"],
            detail={"to": referral.status},
        )
        deadlines_sync(subject=referral)
    return item


@_marac_errors
def meeting_conclude(*, actor, meeting: Meeting) -> Meeting:
    """Close the meeting. Refused while an item has no minutes or an action that comes back to
    this meeting has been neither completed nor carried forward."""
    return meetings.meeting_conclude(actor=actor, meeting=_cast(Meeting, meeting))


@_marac_errors
@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting that has not started; its new cases go back to "referred" for the next."""
    meeting = meetings.meeting_cancel(actor=actor, meeting=_cast(Meeting, meeting), reason=reason)
    Referral.objects.filter(listings__item__meeting=meeting, status=ReferralStatus.LISTED).update(
        status=ReferralStatus.REFERRED
    )
    return meeting


@_marac_errors
def meeting_update_details(*, actor, meeting: Meeting, values: dict, expected_version: str = "") -> Meeting:
    """Change the time, venue, online link or chair of a meeting (its date before papers go out)."""
    return meetings.meeting_update_details(
        actor=actor, meeting=_cast(Meeting, meeting), values=values, expected_version=expected_version
    )


@_marac_errors
def meeting_approve_minutes(*, actor, meeting: Meeting, approved_on: date) -> Meeting:
    """Approve the minutes as a true record; attending agencies are told they are ready."""
    return meetings.meeting_approve_minutes(
        actor=actor, meeting=_cast(Meeting, meeting), approved_on=approved_on
    )


@_marac_errors
def area_update_pattern(*, actor, area: MaracArea, values: dict, expected_version: str = ""):
    """Set how an area's MARAC usually meets (see the platform's body_update_pattern)."""
    return meetings.body_update_pattern(
        actor=actor, body=meetings.body_for(area), values=values, expected_version=expected_version
    )


@_marac_errors
def meetings_schedule_year(
    *, actor, area: MaracArea, dates: Iterable[date], agencies: Iterable
) -> list[Meeting]:
    """Schedule the meetings the coordinator confirmed from the area's pattern, all or none."""
    return meetings.meetings_schedule_dates(
        actor=actor, body=meetings.body_for(area), dates=dates, agencies=agencies
    )


# --- Research before the meeting --------------------------------------------------------------


def _on_agenda(meeting: Meeting, referral: Referral) -> bool:
    return AgendaCase.objects.filter(item__meeting_id=meeting.pk, referral_id=referral.pk).exists()


@transaction.atomic
def research_return_record(
    *,
    actor,
    meeting: Meeting,
    referral: Referral,
    information_held: bool,
    summary: str = "",
    risks: str = "",
    researched_on: date,
) -> ResearchReturn:
    """Record (or correct) what the actor's agency found on one case of a meeting's agenda.
    Raises MaracError outside the meeting's research stage, once it has concluded, for a case
    the agency may not research, or when information is held but not summarised."""
    from .permissions import researching

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status in (MeetingStatus.CONCLUDED, MeetingStatus.CANCELLED):
        raise MaracError("Research returns can be recorded only until the meeting concludes.")
    if not _on_agenda(meeting, referral) or not researching(actor, referral, meeting):
        raise MaracError("Your agency is not researching this case for this meeting.")
    refuse_future(researched_on, "The date of the research", MaracError, field="researched_on")
    summary, risks = summary.strip(), risks.strip()
    if information_held and not summary:
        raise MaracError("Summarise the information your agency holds.")
    values = {
        "information_held": information_held,
        "summary": summary,
        "risks": risks,
        "researched_on": researched_on,
    }
    existing = (
        ResearchReturn.objects.select_for_update()
        .filter(meeting=meeting, referral=referral, agency_id=actor.agency_id)
        .first()
    )
    if existing is not None:
        save_changes(existing, values | {"recorded_by": actor}, actor)
        deadlines_sync(subject=meeting)  # the papers deadline: the date of the last return
        return existing
    found = ResearchReturn.objects.create(
        meeting=meeting, referral=referral, agency_id=actor.agency_id, recorded_by=actor, **values
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=found, changed_fields=list(values))
    deadlines_sync(subject=meeting)  # the papers deadline is met once every return is in
    return found


@transaction.atomic
def research_access_set(*, actor, meeting: Meeting, referral: Referral, agencies: Iterable) -> list[int]:
    """The coordinator's decision on which invited agencies may research a restricted case on a
    meeting's agenda (the others see "Restricted"). Returns the agency ids now allowed. Raises
    MaracError for an unrestricted case, a case not on the agenda, or an agency not invited."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not referral.restricted:
        raise MaracError("Every invited agency researches an unrestricted case; there is nothing to decide.")
    if not _on_agenda(meeting, referral):
        raise MaracError("This case is not on the meeting's agenda.")
    chosen = {agency.pk for agency in agencies}
    invited = set(MeetingAttendance.objects.filter(meeting=meeting).values_list("agency_id", flat=True))
    if chosen - invited:
        raise MaracError("Only agencies invited to the meeting can research its cases.")
    current = set(
        ResearchAccess.objects.filter(meeting=meeting, referral=referral).values_list("agency_id", flat=True)
    )
    ResearchAccess.objects.filter(meeting=meeting, referral=referral, agency_id__in=current - chosen).delete()
    ResearchAccess.objects.bulk_create(
        [
            ResearchAccess(meeting=meeting, referral=referral, agency_id=agency_id, granted_by=actor)
            for agency_id in sorted(chosen - current)
        ]
    )
    if chosen != current:
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=referral,
            changed_fields=["research_access"],
            detail={
                "meeting": meeting.pk,
                "opened": sorted(chosen - current),
                "closed": sorted(current - chosen),
            },
        )
        deadlines_sync(subject=meeting)  # who has research returns to make has changed
    return sorted(chosen)


# --- Actions ---------------------------------------------------------------------------------


@_marac_errors
def action_create(
    *,
    actor,
    item: AgendaItem,
    agency,
    description: str,
    due_date: date,
    owner=None,
    referral: Referral | None = None,
) -> Action:
    """Agree an action for one agency (and a named owner in it) on a victim's item at a meeting
    in progress. It is on `referral`, by default the latest referral listed under the item."""
    if referral is None:
        referral = (
            Referral.objects.filter(listings__item_id=item.pk).order_by("-referral_date", "-id").first()
        )
    return meetings.action_create(
        actor=actor,
        item=_cast(AgendaItem, item),
        agency=agency,
        description=description,
        due_date=due_date,
        owner=owner,
        subject=referral,
    )


@_marac_errors
def action_complete(*, actor, action: Action, outcome: str, completed_on: date) -> Action:
    """Mark an open action done with its outcome. Raises MaracError otherwise."""
    return meetings.action_complete(
        actor=actor, action=_cast(Action, action), outcome=outcome, completed_on=completed_on
    )


@_marac_errors
def action_carry_forward(
    *, actor, action: Action, to_meeting: Meeting, reason: str, due_date: date | None = None
) -> Action:
    """Carry an incomplete action to a later meeting of the same area, saying why it is not done:
    circumstances changed, or the agency did not complete it. It then appears on that meeting's
    agenda with its reason. Raises MaracError otherwise."""
    return meetings.action_carry_forward(
        actor=actor, action=_cast(Action, action), to_meeting=to_meeting, reason=reason, due_date=due_date
    )


@_marac_errors
def action_add_update(*, actor, action: Action, text: str):
    """Record progress on an open action."""
    return meetings.action_add_update(actor=actor, action=_cast(Action, action), text=text)


@_marac_errors
def action_assign(*, actor, action: Action, owner) -> Action:
    """Name the person in the agency who owns the action."""
    return meetings.action_assign(actor=actor, action=_cast(Action, action), owner=owner)


# --- Reference data loading ------------------------------------------------------------------


def _csv_rows(text: str, expected: list[str]) -> list[dict]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if [h.strip() for h in (reader.fieldnames or [])] != expected:
        raise MaracError("The header row must be: " + ",".join(expected))
    return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in reader]


@transaction.atomic
def areas_load(*, actor, text: str) -> tuple[int, int]:
    """Create or update MARAC areas by code from `code,name,adult_female_population`.
    All or nothing; raises MaracError naming the first bad row. Returns (created, updated)."""
    created = updated = 0
    for line, row in enumerate(_csv_rows(text, ["code", "name", "adult_female_population"]), start=2):
        if (
            not row["code"]
            or not row["name"]
            or not row["adult_female_population"].isdigit()
            or not int(row["adult_female_population"])
        ):
            raise MaracError(f"Row {line}: enter a code, a name and a population greater than 0.")
        area, was_created = MaracArea.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "adult_female_population": int(row["adult_female_population"])},
        )
        created += was_created
        updated += not was_created
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if was_created else AuditAction.CHANGE,
            obj=area,
            changed_fields=["name", "adult_female_population"],
        )
    return created, updated


@transaction.atomic
def agencies_load(*, actor, text: str) -> tuple[int, int]:
    """Create or update agencies by code from `code,name,type` (type is an agency type such as
    police). Existing codes are updated, never duplicated. Returns (created, updated)."""
    from somerset_safety.accounts.models import Agency, AgencyType

    created = updated = 0
    for line, row in enumerate(_csv_rows(text, ["code", "name", "type"]), start=2):
        if not row["code"] or not row["name"]:
            raise MaracError(f"Row {line}: enter the agency code and name.")
        if row["type"] not in AgencyType.values:
            raise MaracError(f"Row {line}: {row['type'] or '(blank)'} is not an agency type.")
        agency, was_created = Agency.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "agency_type": row["type"]}
        )
        created += was_created
        updated += not was_created
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if was_created else AuditAction.CHANGE,
            obj=agency,
            changed_fields=["name", "agency_type"],
        )
    return created, updated
