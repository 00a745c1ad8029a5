"""Health Monitor's domain errors."""

from __future__ import annotations

from azora.shared.errors import Conflict, NotFound, ValidationFailed


class InvalidHttpCheck(ValidationFailed):
    code = "invalid_http_check"
    title = "This HTTP check cannot be saved."


class InvalidMaintenanceWindow(ValidationFailed):
    code = "invalid_maintenance_window"
    title = "This maintenance window cannot be saved."


class InvalidAlertChannel(ValidationFailed):
    code = "invalid_alert_channel"
    title = "This alert channel cannot be saved."


class InvalidIncident(ValidationFailed):
    code = "invalid_incident"
    title = "This incident update cannot be saved."


class IncidentNotFound(NotFound):
    code = "incident_not_found"
    title = "No such incident."


class IncidentClosed(Conflict):
    code = "incident_closed"
    title = "This incident is resolved."


class MaintenanceNotFound(NotFound):
    code = "maintenance_not_found"
    title = "No such maintenance window."


class AlertChannelNotFound(NotFound):
    code = "alert_channel_not_found"
    title = "No such alert channel."


class AlertChannelManaged(Conflict):
    code = "alert_channel_managed"
    title = "This alert channel comes from the AZORA_HEALTH_ALERT_EMAILS setting; change the setting instead."


class HttpCheckNotFound(NotFound):
    code = "http_check_not_found"
    title = "No such HTTP check."
