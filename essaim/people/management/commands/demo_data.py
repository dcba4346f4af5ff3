"""``manage.py demo_data``: fill a new network with Atelier Boréal, a fictitious French company."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.accounts.models import User
from essaim.charters.demo import demo_charter_create
from essaim.people.demo import ADMIN_EMAIL, DEMO_PASSWORD, EMPLOYEE_EMAIL, demo_company_create
from essaim.stream.demo import demo_activity_create


class Command(BaseCommand):
    help = "Create demo people (Atelier Boréal): departments, sites, a management tree, photos and follows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any account exists.")
        parser.add_argument("--people", type=int, default=150, help="How many people (default 150, minimum 12).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed: the same seed gives the same company.")
        parser.add_argument("--no-photos", action="store_true", help="Skip the generated portraits.")
        parser.add_argument("--no-activity", action="store_true", help="People only: no spaces, posts or reactions.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.exists():
            demo = {user.email: user for user in User.objects.filter(email__in=[ADMIN_EMAIL, EMPLOYEE_EMAIL])}
            if len(demo) == 2:  # the demo network, loaded before: how to sign in again
                self.stdout.write(accounts_reminder(demo[ADMIN_EMAIL], demo[EMPLOYEE_EMAIL]))
            else:
                self.stdout.write("Accounts already exist: demo data not loaded.")
            return
        if User.objects.filter(email__in=[ADMIN_EMAIL, EMPLOYEE_EMAIL]).exists():
            raise CommandError("The demo accounts already exist: demo data is loaded once per database.")
        if not 1 <= options["people"] <= 5000:
            raise CommandError("--people must be between 1 and 5000.")
        started = time.monotonic()
        result = demo_company_create(people=options["people"], seed=options["seed"], photos=not options["no_photos"])
        demo_charter_create(admin=result.admin)  # accepted by every demo person; a newcomer accepts it first
        activity = "" if options["no_activity"] else self._activity(result.admin, options["seed"])
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Atelier Boréal is ready: {result.people} people, {result.photos} photos, "
                f"{result.follows} follows{activity} ({elapsed:.1f} s)."
            )
        )
        self.stdout.write(accounts_reminder(result.admin, result.employee))

    def _activity(self, admin: User, seed: int) -> str:
        activity = demo_activity_create(admin=admin, seed=seed)
        return (
            f", {activity.spaces} spaces, {activity.posts} posts, {activity.comments} comments, "
            f"{activity.reactions} reactions"
        )


def accounts_reminder(admin: User, employee: User) -> str:
    return (
        f"Demo accounts: every demo person signs in with the password {DEMO_PASSWORD}\n"
        f"  network administrator  {admin.email} ({admin.get_full_name()})\n"
        f"  employee               {employee.email} ({employee.get_full_name()})\n"
        "  anyone else            the e-mail address on their profile"
    )
