"""SQL for reviewer decisions and comments (they never touch site rows or geometry)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from store.backend import StoreDb
from store.records import Comment, Review

_REVIEW_FIELDS = tuple(f.name for f in dataclasses.fields(Review))
_COMMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Comment))


def _insert(conn: StoreDb, table: str, fields: tuple[str, ...], values: tuple[object, ...]) -> None:
    marks = ", ".join("?" for _ in fields)
    conn.execute(f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({marks})", values)


def insert_review(conn: StoreDb, review: Review) -> None:
    """Append a review decision."""
    _insert(conn, "reviews", _REVIEW_FIELDS, dataclasses.astuple(review))


def insert_comment(conn: StoreDb, comment: Comment) -> None:
    """Append a comment."""
    _insert(conn, "comments", _COMMENT_FIELDS, dataclasses.astuple(comment))


def _frame(conn: StoreDb, table: str, fields: tuple[str, ...], scenario_id: str) -> pd.DataFrame:
    rows = conn.execute(
        f"SELECT {', '.join(fields)} FROM {table} WHERE scenario_id = ? ORDER BY fid",
        (scenario_id,),
    ).fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(fields))


def fetch_reviews(conn: StoreDb, scenario_id: str) -> pd.DataFrame:
    """Return a scenario's review decisions, oldest first (one row per decision)."""
    reviews = _frame(conn, "reviews", _REVIEW_FIELDS, scenario_id)
    reviews["site_version"] = reviews["site_version"].astype("int64")
    return reviews


def fetch_comments(conn: StoreDb, scenario_id: str) -> pd.DataFrame:
    """Return a scenario's comments, oldest first."""
    return _frame(conn, "comments", _COMMENT_FIELDS, scenario_id)
