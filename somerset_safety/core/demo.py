"""Synthetic demo data for `make run`. Each domain app registers a loader in its ready().

Loaders receive the demo personas by key and must be idempotent: `load_demo_data` may run on
every `make run`. Everything they create is synthetic and labelled so.
"""

from collections.abc import Callable

_loaders: list[tuple[int, str, Callable[[dict], None]]] = []


def register(name: str, loader: Callable[[dict], None], order: int = 100) -> None:
    if all(existing != name for _, existing, _ in _loaders):
        _loaders.append((order, name, loader))
        _loaders.sort(key=lambda item: (item[0], item[1]))


def loaders() -> list[tuple[str, Callable[[dict], None]]]:
    return [(name, loader) for _, name, loader in _loaders]
