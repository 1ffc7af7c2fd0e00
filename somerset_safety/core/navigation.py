"""Service navigation. Each app registers its sections in its AppConfig.ready(), and any panel
of what waits for the user that the home page shows (`register_home_panel`)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    roles: frozenset[str]
    description: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_sections: list[Section] = []


def register(*, label: str, url_name: str, roles, description: str, order: int = 100) -> None:
    if any(s.url_name == url_name for s in _sections):
        return
    _sections.append(Section(label, url_name, frozenset(roles), description, order))
    _sections.sort(key=lambda s: (s.order, s.label))


def sections_for(user) -> list[Section]:
    if not getattr(user, "is_authenticated", False):
        return []
    roles = user.role_names
    return [s for s in _sections if roles & s.roles]


@dataclass(frozen=True)
class HomePanel:
    """A panel on the home page: `build(user)` gives the template its context, or None when the
    panel has nothing to say to this user (their role does not do that work)."""

    key: str
    template: str
    build: Callable[[object], dict | None]
    order: int = 100


_panels: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    if any(p.key == panel.key for p in _panels):
        return
    _panels.append(panel)
    _panels.sort(key=lambda p: (p.order, p.key))


def home_panels_for(user) -> list[tuple[HomePanel, dict]]:
    if not getattr(user, "is_authenticated", False):
        return []
    built = ((panel, panel.build(user)) for panel in _panels)
    return [(panel, context) for panel, context in built if context is not None]
