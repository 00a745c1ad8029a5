"""Django admin for the marketplace: platform staff curate the skills catalogue (edit, approve or reject suggestions);
listings, profiles, skills held, endorsements, applications, contracts, milestones, disputes and reviews are
read-only records here -- they change only through the services, which keep their rules, events and the ledger.

Owner: MARKET-LISTINGS; others may append their own admin classes at the end.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from azora.marketplace.models import (
    Application,
    ApplicationTransition,
    Contract,
    Dispute,
    Endorsement,
    Listing,
    ListingMilestone,
    ListingSkill,
    Message,
    Milestone,
    Profile,
    Review,
    Skill,
    SkillStatus,
    UserSkill,
)
from azora.marketplace.selectors.skills import skill_fold


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # the admin's generics are not needed here
    """A record to look at: no adding, changing or deleting from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "category", "status", "suggested_by")
    list_filter = ("status", "category")
    search_fields = ("name", "slug")
    readonly_fields = ("slug", "suggested_by", "created_at", "updated_at")
    fields = ("name", "slug", "category", "aliases", "status", "suggested_by", "created_at", "updated_at")
    actions = ("approve", "reject")

    def save_model(self, request: HttpRequest, obj: Skill, form: Any, change: bool) -> None:
        # The slug is the folded name (unique), and aliases are stored folded too, as the services resolve them.
        obj.name = " ".join(obj.name.split())
        obj.slug = skill_fold(obj.name)[:80]
        obj.aliases = sorted(
            {" ".join(str(alias).casefold().split()) for alias in obj.aliases or [] if str(alias).strip()}
        )
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve the selected suggestions"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Skill]) -> None:
        count = queryset.filter(status=SkillStatus.SUGGESTED).update(status=SkillStatus.APPROVED)
        self.message_user(request, _("%(count)d skills approved.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Reject the selected suggestions"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Skill]) -> None:
        count = queryset.filter(status=SkillStatus.SUGGESTED).update(status=SkillStatus.REJECTED)
        self.message_user(request, _("%(count)d skills rejected.") % {"count": count}, messages.SUCCESS)


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "headline", "location", "country", "years_experience", "is_public")
    list_filter = ("is_public", "is_remote_ok", "country")
    raw_id_fields = ("user",)


@admin.register(UserSkill)
class UserSkillAdmin(ReadOnlyAdmin):
    list_display = ("user", "skill", "level", "is_verified", "endorsement_count")
    list_filter = ("is_verified", "level")
    list_select_related = ("user", "skill")
    raw_id_fields = ("user", "skill")


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdmin):
    list_display = ("user_skill", "endorser", "created_at")
    raw_id_fields = ("user_skill", "endorser")


class ListingSkillInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ListingSkill
    extra = 0
    can_delete = False
    readonly_fields = ("skill", "level", "is_required")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ListingMilestoneInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ListingMilestone
    extra = 0
    can_delete = False
    readonly_fields = ("position", "title", "amount_minor")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "status", "poster_name", "currency", "pay_max_minor", "published_at", "closes_at")
    list_filter = ("status", "kind", "job_type", "is_remote", "currency")
    search_fields = ("title", "poster_name", "location")
    raw_id_fields = ("poster",)
    inlines = (ListingSkillInline, ListingMilestoneInline)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("listing", "applicant", "status", "match_score", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("listing", "applicant")


@admin.register(ApplicationTransition)
class ApplicationTransitionAdmin(ReadOnlyAdmin):
    list_display = ("application", "from_status", "to_status", "actor", "created_at")
    raw_id_fields = ("application", "actor")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("application", "sender", "created_at")
    raw_id_fields = ("application", "sender")


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("listing", "client", "seller", "currency", "total_minor", "status", "created_at")
    list_filter = ("status", "currency")
    raw_id_fields = ("application", "listing", "client", "seller")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("contract", "position", "title", "amount_minor", "status", "funding_source", "auto_release_at")
    list_filter = ("status", "funding_source")
    raw_id_fields = ("contract",)


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("milestone", "opened_by", "status", "resolution", "resolved_at")
    list_filter = ("status", "resolution")
    raw_id_fields = ("milestone", "opened_by", "resolved_by")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("contract", "side", "rating", "author", "subject", "published_at")
    list_filter = ("side", "rating")
    raw_id_fields = ("contract", "author", "subject")
