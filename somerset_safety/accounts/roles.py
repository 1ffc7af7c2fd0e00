"""The roles a user can hold. Each is a Django group; what a role may see is in each app's
permissions.py, and which records (agency, review) is data on the user and the record."""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "community_safety_officer", "Community safety officer"
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    AGENCY_REP = "agency_representative", "Agency representative"
    REVIEW_CHAIR = "review_chair", "Independent review chair"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
    PANEL_MEMBER = "disruption_panel_member", "Disruption Panel member"
    COMMISSIONING_OFFICER = "commissioning_officer", "Commissioning officer"
    AUDITOR = "information_governance_auditor", "Information governance auditor"
    RECORDS_MANAGER = "records_manager", "Records manager"
    ADMIN = "system_administrator", "System administrator"


ROLE_BY_GROUP_NAME = {role.label: role.value for role in Role}

# Django model permissions (used by the admin site) each role is granted, by app.
# Apps add theirs in AppConfig.ready() with grant(); the grants are applied after migrate.
_grants: dict[str, set[str]] = {role.value: set() for role in Role}


def grant(role: Role, permissions: list[str]) -> None:
    _grants[role.value].update(permissions)


def granted() -> dict[str, set[str]]:
    return _grants
