"""One way to do each thing: the apps use the platform's state machine and reference generator
instead of their own. Read as source, so a new app that copies an old shape fails here."""

import ast
import builtins
from pathlib import Path

import pytest
from django.conf import settings

from somerset_safety.core import references
from somerset_safety.core.transitions import StateMachine

ROOT = Path(settings.BASE_DIR)
APPS = ["reviews", "partnerships", "duties", "commissioning", "somerset_safety"]
PLATFORM_MACHINE = ROOT / "somerset_safety" / "core" / "transitions.py"
PLATFORM_REFERENCES = ROOT / "somerset_safety" / "core" / "references.py"

# Still to move to the platform shape, and nothing may be added here.
PENDING: set[tuple[str, str]] = set()


def _modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path in (PLATFORM_MACHINE, PLATFORM_REFERENCES):
                continue
            yield path, ast.parse(path.read_text(), filename=str(path))


def _owner(tree, node):
    for parent in ast.walk(tree):
        if isinstance(parent, ast.ClassDef) and node in ast.walk(parent):
            return parent.name
    return None


def test_no_app_declares_its_own_transition_table():
    found = []
    for path, tree in _modules():
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in {"Transition", "StateMachine", "Move"}:
                if (rel, node.name) not in PENDING:
                    found.append(f"{rel}: class {node.name}")
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                name = getattr(target, "id", None)
                if name in {"TRANSITIONS", "ALLOWED_MOVES", "ALLOWED_TRANSITIONS", "MOVES"}:
                    if (rel, _owner(tree, node)) not in PENDING and (rel, name) not in PENDING:
                        found.append(f"{rel}: {name}")
    assert found == [], "Declare moves with somerset_safety.core.transitions.StateMachine"


def test_every_state_machine_is_the_platform_one():
    """Each app's machines are in its states.py and are platform StateMachines."""
    import commissioning.states
    import duties.states
    import partnerships.states
    import reviews.states
    import somerset_safety.meetings.states
    import somerset_safety.reports.states

    machines = [
        reviews.states.REVIEW_MOVES,
        partnerships.states.REFERRAL_MOVES,
        duties.states.SLAVERY_MOVES,
        somerset_safety.reports.states.VERSION_MOVES,
        commissioning.states.CONTRACT_MOVES,
        somerset_safety.meetings.states.MEETING_MOVES,
        somerset_safety.meetings.states.ACTION_MOVES,
    ]
    assert all(isinstance(machine, StateMachine) for machine in machines)


def test_no_app_makes_references_its_own_way():
    """References come from core.references.next_reference: no random numbers, no Max()+1 on
    the reference, no counter table of an app's own."""
    found = []
    for path, tree in _modules():
        rel = str(path.relative_to(ROOT))
        source = path.read_text()
        if "secrets.randbelow" in source or "random.randint" in source:
            found.append(f"{rel}: random numbers")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ClassDef)
                and node.name.endswith("Sequence")
                and rel != "somerset_safety/core/models.py"
            ):
                found.append(f"{rel}: class {node.name}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Max":
                if node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "reference":
                    found.append(f"{rel}: Max('reference')")
            if (
                isinstance(node, ast.FunctionDef)
                and "reference" in node.name
                and (rel, node.name) not in PENDING
            ):
                if any(
                    isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Max" for n in ast.walk(node)
                ):
                    found.append(f"{rel}: {node.name} numbers with Max()")
    assert found == []


@pytest.mark.parametrize(
    ("kind", "yearly"),
    [
        ("dhr_notification", False),
        ("marac_referral", True),
        ("slavery_notification", True),
        ("impact_assessment", True),
        ("commissioning_contract", False),
    ],
)
def test_every_record_with_a_reference_registers_its_kind(kind, yearly):
    assert references.kinds()[kind].yearly is yearly


def _puts_the_error_on_a_form_by_hand(handler: ast.ExceptHandler) -> bool:
    """`except SomeError as exc: form.add_error(None, str(exc))` — or `("date", str(exc))`, a field
    named by hand: what core.forms.errors_on does (the service names the field)."""
    if handler.name is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Expr):
        return False
    if isinstance(handler.type, ast.Name) and hasattr(builtins, handler.type.id):
        return False  # a form's own check (a ValueError from a helper), not a service's refusal
    call = handler.body[0].value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "add_error"
        and len(call.args) == 2
        and isinstance(call.args[0], ast.Constant)
        and (call.args[0].value is None or isinstance(call.args[0].value, str))
        and ast.unparse(call.args[1]) == f"str({handler.name})"
    )


def test_no_view_turns_a_service_error_into_a_form_error_by_hand():
    """Views wrap the service call in `with errors_on(form):`, which also puts an error naming a
    field beside it and handles a stale edit; a hand-written copy does neither."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _puts_the_error_on_a_form_by_hand(node)
    ]
    assert not found, f"Use core.forms.errors_on instead: {found}"
