"""Build the bot: every part constructed and wired here, in one place, each given only what
it uses; then the Bolt app with its listeners. `python -m bot`, the console and the tests all
build it this way."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.answers import listeners as answer_listeners
from bot.answers.replies import Replies
from bot.broadcasts import Broadcasts
from bot.broadcasts import listeners as broadcast_listeners
from bot.broadcasts.records import BROADCAST_KIND
from bot.calendar import Calendar
from bot.calendar import listeners as calendar_listeners
from bot.current import CurrentProgramme, Reloader
from bot.current.watch import FileWatcher
from bot.dashboard import paths as dashboard_paths
from bot.dashboard.names import SlackNames
from bot.dashboard.pages import Pages
from bot.dashboard.web import Dashboard, allowed_next
from bot.feedback import listeners as feedback_listeners
from bot.feedback.jobs import FEEDBACK, FeedbackJobs
from bot.feedback.service import FeedbackService
from bot.health import Health
from bot.listeners import errors, middleware
from bot.listeners.allowance import Allowance
from bot.listeners.deliveries import Deliveries
from bot.listeners.executor import FairExecutor
from bot.listeners.later import REPLY, Later
from bot.outbox import Outbox
from bot.outbox.updates import INTERVAL as UPDATE_INTERVAL
from bot.outbox.updates import PacedUpdates
from bot.privacy import Privacy
from bot.privacy import listeners as privacy_listeners
from bot.programme import Programme
from bot.registrations import PROMOTION, Registrations
from bot.registrations import listeners as registration_listeners
from bot.registrations.cards import Cards
from bot.registrations.news import CHANGE, News
from bot.reminders import listeners as reminder_listeners
from bot.reminders.choices import ReminderChoices
from bot.reminders.jobs import REMINDER, STARTING_SOON, Reminders
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.signin.records import SignInRecords
from bot.signin.service import OpenIdClient, SignIn, authorize_url_for

if TYPE_CHECKING:
    from bot.records import Store

logger = logging.getLogger(__name__)

SYNC_JOB = "sync:broadcasts"
SYNC_SECONDS = 15.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class _TokenFromClient(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN "will be unused" whenever that variable is set and a
    client is given. Ours is: the client carries that same token and our Slack API URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_TOKEN_FROM_CLIENT = _TokenFromClient()


def web_client(
    token: str,
    base_url: str,
    *,
    retries: bool = True,
    wait_for_limits: bool = False,
    timeout: int = 10,
) -> WebClient:
    """A Web API client for `base_url`, giving up on a call after `timeout` seconds
    (`SLACK_TIMEOUT`). With `retries`, one that retries connection and
    server errors (briefly); with `wait_for_limits` too, one that waits out Slack's rate
    limits. Both sleep on the calling thread: the listeners' client never waits for a rate
    limit (a reply Slack refuses goes to the outbox, see `bot.listeners.later`); the cards'
    own thread does; the outbox paces and retries by itself (`retries=False`)."""
    handlers: list[RetryHandler] = []
    if retries:
        handlers = [ConnectionErrorRetryHandler(max_retry_count=2),
                    ServerErrorRetryHandler(max_retry_count=2)]  # fmt: skip
    if retries and wait_for_limits:
        handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=handlers)


@dataclass
class Bot:
    """The built bot: the Bolt app and the parts that run beside it."""

    app: App
    store: Store
    current: CurrentProgramme
    scheduler: Scheduler
    outbox: Outbox
    registrations: Registrations
    cards: Cards
    reminders: Reminders
    broadcasts: Broadcasts
    reloader: Reloader
    watcher: FileWatcher
    feedback: FeedbackJobs
    calendar: Calendar
    listeners: Executor | None = None  # where the work after each acknowledgement runs
    started: bool = False
    dashboard: Dashboard = field(init=False)
    """The organisers' pages (`PUBLIC_URL/organisers/`), served beside Slack's requests."""

    @property
    def health(self) -> Health:
        """What `GET /healthz` reports."""
        return Health(
            current=self.current,
            store=self.store,
            scheduler=self.scheduler,
            outbox=self.outbox,
            started=lambda: self.started,
        )

    def start(self) -> None:
        """Once Slack is connected: run the schedule, resume the outbox, keep the session
        cards current, watch the programme. Nothing runs before this."""
        self.started = True
        self.scheduler.start()
        self.reminders.schedule()
        self.feedback.schedule()
        self.broadcasts.resume()
        # Another process may schedule, cancel or finish a broadcast: look again now and then
        # (each process schedules every scheduled broadcast; the first to send it wins).
        self.scheduler.every(SYNC_JOB, SYNC_SECONDS, self.broadcasts.resume)
        self.outbox.start()
        self.cards.start()
        self.watcher.start()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until the work after each acknowledgement is done, every job due on the clock
        has run, the outbox has sent all it holds and the session cards show every change;
        False if that took longer than `timeout` seconds. For the console, tests and
        benchmarks, which move the clock (or send a request) and then look, instead of
        sleeping."""
        deadline = time.monotonic() + timeout
        if isinstance(self.listeners, FairExecutor) and not self.listeners.drain(timeout):
            return False
        if not self.scheduler.drain(max(0.0, deadline - time.monotonic())):
            return False
        while self.store.backlog() or not self.outbox.idle():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return self.cards.drain(max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        """Stop everything, then finish writing and close the store."""
        self.watcher.stop()
        self.scheduler.shutdown()
        self.outbox.close()
        self.cards.close()
        self.store.close()


def build_bot(
    settings: Settings,
    programme: Programme,
    store: Store,
    *,
    clock: Callable[[], datetime] = utc_now,
    listener_executor: Executor | None = None,
    card_interval: float = 3.0,
    watch_interval: float = 2.0,
    update_interval: float = UPDATE_INTERVAL,
    outbox_options: dict[str, Any] | None = None,
    allowance: Allowance | None = None,
) -> Bot:
    """The bot for `settings`, serving `programme` from `store`, with clients for the
    configured Slack API (one that retries for replies, one that does not for the outbox).

    Listeners run on the request's own thread and answer inside their acknowledgement;
    anything slower (Web API calls) runs afterwards as a lazy listener on `listener_executor`.
    `allowance`: how many questions a person may ask at once (see `bot.listeners.allowance`).
    `update_interval`: seconds between `chat.update` calls, in every process together (the
    cards and the broadcast previews); Slack's limit unless a test says otherwise.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    timeout = settings.slack_timeout_seconds
    client = web_client(token, settings.slack_api_url, timeout=timeout)
    cards_client = web_client(token, settings.slack_api_url, wait_for_limits=True, timeout=timeout)
    outbox_client = web_client(token, settings.slack_api_url, retries=False, timeout=timeout)
    bolt_logger = logging.getLogger("bot.bolt")
    bolt_logger.addFilter(_TOKEN_FROM_CLIENT)  # added once, however many apps are built
    app = App(
        # Named here: without a name, Bolt names the app after its caller's file by walking
        # the whole stack (`inspect.stack()`, reading the source of every frame).
        name="bot",
        client=client,
        # The door (`bot.guard`) checks every HTTP request's signature before Bolt sees it,
        # more strictly than Bolt does; Socket Mode's requests carry none. Checking it a
        # second time here would only cost each request its time.
        request_verification_enabled=False,
        process_before_response=True,
        listener_executor=listener_executor,
        logger=bolt_logger,
    )

    current = CurrentProgramme(programme)
    scheduler = Scheduler(programme.tz, clock=clock)
    cards = Cards(
        store=store,
        current=current,
        client=cards_client,
        updates=PacedUpdates(store=store, client=cards_client, interval=update_interval),
        emoji=settings.register_emoji,
        interval=card_interval,
    )
    registrations = Registrations(store=store, current=current, clock=clock, changed=cards.touch)
    news = News(
        store=store, current=current, registrations=registrations, touch=cards.touch, clock=clock
    )
    channel = settings.announcements_channel
    reminders = Reminders(
        store=store,
        current=current,
        scheduler=scheduler,
        offsets=settings.reminder_offsets,
        channel=channel if settings.announce_starting_soon else None,
        clock=clock,
    )
    broadcasts = Broadcasts(
        store=store,
        current=current,
        scheduler=scheduler,
        client=client,
        updates=PacedUpdates(store=store, client=client, interval=update_interval),
        channel=channel,
        expiry=settings.broadcast_expiry,
        clock=clock,
    )
    feedback = FeedbackJobs(
        store=store,
        current=current,
        scheduler=scheduler,
        delay=settings.feedback_delay,
        clock=clock,
    )
    # A message being sent stays claimed for as long as its call may take: a replica that
    # dies holds its messages back from the others that long, and no longer.
    shared = {"shared": settings.database_url is not None, "lease": timeout}
    outbox = Outbox(store, outbox_client, clock=clock, **(shared | (outbox_options or {})))
    outbox.handle(FEEDBACK, render=feedback.render)
    outbox.handle(REMINDER, render=reminders.render)
    outbox.handle(STARTING_SOON, render=reminders.render_starting_soon)
    outbox.handle(PROMOTION, render=news.render_promotion)
    outbox.handle(CHANGE, render=news.render_change)
    outbox.handle(REPLY, render=lambda entry, now: None)  # as posted: entry.message
    outbox.handle(BROADCAST_KIND, render=broadcasts.render, settled=broadcasts.settled)
    reloader = Reloader(
        settings.programme_path,
        current,
        then=[reminders.programme_changed, news.programme_changed, feedback.programme_changed],
    )
    watcher = FileWatcher(settings.programme_path, reloader.reload, interval=watch_interval)

    calendar = Calendar(store=store, current=current, url=settings.calendar_url, clock=clock)
    choices = ReminderChoices(store=store, offsets=settings.reminder_offsets)
    privacy = Privacy(store=store, current=current, clock=clock, changed=cards.touch)
    feedback_service = FeedbackService(store=store, current=current, clock=clock)
    replies = Replies(
        current=current,
        registrations=registrations,
        clock=clock,
        calendar=calendar,
        choices=choices,
        feedback=feedback_service,
    )
    later = Later(store=store, clock=clock)
    # The listeners: the middleware first, then each feature's, each given only what it uses.
    middleware.register(app, first=Deliveries(store.engine, clock).first)
    answer_listeners.register(app, replies=replies, later=later, allowance=allowance or Allowance())
    registration_listeners.register(
        app,
        replies=replies,
        current=current,
        registrations=registrations,
        cards=cards,
        emoji=settings.register_emoji,
        later=later,
    )
    broadcast_listeners.register(
        app,
        broadcasts=broadcasts,
        organisers=frozenset(settings.organiser_ids),
        current=current,
        registrations=registrations,
        cards=cards,
        feedback=feedback_service,
        channel=channel,
        clock=clock,
    )
    calendar_listeners.register(app, replies=replies, calendar=calendar)
    feedback_listeners.register(app, feedback=feedback_service)
    reminder_listeners.register(app, choices=choices)
    privacy_listeners.register(app, privacy=privacy)
    app.error(errors.on_error)
    bot = Bot(
        app=app,
        store=store,
        current=current,
        scheduler=scheduler,
        outbox=outbox,
        registrations=registrations,
        cards=cards,
        reminders=reminders,
        broadcasts=broadcasts,
        reloader=reloader,
        watcher=watcher,
        feedback=feedback,
        calendar=calendar,
        listeners=listener_executor,
    )
    pages = Pages(
        current=current,
        registrations=registrations,
        broadcasts=broadcasts,
        feedback=feedback_service,
        health=bot.health,
        records=store,
        names=SlackNames(client),
        clock=clock,
    )
    bot.dashboard = Dashboard(
        pages=pages,
        signin=sign_in(settings, store, clock),
        public_url=settings.public_url,
    )
    return bot


def sign_in(
    settings: Settings, records: SignInRecords, clock: Callable[[], datetime]
) -> SignIn | None:
    """Sign in with Slack for the dashboard, when the app's client ID and secret and the
    bot's public address are set (else the dashboard says how to turn it on)."""
    secret = settings.slack_client_secret
    if not (settings.slack_client_id and secret and settings.public_url):
        return None
    client = OpenIdClient(
        client_id=settings.slack_client_id,
        client_secret=secret.get_secret_value(),
        redirect_uri=settings.public_url + dashboard_paths.CALLBACK,
        authorize_url=authorize_url_for(settings.slack_api_url),
    )
    return SignIn(
        client=client,
        web=web_client("", settings.slack_api_url, timeout=settings.slack_timeout_seconds),
        records=records,
        organisers=frozenset(settings.organiser_ids),
        clock=clock,
        allowed_next=allowed_next,
    )
