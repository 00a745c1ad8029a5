"""The enrolment gate the revenue engine registers with Azora Education: plan limits on new enrolments."""
