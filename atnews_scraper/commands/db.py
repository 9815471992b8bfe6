"""`atnews db start | stop | status | flush`: the embedded database and the write journal."""

from __future__ import annotations

import argparse
from typing import Any

from pymongo.database import Database
from pymongo.errors import PyMongoError

from atnews_scraper.commands import SubParsers, config_from_args, json_on_error, print_json, say
from atnews_scraper.config import Config
from atnews_scraper.database import embedded_server, hide_password, open_database
from atnews_scraper.errors import ConfigError, StoreUnavailable


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
    status.add_argument("--json", action="store_true", help="print the status as one JSON line")
    status.set_defaults(handler=run_status)
    flush = actions.add_parser(
        "flush", parents=parents, help="write journalled records that a failed run left behind"
    )
    flush.set_defaults(handler=run_flush)


def run_start(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    server = embedded_server(config)
    running = server.status()
    info = server.start(port=args.port, say=say)
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
    report: dict[str, Any] = {
        "home": str(config.var_dir),
        "database": config.db_name,
        "mongo_uri": hide_password(config.mongo_uri) if config.mongo_uri else None,
        "embedded": not config.mongo_uri,
        "data_dir": None if config.mongo_uri else str(config.db_dir),
    }
    with json_on_error(args.json, report):
        code = _status(config, report)
    if args.json:
        print_json(report)
    else:
        print(_status_text(report))
    return code


def _status(config: Config, report: dict[str, Any]) -> int:
    if config.mongo_uri:
        database = open_database(config)
        uri = config.mongo_uri
        report.update(running=True, status="ok", uri=report["mongo_uri"])
    else:
        info = embedded_server(config).status()
        if info is None:
            report.update(running=False, status="not running", uri=None, exit_code=3)
            return 3
        report.update(
            running=True,
            status="ok",
            uri=info.uri,
            pid=info.pid,
            port=info.port,
            log=info.log_file,
        )
        database = open_database(config)
        uri = info.uri
    report.update(
        articles=database["articles"].estimated_document_count(),
        journal=journal_note(config, database, uri),
        exit_code=0,
    )
    return 0


def journal_note(config: Config, database: Database, uri: str) -> str | None:
    """What waits in the journal, and for which database (None when it is empty)."""
    from atnews_scraper.journal import JournalTarget, server_hosts, stored_database_id, waiting_note

    target = JournalTarget(config.db_name, server_hosts(uri), stored_database_id(database))
    return waiting_note(config.journal_dir, target)


def _status_text(report: dict[str, Any]) -> str:
    if not report["embedded"]:
        lines = [f"using MONGODB_URI {report['mongo_uri']}, database {report['database']}"]
    elif not report["running"]:
        lines = [f"embedded database: not running (data in {report['data_dir']})"]
    else:
        lines = [
            f"embedded database: running at {report['uri']} (pid {report['pid']})",
            f"data: {report['data_dir']}",
            f"log: {report['log']}",
        ]
    lines.append(f"home: {report['home']}")
    if "articles" in report:
        if report["embedded"]:
            lines.append(f"database {report['database']}: articles {report['articles']}")
        else:
            lines.append(f"articles: {report['articles']}")
    if report.get("journal"):
        lines.append(report["journal"])
    return "\n".join(lines)


def run_flush(args: argparse.Namespace) -> int:
    from atnews_scraper.crawl.summary import store_pending
    from atnews_scraper.database import connect, resolve_uri
    from atnews_scraper.journal import replay_journal

    config = config_from_args(args)
    uri = resolve_uri(config, say)
    database = connect(uri, config.db_name)
    try:
        result = replay_journal(config, database, uri)
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
    runs = store_pending(config, database)
    if runs:
        say(f"recorded {runs} crawl run summary(ies) kept while the database was away")
    return 0
