"""Pure checks of Block Kit blocks and views, using slack_sdk's models as the schema."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100

# What slack_sdk raises for shapes it cannot even construct (e.g. a string instead of an object).
_PARSE_ERRORS = (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError)


def block_problems(blocks: Any, *, limit: int, path: str = "blocks") -> list[str]:
    """Problems with a list of blocks, at most `limit` of them (50 in messages, 100 in views)."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return [f"{path} must be a JSON array, got {type(blocks).__name__}"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"{path} has {len(blocks)} blocks; Slack allows at most {limit}")
    for index, block in enumerate(blocks):
        problems += _one_block_problems(block, f"{path}[{index}]")
    problems += _duplicates("block_id", (b.get("block_id") for b in _dicts(blocks)), path)
    for index, block in enumerate(_dicts(blocks)):
        action_ids = (e.get("action_id") for e in _elements(block))
        problems += _duplicates("action_id", action_ids, f"{path}[{index}]")
    return problems


def view_problems(view: Any, *, path: str = "view") -> list[str]:
    """Problems with a view (modal or App Home tab)."""
    if not isinstance(view, dict):
        return [f"{path} must be a JSON object, got {type(view).__name__}"]
    problems = block_problems(view.get("blocks"), limit=MAX_VIEW_BLOCKS, path=f"{path}.blocks")
    if problems:
        return problems
    if view.get("type") == "modal":
        problems += _modal_problems(view, path)
    try:
        rendered = View(**view).to_dict()
    except _PARSE_ERRORS as error:
        return [*problems, f"{path}: {error}"]
    top_level = {k: v for k, v in view.items() if k != "blocks"}
    return problems + differences(top_level, rendered, path)


def differences(original: Any, rendered: Any, path: str) -> list[str]:
    """Where slack_sdk's rendering lost or changed something that was sent (so Slack rejects it)."""
    if rendered is None:
        return [f"{path}: not understood by slack_sdk (unknown type or invalid value)"]
    if isinstance(original, dict):
        if not isinstance(rendered, dict):
            return [f"{path}: an object is not valid here"]
        problems = []
        for key, value in original.items():
            if key in rendered:
                problems += differences(value, rendered[key], f"{path}.{key}")
            else:
                problems.append(f"{path}.{key}: not understood (unknown field or invalid value)")
        return problems
    if isinstance(original, list):
        if not isinstance(rendered, list) or len(rendered) != len(original):
            return [f"{path}: list not understood by slack_sdk"]
        pairs = zip(original, rendered, strict=True)
        return [p for i, (o, r) in enumerate(pairs) for p in differences(o, r, f"{path}[{i}]")]
    if original != rendered:
        return [f"{path}: {original!r} is not valid here (slack_sdk expects e.g. {rendered!r})"]
    return []


def _one_block_problems(block: Any, path: str) -> list[str]:
    if not isinstance(block, dict):
        return [f"{path} must be a JSON object, got {type(block).__name__}"]
    kind = block.get("type")
    try:
        parsed = Block.parse(block)
        if parsed is None or type(parsed) is Block:
            return [f"{path}: unknown block type {kind!r}"]
        rendered = parsed.to_dict()
    except _PARSE_ERRORS as error:
        return [f"{path} ({kind}): {error}"]
    return differences(block, rendered, path)


def _modal_problems(view: dict[str, Any], path: str) -> list[str]:
    problems = []
    if not view.get("title"):
        problems.append(f"{path}: a modal needs a title")
    has_inputs = any(b.get("type") == "input" for b in _dicts(view.get("blocks") or []))
    if has_inputs and not view.get("submit"):
        problems.append(f"{path}: a modal with input blocks needs a submit button")
    return problems


def _dicts(items: list[Any]) -> Iterator[dict[str, Any]]:
    return (item for item in items if isinstance(item, dict))


def _elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The interactive elements of a block (actions elements, accessory, input element)."""
    elements = block.get("elements")
    if isinstance(elements, list) and block.get("type") != "rich_text":
        yield from _dicts(elements)
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            yield block[key]


def _duplicates(field: str, values: Iterator[Any], path: str) -> list[str]:
    counts = Counter(value for value in values if value is not None)
    return [f"{path}: duplicate {field} {value!r}" for value, n in counts.items() if n > 1]
