from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Case, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.functional import cached_property

from .roles import ROLE_BY_GROUP_NAME, Role

# One bit per role, for reading a user's roles in the query that loads them (with_roles).
ROLE_BITS = {role.value: 1 << number for number, role in enumerate(Role)}


class AgencyType(models.TextChoices):
    POLICE = "police", "Police"
    IDVA = "idva", "IDVA service"
    DOMESTIC_ABUSE_SERVICE = "domestic_abuse_service", "Domestic abuse service"
    HEALTH = "health", "Health"
    HEALTH_COMMISSIONER = "health_commissioner", "Health commissioner"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HOUSING = "housing", "Housing"
    PROBATION = "probation", "Probation"
    EDUCATION = "education", "Education"
    SUBSTANCE_MISUSE = "substance_misuse", "Drug and alcohol service"
    FIRE = "fire", "Fire and rescue"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    COMMUNITY_SAFETY = "community_safety", "Council community safety team"
    OTHER = "other", "Other"


class Agency(models.Model):
    """An organisation whose people use the service or take part in its work."""

    code = models.SlugField(max_length=40, unique=True, help_text="Short code, e.g. POLICE.")
    name = models.CharField(max_length=200, unique=True)
    agency_type = models.CharField(max_length=40, choices=AgencyType.choices)
    responsible_authority = models.BooleanField(
        default=False,
        help_text="A responsible authority of the Community Safety Partnership "
        "(Crime and Disorder Act 1998 s5).",
    )
    is_council_team = models.BooleanField(default=False, help_text="The council's own community safety team.")
    lead = models.ForeignKey(
        "User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Receives escalations of this agency's overdue items.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def with_roles(self):
        """Users with the roles they hold through groups read in the same query, as the sum of
        one bit per role group (a user is in a group once, so the sum is the set of roles)."""
        groups = User.groups.through.objects.filter(user_id=OuterRef("pk")).values("user_id")
        bits = groups.annotate(
            bits=Sum(
                Case(
                    *(When(group__name=role.label, then=Value(ROLE_BITS[role.value])) for role in Role),
                    default=Value(0),
                )
            )
        ).values("bits")
        return self.get_queryset().annotate(role_bits=Coalesce(Subquery(bits), 0))


class ReminderPreference(models.TextChoices):
    DIGEST = "digest", "One daily digest email"
    IMMEDIATE = "immediate", "An email for each reminder"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    reminder_preference = models.CharField(
        max_length=20,
        choices=ReminderPreference.choices,
        default=ReminderPreference.DIGEST,
        help_text="Statutory reminders are always sent, whichever you choose.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    @cached_property
    def role_names(self) -> frozenset[str]:
        bits = self.__dict__.get("role_bits")  # loaded with the user (with_roles) or not
        if bits is None:
            names = {ROLE_BY_GROUP_NAME.get(name) for name in self.groups.values_list("name", flat=True)}
            names.discard(None)
        else:
            names = {role for role, bit in ROLE_BITS.items() if bits & bit}
        if self.is_superuser:
            names.add(Role.ADMIN.value)
        return frozenset(names)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names & {str(r) for r in roles})
