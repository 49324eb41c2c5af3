"""Convert the raw public programmes in `sources/` into our `programme.json` format.

Run `uv run python tests/data/convert.py`; it rewrites every `tests/data/<name>.json`.
Standard library only; the output is deterministic. See README.md for sources and licences.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SOURCES = HERE / "sources"
MAX_DESCRIPTION = 1200
CANCELLED = re.compile(r"^\[?CANCELL?ED\b", re.IGNORECASE)

Session = dict[str, Any]


def plain(text: str | None) -> str | None:
    """HTML or Markdown to one line of plain text, cut to about MAX_DESCRIPTION characters."""
    if not text:
        return None
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"(\*\*|`)", "", text)
    text = re.sub(r"(^|\n)\s*#+\s*", r"\1", text)
    text = " ".join(html.unescape(text).split())
    if len(text) > MAX_DESCRIPTION:
        text = text[:MAX_DESCRIPTION].rsplit(" ", 1)[0] + " …"
    return text or None


def speakers(people: list[tuple[str, str | None]]) -> list[dict[str, str]]:
    """Speakers with a name (some sources list blank ones), with their organisation if known."""
    result = []
    for name, organisation in people:
        if name.strip():
            entry = {"name": name.strip()}
            if organisation and organisation.strip():
                entry["organisation"] = organisation.strip()
            result.append(entry)
    return result


def compact(session: Session) -> Session:
    return {key: value for key, value in session.items() if value not in (None, "", [])}


def number_slots(sessions: list[Session]) -> list[Session]:
    """Give each slot of a session held in several slots its own id: `abc-1`, `abc-2`, ..."""
    sessions.sort(key=lambda s: (s["start"], s["location"] or "", s["id"]))
    counts = Counter(s["id"] for s in sessions)
    seen: Counter[str] = Counter()
    for session in sessions:
        if counts[session["id"]] > 1:
            seen[session["id"]] += 1
            session["id"] = f"{session['id']}-{seen[session['id']]}"
    return sessions


def europython_2022() -> dict[str, Any]:
    folder = SOURCES / "europython-2022"
    schedule = json.loads((folder / "schedule_data.json").read_text(encoding="utf-8"))
    details = {
        item["code"]: item
        for item in json.loads((folder / "sessions_data.json").read_text(encoding="utf-8"))
    }
    sessions = []
    for day in schedule["days"].values():
        for talk in day["talks"]:
            if talk["type"] in ("", "Registration") or CANCELLED.match(talk["title"]):
                continue
            info = details.get(talk["talk_id"], {})
            start = datetime.fromisoformat(f"{talk['day']}T{talk['start_time']}")
            end = start + timedelta(minutes=int(talk["tt_duration"]))
            track = info.get("track")
            people = info.get("speakers") or [{"name": name} for name in talk["speakers"]]
            sessions.append(
                {
                    "id": talk["talk_id"],
                    "title": talk["title"].strip(),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "type": talk["type"],
                    "description": plain(info.get("abstract")),
                    "speakers": speakers([(p["name"], p.get("affiliation")) for p in people]),
                    "location": talk["rooms"][0],
                    "tags": [track] if track and not track.startswith("~") else [],
                }
            )
    event = {
        "name": "EuroPython 2022",
        "timezone": "Europe/Dublin",
        "url": "https://ep2022.europython.eu/",
        "note": "Converted from lib/*_data.json in github.com/EuroPython/website "
        "(commit 22e80de, MIT licence); see tests/data/README.md.",
    }
    return {"event": event, "sessions": number_slots(sessions)}


FOSDEM_TYPES = {
    "devroom": "Devroom talk",
    "maintrack": "Main track talk",
    "keynote": "Keynote",
    "lightningtalk": "Lightning talk",
    "bof": "BOF",
    "certification": "Certification exam",
    "keysigning": "Keysigning",
    "workshop": "Workshop",
}


def fosdem_2019() -> dict[str, Any]:
    root = ET.parse(SOURCES / "fosdem-2019.xml").getroot()
    sessions = []
    for day in root.iter("day"):
        for item in day.iter("event"):
            title = (item.findtext("title") or "").strip()
            if not title or CANCELLED.match(title):
                continue
            start = datetime.fromisoformat(f"{day.get('date')}T{item.findtext('start')}")
            hours, minutes = (item.findtext("duration") or "0:0").split(":")
            end = start + timedelta(hours=int(hours), minutes=int(minutes))
            kind = item.findtext("type") or ""
            text = " ".join(
                filter(None, [item.findtext(f) for f in ("subtitle", "abstract", "description")])
            )
            sessions.append(
                {
                    "id": item.get("id"),
                    "title": title,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "type": FOSDEM_TYPES.get(kind, kind),
                    "description": plain(text),
                    "speakers": speakers([(p.text or "", None) for p in item.iter("person")]),
                    "location": item.findtext("room"),
                    "tags": [t for t in [item.findtext("track")] if t],
                }
            )
    event = {
        "name": "FOSDEM 2019",
        "timezone": "Europe/Brussels",
        "url": "https://archive.fosdem.org/2019/",
        "note": "Converted from FOSDEM's published schedule XML, as kept in "
        "github.com/mttcrsp/fosdem; see tests/data/README.md.",
    }
    return {"event": event, "sessions": number_slots(sessions)}


def pyconfr_2024() -> dict[str, Any]:
    data = json.loads((SOURCES / "pyconfr-2024.json").read_text(encoding="utf-8"))
    language = {"fr": "French", "en": "English"}
    sessions = []
    for part in ("sprints", "schedule"):
        for slots in data[part].values():
            for rooms in slots.values():
                for talk in rooms.values():
                    kind = talk["submission_type"]["en"]
                    if kind == "Lunch" or CANCELLED.match(talk["title"]):
                        continue
                    text = " ".join(filter(None, [talk["abstract"], talk["description"]]))
                    sessions.append(
                        {
                            "id": talk["code"],
                            "title": talk["title"].strip(),
                            "start": talk["slot"]["start"],
                            "end": talk["slot"]["end"],
                            "type": kind,
                            "description": plain(text),
                            "speakers": speakers([(p["name"], None) for p in talk["speakers"]]),
                            "location": talk["slot"]["room"]["en"],
                            "tags": [language.get(talk["content_locale"], talk["content_locale"])],
                        }
                    )
    event = {
        "name": "PyConFR 2024",
        "timezone": "Europe/Paris",
        "url": "https://www.pycon.fr/2024/",
        "note": "Converted from schedule.json in github.com/AFPy/pyconfr-2024 "
        "(commit 84c356e, no licence stated); see tests/data/README.md.",
    }
    return {"event": event, "sessions": number_slots(sessions)}


CONVERTERS = {
    "europython-2022": europython_2022,
    "fosdem-2019": fosdem_2019,
    "pyconfr-2024": pyconfr_2024,
}


def main() -> None:
    for name, convert in CONVERTERS.items():
        programme = convert()
        programme["sessions"] = [compact(session) for session in programme["sessions"]]
        text = json.dumps(programme, ensure_ascii=False, indent=1, sort_keys=True)
        (HERE / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        print(f"{name}.json: {len(programme['sessions'])} sessions")


if __name__ == "__main__":
    main()
