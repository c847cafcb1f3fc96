"""Back office for people, organizations, memberships, social accounts and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ambassade.accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from ambassade.accounts.models import (
    ApiToken,
    Membership,
    Notification,
    Organization,
    SocialAccount,
    User,
)
from ambassade.audit.services import (
    AUDITED_ORGANIZATION_FIELDS,
    admin_membership_change_record,
    admin_organization_change_record,
    membership_roles,
)


class AuditedMembershipFormsetMixin:
    """Membership inlines: roles changed, people added or deleted go to the audit log."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            return
        ids = [f.instance.pk for f in formset.forms if f.instance.pk]
        before = {m.pk: membership_roles(m) for m in Membership.objects.filter(pk__in=ids)}
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        now = timezone.now()
        for membership in formset.new_objects:
            admin_membership_change_record(
                admin_user=request.user, membership=membership, roles_before=None, now=now
            )
        for membership, _fields in formset.changed_objects:
            admin_membership_change_record(
                admin_user=request.user,
                membership=membership,
                roles_before=before.get(membership.pk, []),
                now=now,
            )
        for membership in formset.deleted_objects:
            admin_membership_change_record(
                admin_user=request.user,
                membership=membership,
                roles_before=before.get(membership.pk, []),
                now=now,
                deleted=True,
            )


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]
    fields = [
        "organization",
        "is_admin",
        "is_manager",
        "is_curator",
        "is_ambassador",
        "department",
        "specialty",
        "seniority",
        "office",
    ]


class SocialAccountInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SocialAccount
    extra = 0
    fields = ["network", "handle", "kind", "audience_size", "mastodon_instance"]


@admin.register(User)
class UserAdmin(AuditedMembershipFormsetMixin, BaseUserAdmin):  # type: ignore[type-arg]
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("full_name", "language", "time_zone")}),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "classes": ("collapse",),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [MembershipInline, SocialAccountInline]

    def get_inline_instances(
        self, request: HttpRequest, obj: User | None = None
    ) -> list[InlineModelAdmin[Any, Any]]:
        # The add page asks for the e-mail and password only; memberships come next.
        if obj is None:
            return []
        return super().get_inline_instances(request, obj)


class OrganizationMembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "is_admin", "is_manager", "is_curator", "is_ambassador", "department"]


@admin.register(Organization)
class OrganizationAdmin(AuditedMembershipFormsetMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "time_zone", "member_count", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "time_zone", "created_at")}),
        (
            _("Approval and compliance"),
            {
                "fields": (
                    "approval_policy",
                    "disclosure_text",
                    "blocked_words",
                    "daily_share_limit",
                    ("sharing_start_hour", "sharing_end_hour"),
                    "burst_gap_minutes",
                ),
                "classes": ("collapse",),
            },
        ),
        (
            _("Conversion tracking"),
            {
                "fields": ("conversion_secret",),
                "classes": ("collapse",),
                "description": _(
                    "Shared with the website, ATS or CRM that reports conversions. "
                    "Changing it breaks their signatures until they are updated."
                ),
            },
        ),
    )
    inlines = [OrganizationMembershipInline]

    @admin.display(description=_("members"))
    def member_count(self, obj: Organization) -> int:
        return obj.memberships.count()

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            changed = [
                name
                for name in form.changed_data
                if name in AUDITED_ORGANIZATION_FIELDS or name == "conversion_secret"
            ]
            admin_organization_change_record(
                admin_user=request.user,
                organization=obj,
                changed_fields=changed,
                now=timezone.now(),
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "organization", "roles_display", "department", "seniority"]
    list_filter = [
        "organization",
        "is_admin",
        "is_manager",
        "is_curator",
        "is_ambassador",
        "seniority",
    ]
    list_select_related = ["user", "organization"]
    search_fields = [
        "user__email",
        "user__full_name",
        "organization__name",
        "department",
        "specialty",
    ]
    autocomplete_fields = ["user", "organization"]

    @admin.display(description=_("roles"))
    def roles_display(self, obj: Membership) -> str:
        return ", ".join(str(role.label) for role in obj.roles) or "—"

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        before = None
        if change:
            previous = Membership.objects.filter(pk=obj.pk).first()
            before = membership_roles(previous) if previous is not None else []
        super().save_model(request, obj, form, change)
        admin_membership_change_record(
            admin_user=request.user, membership=obj, roles_before=before, now=timezone.now()
        )

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        admin_membership_change_record(
            admin_user=request.user,
            membership=obj,
            roles_before=membership_roles(obj),
            now=timezone.now(),
            deleted=True,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        now = timezone.now()
        for membership in queryset:
            admin_membership_change_record(
                admin_user=request.user,
                membership=membership,
                roles_before=membership_roles(membership),
                now=now,
                deleted=True,
            )
        super().delete_queryset(request, queryset)


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["handle", "network", "kind", "audience_size", "user", "created_at"]
    list_filter = ["network", "kind"]
    list_select_related = ["user"]
    search_fields = ["handle", "mastodon_instance", "user__email", "user__full_name"]
    autocomplete_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens are created by their owner, who alone sees the raw value, once."""

    list_display = [
        "name",
        "prefix",
        "user",
        "organization",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["organization", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "organization"]
    search_fields = ["name", "prefix", "user__email", "organization__name"]
    fields = [
        "name",
        "user",
        "organization",
        "prefix",
        "token_hash",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    readonly_fields = [
        "user",
        "organization",
        "prefix",
        "token_hash",
        "created_at",
        "last_used_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "user", "organization", "created_at", "read_at"]
    list_filter = ["organization"]
    search_fields = ["message", "user__email"]
    raw_id_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
    date_hierarchy = "created_at"
