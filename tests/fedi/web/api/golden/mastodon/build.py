"""Rebuild the golden Mastodon entities here from a checkout of mastodon/documentation.

Run by hand, not by the tests: `python build.py /path/to/documentation`. Each golden file is the
JSON example of a page in content/en/entities (or content/en/methods); where the brief of a file
asks for more than the example shows, or the example lacks an attribute that Mastodon sends
always, the change is made here, in code, and SOURCES.md lists it.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def examples(docs: Path, page: str) -> list[Any]:
    """The JSON blocks of a docs page, in order; `// ...` elisions are dropped."""
    text = (docs / "content/en" / page).read_text()
    blocks = []
    for block in re.findall(r"```json\n(.*?)```", text, re.S):
        try:
            blocks.append(json.loads(block))
        except ValueError:
            lenient = re.sub(r"^\s*//.*$", "", block, flags=re.M)
            lenient = re.sub(r",(\s*[}\]])", r"\1", lenient)
            try:
                blocks.append(json.loads(lenient))
            except ValueError:  # an elided list such as ["a", ..., "b"]
                blocks.append(None)
    return blocks


def build(docs: Path) -> dict[str, Any]:
    """Every golden entity, by file name."""
    g: dict[str, Any] = {}
    ent = "entities/"
    instance = examples(docs, ent + "Instance.md")[0]
    accounts = instance["configuration"]["accounts"]
    # The example misspells max_display_name_length (its attribute section spells it right).
    accounts["max_display_name_length"] = accounts.pop("max_display_name_lenth")
    g["instance_v2"] = instance
    # A real Account as mastodon.social serves it (the Account page's own example lacks the
    # always-present `group`, `discoverable` and `uri`).
    g["account"] = copy.deepcopy(instance["contact"]["account"])
    credential = examples(docs, ent + "Account.md")[1]
    g["credential_account"] = {
        **g["account"],
        "source": credential["source"],
        "role": credential["role"],
    }
    g["rule"] = examples(docs, ent + "Rule.md")[0]
    v1 = examples(docs, ent + "V1_Instance.md")[0]
    # The v1 example predates today's Account and Rule; Mastodon serves the same entities there.
    v1["contact_account"] = g["account"]
    v1["rules"] = [g["rule"]]
    g["instance_v1"] = v1
    g["media_attachment"] = examples(docs, ent + "MediaAttachment.md")[0]
    g["custom_emoji"] = examples(docs, ent + "CustomEmoji.md")[0]
    g["tag"] = examples(docs, ent + "Tag.md")[0]
    status = examples(docs, ent + "Status.md")[0]
    status["account"] = g["account"]
    status["edited_at"] = None  # documented, always sent; missing from the example
    status["media_attachments"] = [g["media_attachment"]]
    mention = _first(examples(docs, "methods/notifications.md"), "mentions")[0]
    status["mentions"] = [mention]
    status["tags"] = [{"name": g["tag"]["name"], "url": g["tag"]["url"]}]
    status["emojis"] = [g["custom_emoji"]]
    g["status"] = status
    reblog = copy.deepcopy(status)
    reblog.update(
        id="103270115826048976",
        uri=status["uri"] + "/activity",
        url=None,
        content="",
        reblog=status,
        media_attachments=[],
        mentions=[],
        tags=[],
        emojis=[],
        card=None,
        poll=None,
        language=None,
        reblogged=True,
    )
    g["status_reblog"] = reblog
    notification = examples(docs, ent + "Notification.md")[0]
    for kind in ("mention", "favourite", "reblog", "follow", "follow_request"):
        item = {key: notification[key] for key in ("id", "type", "created_at")}
        item.update(type=kind, account=g["account"])
        if kind in ("mention", "favourite", "reblog"):
            item["status"] = status
        g[f"notification_{kind}"] = item
    relationship = examples(docs, ent + "Relationship.md")[0]
    relationship.setdefault("languages", None)  # documented, always sent (null)
    g["relationship"] = relationship
    g["context"] = {"ancestors": [status], "descendants": [status]}
    g["application"] = examples(docs, ent + "Application.md")[0]
    g["credential_application"] = examples(docs, "methods/apps.md")[0]
    for name in ("Token", "Marker", "Preferences", "Error", "StatusSource", "Filter"):
        g[_snake(name)] = examples(docs, ent + f"{name}.md")[0]
    g["announcement"] = examples(docs, ent + "Announcement.md")[0]
    g["extended_description"] = examples(docs, ent + "ExtendedDescription.md")[0]
    g["search"] = {"accounts": [g["account"]], "statuses": [status], "hashtags": [g["tag"]]}
    activity = examples(docs, "methods/instance.md")
    weeks = next(b for b in activity if isinstance(b, list) and b and "week" in b[0])
    g["instance_activity"] = [week for week in weeks if len(week) == len(weeks[0])]  # elided
    return g


def _first(doc: Any, key: str) -> Any:
    """The first non-empty value of `key` anywhere in `doc`, depth first."""
    if isinstance(doc, dict):
        if doc.get(key):
            return doc[key]
        doc = list(doc.values())
    if isinstance(doc, list):
        for item in doc:
            found = _first(item, key)
            if found:
                return found
    return None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def main() -> None:
    """Write every golden file."""
    docs = Path(sys.argv[1])
    for name, doc in build(docs).items():
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        (HERE / f"{name}.json").write_text(text)


if __name__ == "__main__":
    main()
