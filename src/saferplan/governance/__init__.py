"""Governance: the questions and promises log, consultation questionnaires and events, and
the bodies whose meetings produce actions (issue #14). Every record belongs to one
partnership (ADR 0004) and every change is audited."""
