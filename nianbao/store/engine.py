"""Engines and migrations: SQLite tuned for one writer and many readers, PostgreSQL as given.

Migrations are Alembic scripts in ``migrations/versions``, run on open.  A database stamped with a
revision this nianbao does not know comes from a newer nianbao: it is refused and left untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import MissingDependency, StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# How long a writer waits for another one before saying the database is locked.
BUSY_SECONDS = 30.0


def create(url: str, busy_seconds: float | None = None) -> Any:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    try:
        from sqlalchemy import create_engine, event
        from sqlalchemy.pool import StaticPool
    except ImportError:
        raise MissingDependency(
            "语料库需要安装 SQLAlchemy 等 (the corpus store needs its extra): pip install 'nianbao[store]'",
            expected="nianbao[store]",
        ) from None
    wait = BUSY_SECONDS if busy_seconds is None else busy_seconds
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        if not memory:
            _check_folder(url)
        engine = create_engine(
            url,
            connect_args={"timeout": wait, "check_same_thread": False},
            poolclass=StaticPool if memory else None,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-16384")  # 16 MiB
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
            cur.close()

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as e:  # unknown dialect, missing driver
        raise StoreError(f"无法使用该数据库地址 (cannot use this database URL): {e}", path=url) from None


def _check_folder(url: str) -> None:
    """A clear message before SQLite's 'unable to open database file'."""
    raw = url.split(":///", 1)[1]
    if raw.startswith("file:"):  # an SQLite URI (mode=ro and such): SQLite itself says what is wrong
        return
    path = Path(raw)
    folder = path.parent
    if not folder.is_dir():
        raise StoreError(f"数据库所在的文件夹不存在 (the folder does not exist): {folder}", path=str(path))
    import os

    if not path.exists() and not os.access(folder, os.W_OK):
        raise StoreError(
            f"文件夹只读，无法创建数据库 (the folder is read-only; cannot create the database): {folder}",
            path=str(path),
            expected="a writable folder",
        )


def _config(conn: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def migrate(engine: Any, url: str) -> None:
    """Bring the schema to the newest revision; refuse (untouched) a database from a newer nianbao."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import DBAPIError

    from .corpus import store_error

    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
            cfg = _config(conn)
            script = ScriptDirectory.from_config(cfg)
            known = {r.revision for r in script.walk_revisions()}
            unknown = [r for r in current if r not in known]
            if unknown:
                raise StoreError(
                    f"该数据库的结构版本 {', '.join(unknown)} 来自更新版本的 nianbao，本版本不认识，未做任何修改；"
                    "请升级 nianbao 后再打开 (the database has a newer schema; upgrade nianbao)",
                    path=url,
                    expected=f"schema {script.get_current_head()} or older",
                )
            if set(current) != {script.get_current_head()}:
                conn.commit()
                with conn.begin():
                    command.upgrade(cfg, "head")
    except DBAPIError as e:
        raise store_error(e, url, "打开数据库 (opening the database)") from None


def schema_revision(engine: Any) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
