"""Health Monitor's tables: probe states and history, route latency history, operators' HTTP checks, SLOs,
incidents, maintenance windows, alert channels, alerts and their deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from azora.shared.models import PublicModel, TimeStampedModel


class ProbeStatus(models.TextChoices):
    # A context: "Up" and "Down" alone are directions in most languages (the lesson-ordering buttons use them so).
    UNKNOWN = "unknown", pgettext_lazy("service status", "Unknown")
    UP = "up", pgettext_lazy("service status", "Up")
    DOWN = "down", pgettext_lazy("service status", "Down")


class Resolution(models.TextChoices):
    MINUTE = "minute", _("Minute")
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")


class ProbeState(TimeStampedModel):
    """A probe's current verdict after the failure/success thresholds (down after 3 failures, up after 2
    successes), so one blip is not an outage. One row per probe, written by each probe round."""

    name = models.CharField(max_length=100, primary_key=True)
    service = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=ProbeStatus.choices, default=ProbeStatus.UNKNOWN)
    consecutive_failures = models.PositiveIntegerField(default=0)
    consecutive_successes = models.PositiveIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_latency_ms = models.FloatField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True, default="")
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service", "name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"


class ProbeBucket(models.Model):
    """A probe's checks in one minute (rolled up into hours and days): counts and a latency histogram over
    `azora.health.history.LATENCY_BOUNDS_MS`, which sums across buckets so percentiles survive the roll-up."""

    probe = models.CharField(max_length=100)
    service = models.CharField(max_length=64)
    resolution = models.CharField(max_length=8, choices=Resolution.choices)
    started_at = models.DateTimeField()
    checks = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    latency_total_ms = models.FloatField(default=0)
    latency_max_ms = models.FloatField(default=0)
    latency_histogram = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["probe", "resolution", "started_at"], name="health_probe_bucket_unique"),
        ]
        indexes = [
            models.Index(fields=["service", "resolution", "started_at"], name="health_probe_bucket_svc_idx"),
            models.Index(fields=["resolution", "started_at"], name="health_probe_bucket_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.probe} {self.resolution} {self.started_at:%Y-%m-%d %H:%M}"


class RouteBucket(models.Model):
    """Requests to one route in one minute as one web process saw them (rows of several processes are summed
    when read): count, 5xx errors and a latency histogram, for route percentiles and the SLOs."""

    route = models.CharField(max_length=200)
    service = models.CharField(max_length=64)
    resolution = models.CharField(max_length=8, choices=Resolution.choices)
    started_at = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    latency_total_ms = models.FloatField(default=0)
    latency_histogram = models.JSONField(default=list)

    class Meta:
        indexes = [
            models.Index(fields=["service", "resolution", "started_at"], name="health_route_bucket_svc_idx"),
            models.Index(fields=["route", "resolution", "started_at"], name="health_route_bucket_route_idx"),
            models.Index(fields=["resolution", "started_at"], name="health_route_bucket_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.resolution} {self.started_at:%Y-%m-%d %H:%M}"


class HttpCheck(PublicModel):
    """An external HTTP endpoint an operator asked the monitor to check, with Gatus-style conditions such as
    "[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 500"."""

    class Method(models.TextChoices):
        GET = "GET", "GET"
        HEAD = "HEAD", "HEAD"
        POST = "POST", "POST"

    name = models.SlugField(max_length=64, unique=True)
    service = models.CharField(max_length=64, default="external")
    url = models.URLField(max_length=500)
    method = models.CharField(max_length=4, choices=Method.choices, default=Method.GET)
    timeout_ms = models.PositiveIntegerField(default=5000)
    conditions = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Slo(PublicModel):
    """A service level objective: availability (share of good probe checks and non-5xx requests) or latency
    (share of requests faster than `latency_threshold_ms`), over a rolling window."""

    class Kind(models.TextChoices):
        AVAILABILITY = "availability", _("Availability")
        LATENCY = "latency", _("Latency")

    service = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    objective_percent = models.DecimalField(max_digits=6, decimal_places=3)
    latency_threshold_ms = models.PositiveIntegerField(null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        ordering = ["service", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["service", "kind"], name="health_slo_unique"),
            models.CheckConstraint(
                condition=Q(objective_percent__gt=0, objective_percent__lt=100), name="health_slo_objective_range"
            ),
            models.CheckConstraint(
                condition=Q(kind="availability") | Q(latency_threshold_ms__isnull=False),
                name="health_slo_latency_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.kind} {self.objective_percent}%"


class IncidentStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    MONITORING = "monitoring", _("Monitoring")
    RESOLVED = "resolved", _("Resolved")


class Incident(PublicModel):
    """An outage or degradation of a service: opened automatically when a probe goes down (and resolved when it
    recovers) or by an operator; its updates are the public timeline on /status."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")

    service = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.INVESTIGATING)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MAJOR)
    automatic = models.BooleanField(default=False)
    probe = models.CharField(max_length=100, blank=True, default="")
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["probe"],
                condition=Q(automatic=True, resolved_at__isnull=True),
                name="health_incident_one_open_per_probe",
            ),
        ]
        indexes = [models.Index(fields=["service", "opened_at"], name="health_incident_service_idx")]

    def __str__(self) -> str:
        return self.title


class IncidentUpdate(PublicModel):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=IncidentStatus.choices)
    message = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.status}: {self.message[:40]}"


class MaintenanceWindow(PublicModel):
    """Planned work: alerts for the listed services (all when empty) are silenced between the two times;
    probing goes on and the history records what happened."""

    title = models.CharField(max_length=200)
    services = models.JSONField(default=list, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="health_maintenance_order")
        ]

    def __str__(self) -> str:
        return self.title


class AlertChannel(PublicModel):
    """Where alerts go: an email address, or a webhook receiving a Slack-compatible JSON body signed with
    HMAC-SHA256 of `signing_secret` (header X-Azora-Signature: t=<unix>,v1=<hex>)."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    target = models.CharField(max_length=500)
    signing_secret = models.CharField(max_length=128, blank=True, default="")
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AlertStatus(models.TextChoices):
    FIRING = "firing", _("Firing")
    RESOLVED = "resolved", _("Resolved")


class Alert(PublicModel):
    """One alerting condition, deduplicated by `key` ("probe_down:database", "burn_rate:education:fast"):
    repeated firings update the row and notify again only after the repeat interval; `flaps` counts recent
    fire/resolve changes, and a flapping alert is notified once until it settles."""

    class Severity(models.TextChoices):
        TICKET = "ticket", _("Ticket")
        PAGE = "page", _("Page")

    key = models.CharField(max_length=200, unique=True)
    rule = models.CharField(max_length=64)
    service = models.CharField(max_length=64)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.PAGE)
    summary = models.CharField(max_length=300)
    status = models.CharField(max_length=8, choices=AlertStatus.choices, default=AlertStatus.FIRING)
    started_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    flaps = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "started_at"], name="health_alert_status_idx")]


class AlertDelivery(PublicModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(AlertChannel, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=8, choices=AlertStatus.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} to {self.channel_id}: {self.status}"
