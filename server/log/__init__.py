"""The ordered log of accepted commands: SQLite (embedded) or Redis Streams."""

from rencontre.server.log.base import Log, LogUnavailable, UnloggableEntry


def open_log(data_dir: str, redis_url: str | None) -> Log:
    """The log the settings ask for: Redis when a URL is given, else SQLite in ``data_dir``."""
    if redis_url:
        from rencontre.server.log.redis import RedisLog

        return RedisLog(redis_url)
    from rencontre.server.log.sqlite import SQLiteLog

    return SQLiteLog(data_dir)


__all__ = ["Log", "LogUnavailable", "UnloggableEntry", "open_log"]
