"""The Marketplace UI's pages, under /market/: browse and search, listings, applying, the poster's dashboard,
messages, contracts with escrow, disputes (platform admins) and public profiles."""

from django.urls import path

from azora.portals.marketplace.views import applications, browse, contracts, disputes, posting, profiles

app_name = "market"

urlpatterns = [
    path("", browse.browse, name="browse"),
    path("matches/", browse.matches, name="matches"),
    path("listings/new/", posting.listing_new, name="listing_new"),
    path("listings/<uuid:listing_id>/", browse.listing_detail, name="listing"),
    path("listings/<uuid:listing_id>/apply/", applications.apply, name="apply"),
    path("listings/<uuid:listing_id>/applicants/", posting.applicants, name="applicants"),
    path("listings/<uuid:listing_id>/status/", posting.listing_status, name="listing_status"),
    path("my/listings/", posting.dashboard, name="dashboard"),
    path("my/applications/", applications.my_applications, name="my_applications"),
    path("applications/<uuid:application_id>/", applications.application_detail, name="application"),
    path("applications/<uuid:application_id>/messages/", applications.message_send, name="message_send"),
    path("applications/<uuid:application_id>/transition/", applications.transition, name="transition"),
    path("contracts/", contracts.contracts, name="contracts"),
    path("contracts/<uuid:contract_id>/", contracts.contract_detail, name="contract"),
    path("contracts/<uuid:contract_id>/cancel/", contracts.cancel, name="contract_cancel"),
    path("contracts/<uuid:contract_id>/reviews/", contracts.review, name="review"),
    path("contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>/fund/", contracts.fund, name="fund"),
    path("contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>/submit/", contracts.submit, name="submit"),
    path("contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>/release/", contracts.release, name="release"),
    path("contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>/dispute/", contracts.dispute, name="dispute"),
    path("disputes/", disputes.disputes, name="disputes"),
    path("disputes/<uuid:dispute_id>/", disputes.dispute_resolve, name="dispute_resolve"),
    path("people/<uuid:user_id>/", profiles.profile, name="profile"),
    path("my/profile/", profiles.own_profile, name="own_profile"),
]
