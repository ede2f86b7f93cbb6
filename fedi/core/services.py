"""The long-lived objects one Impasto process shares: settings, database, HTTP client, model."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from activitypub.http import HttpClient
from activitypub.signatures import Signer
from activitypub.ssrf import is_allowed
from fedi.core.keys import KeyStore
from fedi.core.sections import MAIN_MODEL
from fedi.core.settings import Settings
from fedi.core.urls import Urls
from generators.base import BackendContext, Generator
from generators.registry import load_generator
from storage import accounts, domain_blocks
from storage.db import (
    create_engine,
    create_page_read_engine,
    create_read_engine,
    session_factory,
)
from storage.inbox_writer import InboxWriter
from storage.models import Account

VERSION = "0.1.0"
BLOCKS_TTL = 5.0  # seconds a read of the blocked domains is trusted
INSTANCE_ACTOR = "instance.actor"  # reserved: usernames may only hold [a-z0-9_]


_SHARED: ContextVar[AsyncSession | None] = ContextVar("impasto_one_read", default=None)


@asynccontextmanager
async def _borrowed(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    yield session


class ReadSessions:
    """Read-only sessions; inside `one()`, every read of the task shares one session."""

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        pages: async_sessionmaker[AsyncSession],
    ) -> None:
        self.factory = factory
        self.pages = pages

    def __call__(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A read session (the shared one inside `one()`)."""
        shared = _SHARED.get()
        return _borrowed(shared) if shared is not None else self.factory()

    @asynccontextmanager
    async def one(self) -> AsyncIterator[AsyncSession]:
        """One read session (one connection) for every read inside; only for work that does
        not write, does not run reads concurrently and reads little (a page of a keyset-paged
        list, and its facts): on SQLite one snapshot, whose statements run in the event loop's
        thread (storage.inline_sqlite), which waits for them; on PostgreSQL in autocommit,
        each statement seeing what is committed when it runs (storage.db)."""
        async with self.pages() as session:
            token = _SHARED.set(session)
            try:
                yield session
            finally:
                _SHARED.reset(token)


@dataclass
class Services:
    """What every request handler, worker and CLI command needs, created once per process."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # Read-only sessions: on SQLite they neither take nor wait for the single write lock.
    reads: ReadSessions
    read_engine: AsyncEngine
    # The engine of `reads.one()`: on SQLite its statements run in the loop's thread, on
    # PostgreSQL it is the write engine's pool in autocommit (storage.db).
    page_engine: AsyncEngine
    urls: Urls
    delivery_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    inbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    image_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    _http: HttpClient | None = None
    _generator: Generator | None = None
    _models: dict[str, Generator] = field(default_factory=dict)  # [generator.models], by key
    _signers: dict[int, Signer] = field(default_factory=dict)
    _keys: KeyStore | None = None
    _inbox_writer: InboxWriter | None = None
    _blocked: tuple[float, set[str]] | None = None

    @classmethod
    def create(cls, settings: Settings) -> Services:
        """Open the database engine; other resources are made on first use."""
        url = settings.database.url
        engine = create_engine(url, pool_size=settings.database.pool_size)
        read_engine = create_read_engine(url, engine)
        page_engine = create_page_read_engine(url, engine)
        return cls(
            settings,
            engine,
            session_factory(engine),
            ReadSessions(session_factory(read_engine), session_factory(page_engine)),
            read_engine,
            page_engine,
            Urls(settings.instance.url),
        )

    @property
    def http(self) -> HttpClient:
        """The one outbound HTTP client (SSRF guard, caps, deadlines)."""
        if self._http is None:
            fed = self.settings.federation
            self._http = HttpClient(
                user_agent=f"Impasto/{VERSION} (+{self.settings.instance.url}/)",
                allow_private_addresses=fed.allow_private_addresses,
                timeout=fed.request_timeout,
            )
        return self._http

    @property
    def keys(self) -> KeyStore:
        """Public keys for signature verification: cached, refreshed at most once a minute."""
        if self._keys is None:
            self._keys = KeyStore(reads=self.reads, blocked=self.domain_blocked)
        return self._keys

    @property
    def inbox_writer(self) -> InboxWriter:
        """Stores verified inbox activities with group commit."""
        if self._inbox_writer is None:
            self._inbox_writer = InboxWriter(self.sessions)
        return self._inbox_writer

    @property
    def generator(self) -> Generator:
        """The image model `[generator]` names (the model offered as "main")."""
        if self._generator is None:
            gen = self.settings.generator
            self._generator = load_generator(gen.backend, gen.options, self._backend_context())
        return self._generator

    def generator_for(self, key: str) -> Generator:
        """The image model offered under `key` ("main", or a key of [generator.models]), made
        on first use and kept; KeyError for a key the settings do not name."""
        if key == MAIN_MODEL:
            return self.generator
        found = self._models.get(key)
        if found is None:
            cfg = self.settings.generator.models[key]
            found = load_generator(
                cfg.backend,
                cfg.options,
                self._backend_context(),
                section=f"generator.models.{key}",
            )
            self._models[key] = found
        return found

    def _backend_context(self) -> BackendContext:
        allow_private = self.settings.federation.allow_private_addresses
        return BackendContext(
            address_allowed=lambda ip: is_allowed(ip, allow_private=allow_private)
        )

    @property
    def media_dir(self) -> Path:
        """Where image files live (created on demand)."""
        path = Path(self.settings.media.dir)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def signer(self, account: Account) -> Signer:
        """The request signer of a local account (its key loaded once)."""
        signer = self._signers.get(account.id)
        if signer is None:
            if account.private_key_pem is None:
                raise ValueError(f"account {account.uri} has no private key")
            signer = Signer(account.public_key_id, account.private_key_pem)
            self._signers[account.id] = signer
        return signer

    async def instance_signer(self) -> Signer:
        """The signer of the instance actor, used for fetches made on the server's behalf."""
        async with self.reads() as session:
            account = await accounts.local_account(session, INSTANCE_ACTOR)
        if account is None:
            raise RuntimeError("the instance actor is missing; run `impasto init`")
        return self.signer(account)

    async def domain_blocked(self, host: str) -> bool:
        """Whether `host` (host[:port]) is blocked; the set is re-read every few seconds, so a
        block made from the CLI reaches a running server quickly."""
        now = time.monotonic()
        if self._blocked is None or now - self._blocked[0] > BLOCKS_TTL:
            async with self.reads() as session:
                self._blocked = (now, await domain_blocks.all_domains(session))
        return domain_blocks.normalise(host) in self._blocked[1]

    def forget_domain_blocks(self) -> None:
        """Read the blocked domains again at the next check (this process changed them)."""
        self._blocked = None

    async def close(self) -> None:
        """Release the HTTP client, the image models that hold connections, and the database."""
        if self._http is not None:
            await self._http.close()
        for generator in (self._generator, *self._models.values()):
            closing = getattr(generator, "aclose", None)  # a backend may hold connections
            if callable(closing):
                await closing()
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
        if self.page_engine.pool is not self.engine.pool:
            await self.page_engine.dispose()  # (on PostgreSQL it shares the write engine's)
