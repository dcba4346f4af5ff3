"""Mastodon's statuses, timelines, tags and media resources, and Essaim's reactions and announcements."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["statuses"])
