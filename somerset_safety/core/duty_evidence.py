"""Evidence of a statutory duty that the product already holds in another app's records (a DHR
decided in time, a modern slavery notification made), counted beside the evidence officers record.

An app that does a duty's work registers, in its own `evidence.py` (called from its
`AppConfig.ready()`), one source per obligation of the duties register it evidences:

    duty_evidence.register(EvidenceSource(
        key="dhr_in_time",
        obligation="dvcva-s9-reviews-in-time",           # the obligation's code in the register
        label="Domestic Homicide Reviews",
        counts="A decision made within a month of notification …",   # what counts, in words
        items=dhr_evidence,                               # () -> [HeldEvidence, …]
        watches=("reviews.notification",),                # whose deadline syncs change it
        can_open=lambda user: user.has_role(…),           # who may follow the links
    ))

The items are read from the app's own selector each time (never copied); each says whether it
counts. The duties app follows changes: every `deadlines_sync` of a record a source watches
brings that obligation's dates and deadlines into line, in the same transaction.
The platform imports no domain app: each app brings its own sources.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class HeldEvidence:
    """One record that shows the duty being done. No personal data: a reference, a fixed
    description and a link."""

    met_on: date
    reference: str
    description: str
    url: str = ""
    counts: bool = True


@dataclass(frozen=True)
class EvidenceSource:
    key: str
    obligation: str
    label: str
    counts: str
    items: Callable[[], Iterable[HeldEvidence]]
    watches: tuple[str, ...] = ()
    can_open: Callable[[object], bool] = field(default=lambda user: False)

    def evidence(self) -> list[HeldEvidence]:
        """Every item, newest first."""
        return sorted(self.items(), key=lambda item: (item.met_on, item.reference), reverse=True)


_sources: dict[str, EvidenceSource] = {}
_followers: list[Callable[[set[str]], None]] = []


def register(source: EvidenceSource) -> None:
    _sources[source.key] = source


def unregister(key: str) -> None:
    _sources.pop(key, None)


def sources() -> list[EvidenceSource]:
    return list(_sources.values())


def sources_for(obligation_code: str) -> list[EvidenceSource]:
    return [s for s in _sources.values() if s.obligation == obligation_code]


def follow(callback: Callable[[set[str]], None]) -> None:
    """The duties app's hook: called with the obligation codes whose held evidence may have changed."""
    if callback not in _followers:
        _followers.append(callback)


def subject_changed(subject_type: str) -> None:
    """A record of `subject_type` ("reviews.notification") changed: tell the followers which
    obligations it evidences. Cheap when no source watches it."""
    codes = {s.obligation for s in _sources.values() if subject_type in s.watches}
    if codes:
        for callback in _followers:
            callback(codes)
