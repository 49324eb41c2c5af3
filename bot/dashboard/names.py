"""People's names as Slack shows them, for the dashboard's lists of registrants.

Each name is asked of Slack once (`users.info`) and kept for `KEEP` seconds. A page asks for
at most `PER_PAGE` names it does not know yet, so a session of 500 registrants never holds a
page up for 500 calls: the rest show as their Slack ID and fill in over the next reloads
(the pages reload every 30 s). A name Slack will not give (a deleted user, a rate limit, an
outage) is shown as the ID too; after a rate limit, no more are asked for that page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence

from cachetools import TTLCache
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

logger = logging.getLogger(__name__)

KEEP = 6 * 3600
PER_PAGE = 60
KEPT = 20_000


class SlackNames:
    """`names(user_ids)`: each id's full name as their Slack profile gives it (else their
    display name, else their username, else the id)."""

    def __init__(self, client: WebClient, *, per_page: int = PER_PAGE) -> None:
        self._client = client
        self._per_page = per_page
        self._known: TTLCache[str, str] = TTLCache(maxsize=KEPT, ttl=KEEP)
        self._lock = threading.Lock()

    def __call__(self, user_ids: Sequence[str]) -> Mapping[str, str]:
        with self._lock:
            found = {user: self._known[user] for user in user_ids if user in self._known}
        asked = 0
        for user in user_ids:
            if user in found or asked >= self._per_page:
                continue
            asked += 1
            name = self._ask(user)
            if name is None:
                break
            found[user] = name
            with self._lock:
                self._known[user] = name
        return {user: found.get(user, user) for user in user_ids}

    def _ask(self, user: str) -> str | None:
        """The name Slack shows for `user` (the id if Slack has none); None to stop asking
        for now."""
        try:
            answer = self._client.users_info(user=user)
        except SlackApiError as err:
            if err.response.status_code == 429:
                logger.warning("Slack is rate-limiting users.info: names wait for a reload")
                return None
            logger.warning("users.info %s: %s", user, err.response.get("error"))
            return user
        except SlackClientError as err:
            logger.warning("users.info did not answer (%s): names wait for a reload", err)
            return None
        person = answer.get("user") or {}
        profile = person.get("profile") or {}
        for name in (person.get("real_name"), profile.get("real_name"),
                     profile.get("display_name"), person.get("name")):  # fmt: skip
            if isinstance(name, str) and name.strip():
                return name.strip()
        return user
