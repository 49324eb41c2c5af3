"""The answering engine: questions about the programme, answered without Slack."""

from bot.answering.engine import Answer, Answerer
from bot.answering.query import Query, parse_query

__all__ = ["Answer", "Answerer", "Query", "parse_query"]
