"""`atnews db start | stop | status | flush`: the embedded database and the write journal."""

from __future__ import annotations

import argparse

from pymongo.database import Database
from pymongo.errors import PyMongoError

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.config import Config
from atnews_scraper.errors import ConfigError, StoreUnavailable
from atnews_scraper.store import embedded_server, hide_password, open_database


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db", help="start, stop or inspect the embedded database; flush the journal"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    start = actions.add_parser(
        "start", parents=parents, help="start the embedded FerretDB server (if not running)"
    )
    start.add_argument("--port", type=int, help="fixed port (default: 27027, else a free one)")
    start.set_defaults(handler=run_start)
    stop = actions.add_parser("stop", parents=parents, help="stop the embedded server")
    stop.set_defaults(handler=run_stop)
    status = actions.add_parser("status", parents=parents, help="is it running, where, how big")
    status.set_defaults(handler=run_status)
    flush = actions.add_parser(
        "flush", parents=parents, help="write journalled records that a failed run left behind"
    )
    flush.set_defaults(handler=run_flush)


def run_start(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    server = embedded_server(config)
    running = server.status()
    info = server.start(port=args.port)
    if running is None:
        say(f"started: {info.uri} (pid {info.pid}, data in {info.data_dir}, log {info.log_file})")
    else:
        say(f"already running: {info.uri} (pid {info.pid})")
    return 0


def run_stop(args: argparse.Namespace) -> int:
    server = embedded_server(config_from_args(args))
    info = server.stop()
    say("not running" if info is None else f"stopped (pid {info.pid}, port {info.port})")
    return 0


def run_status(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if config.mongo_uri:
        database = open_database(config)
        print(f"using MONGODB_URI {hide_password(config.mongo_uri)}, database {config.db_name}")
        print(f"articles: {database['articles'].estimated_document_count()}")
        print_journal(config, database, config.mongo_uri)
        return 0
    info = embedded_server(config).status()
    if info is None:
        print(f"embedded database: not running (data in {config.db_dir})")
        return 3
    print(f"embedded database: running at {info.uri} (pid {info.pid})")
    print(f"data: {info.data_dir}")
    print(f"log: {info.log_file}")
    database = open_database(config)
    print(f"database {config.db_name}: articles {database['articles'].estimated_document_count()}")
    print_journal(config, database, info.uri)
    return 0


def print_journal(config: Config, database: Database, uri: str) -> None:
    """What waits in the journal, and for which database (nothing when it is empty)."""
    from atnews_scraper.journal import JournalTarget, server_hosts, stored_database_id, waiting_note

    target = JournalTarget(config.db_name, server_hosts(uri), stored_database_id(database))
    note = waiting_note(config.journal_dir, target)
    if note is not None:
        print(note)


def run_flush(args: argparse.Namespace) -> int:
    from atnews_scraper.journal import replay_journal
    from atnews_scraper.store import connect, resolve_uri

    config = config_from_args(args)
    uri = resolve_uri(config, say)
    try:
        result = replay_journal(config, connect(uri, config.db_name), uri)
    except PyMongoError as exc:
        raise StoreUnavailable(
            f"the database stopped answering during the flush ({str(exc).split(',')[0]}); "
            "what was not written is still in the journal: run `atnews db flush` again"
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"cannot read the journal in {config.journal_dir} ({exc.strerror}): "
            "check that it is readable and writable, then run `atnews db flush` again"
        ) from exc
    say(f"journal flushed: {result.entries} record(s) written{result.note(config.journal_dir)}")
    return 0
