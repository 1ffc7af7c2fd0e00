from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from somerset_safety.accounts.models import Agency, AgencyType, User
from somerset_safety.accounts.roles import Role
from somerset_safety.core import demo

DEMO_PASSWORD = "Synthetic-demo-2026!"  # noqa: S105 - synthetic demo accounts only

# key, email, name, agency code, roles
PERSONAS = [
    ("officer", "officer@demo.invalid", "Demo Officer (synthetic)", "CST", [Role.OFFICER]),
    (
        "coordinator",
        "coordinator@demo.invalid",
        "Demo MARAC Coordinator (synthetic)",
        "CST",
        [Role.MARAC_COORDINATOR],
    ),
    (
        "police_rep",
        "police.rep@demo.invalid",
        "Demo Police Representative (synthetic)",
        "POLICE",
        [Role.AGENCY_REP],
    ),
    (
        "housing_rep",
        "housing.rep@demo.invalid",
        "Demo Housing Representative (synthetic)",
        "HOUSING",
        [Role.AGENCY_REP],
    ),
    (
        "panel",
        "panel@demo.invalid",
        "Demo Disruption Panel Member (synthetic)",
        "POLICE",
        [Role.PANEL_MEMBER],
    ),
    ("chair", "chair@demo.invalid", "Demo Independent Chair (synthetic)", "INDEPENDENT", [Role.REVIEW_CHAIR]),
    ("lead", "lead@demo.invalid", "Demo Partnership Lead (synthetic)", "ICB", [Role.PARTNERSHIP_LEAD]),
    (
        "commissioner",
        "commissioner@demo.invalid",
        "Demo Commissioning Officer (synthetic)",
        "CST",
        [Role.COMMISSIONING_OFFICER],
    ),
    ("auditor", "auditor@demo.invalid", "Demo IG Auditor (synthetic)", "CST", [Role.AUDITOR]),
    ("records", "records@demo.invalid", "Demo Records Manager (synthetic)", "CST", [Role.RECORDS_MANAGER]),
    ("admin", "admin@demo.invalid", "Demo System Administrator (synthetic)", "CST", [Role.ADMIN]),
]


class Command(BaseCommand):
    help = "Loads clearly-labelled synthetic demo users and records (idempotent). Not for production."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-users", action="store_true", help="Do not print the sign-ins.")

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO_MODE):
            raise CommandError("Demo data is loaded only with DEBUG or DEMO_MODE on.")
        with transaction.atomic():
            users = self._personas()
            for name, loader in demo.loaders():
                self.stdout.write(f"Loading synthetic demo data: {name}")
                loader(users)
        if not options["quiet_users"]:
            self.stdout.write(self.style.SUCCESS("\nDemo sign-ins (synthetic accounts, password for all):"))
            self.stdout.write(f"  password: {DEMO_PASSWORD}")
            for _key, email, name, _agency, _roles in PERSONAS:
                self.stdout.write(f"  {email:<28} {name}")
            if not settings.REQUIRE_SECOND_FACTOR:
                self.stdout.write("  (demo mode: the second factor is switched off)")

    def _personas(self) -> dict:
        Agency.objects.get_or_create(
            code="INDEPENDENT",
            defaults={"name": "Independent reviewers (synthetic demo)", "agency_type": AgencyType.OTHER},
        )
        users = {}
        for key, email, name, agency_code, roles in PERSONAS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    full_name=name,
                    agency=Agency.objects.get(code=agency_code),
                    is_staff=Role.ADMIN in roles,
                )
            user.groups.set([Group.objects.get(name=Role(role).label) for role in roles])
            users[key] = user
        return users
