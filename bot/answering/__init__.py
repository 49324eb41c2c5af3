"""The answering engine: questions about the programme, answered without Slack."""

from bot.answering.engine import Answer, Answerer, day_name
from bot.answering.query import Query, parse_query

__all__ = ["Answer", "Answerer", "Query", "day_name", "parse_query"]
