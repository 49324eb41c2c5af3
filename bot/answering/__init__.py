"""The answering engine: questions about the programme, answered without Slack."""

from bot.answering.engine import Answer, Answerer, answerer_for
from bot.answering.query import Query, parse_query
from bot.answering.week import DaySummary

__all__ = ["Answer", "Answerer", "DaySummary", "Query", "answerer_for", "parse_query"]
