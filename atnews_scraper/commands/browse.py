"""`atnews browse`: the analysis index in Datasette, on 127.0.0.1."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("browse", parents=parents, help="browse the index")
    parser.set_defaults(handler=lambda args: 0)
