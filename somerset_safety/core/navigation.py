"""Service navigation. Each app registers its sections in its AppConfig.ready()."""

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
