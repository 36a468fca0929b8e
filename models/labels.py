"""The label sets of the topic classifier: the contract's nine topics and the problem categories."""

from __future__ import annotations

# One definition for the whole project: the labelled-data format owns them.
from gongkai.data.labels import CATEGORIES, TOPICS

__all__ = ["CATEGORIES", "CATEGORY_TOPICS", "TOPICS", "TOPIC_INDEX"]

TOPIC_INDEX = {t: i for i, t in enumerate(TOPICS)}
CATEGORY_TOPICS = frozenset({"problems", "improvements"})
