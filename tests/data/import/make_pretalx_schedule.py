"""Write `pyconfr-2024-schedule.json`: PyConFR 2024's talk days as pretalx's frab-compatible
schedule.json export lays them out (pretalx's `FrabJsonExporter`), from the pretalx API data in
`../sources/pyconfr-2024.json`.

Run `uv run python tests/data/import/make_pretalx_schedule.py`; the output is deterministic.
See README.md in this folder for what is filled in and what is left out.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SOURCE = HERE.parent / "sources" / "pyconfr-2024.json"
BASE = "https://cfp.pycon.fr/pyconfr-2024/"
DAYS = ("2024-11-02", "2024-11-03")  # the talk and workshop days; 31 October is sprints


def talk(item: dict[str, Any]) -> dict[str, Any]:
    start = datetime.fromisoformat(item["slot"]["start"])
    minutes = int((datetime.fromisoformat(item["slot"]["end"]) - start).total_seconds() // 60)
    room = item["slot"]["room"]["en"]
    return {
        "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}talk/{item['code']}/")),
        "code": item["code"],
        "logo": None,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "duration": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "room": room,
        "url": f"{BASE}talk/{item['code']}/",
        "title": item["title"],
        "subtitle": "",
        "track": item["track"]["en"] if item["track"] else None,
        "type": item["submission_type"]["en"],
        "language": item["content_locale"],
        "abstract": item["abstract"],
        "description": item["description"],
        "recording_license": "",
        "do_not_record": False,
        "persons": [
            {
                "code": person["code"],
                "name": person["name"],
                "avatar": person["avatar"],
                "biography": "",  # left out, to keep the file small (see README.md)
                "public_name": person["name"],
                "url": f"{BASE}speaker/{person['code']}/",
            }
            for person in item["speakers"]
        ],
        "links": [],
        "feedback_url": f"{BASE}talk/{item['code']}/feedback/",
        "origin_url": f"{BASE}talk/{item['code']}/",
        "attachments": [],
    }


def schedule(source: dict[str, Any]) -> dict[str, Any]:
    rooms = sorted(source["rooms"], key=lambda room: room["position"])
    days = []
    for index, day in enumerate(DAYS, start=1):
        talks = [item for slot in source["schedule"][day].values() for item in slot.values()]
        by_room = {
            room["name"]["en"]: sorted(
                (talk(item) for item in talks if item["slot"]["room_id"] == room["id"]),
                key=lambda entry: entry["date"],
            )
            for room in rooms
        }
        starts = [t["date"] for entries in by_room.values() for t in entries]
        days.append(
            {
                "index": index,
                "date": day,
                "day_start": min(starts),
                "day_end": max(starts),
                "rooms": {name: entries for name, entries in by_room.items() if entries},
            }
        )
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "pretalx", "version": "2024.3.0"},
        "schedule": {
            "url": BASE + "schedule/",
            "version": "1.0",
            "base_url": BASE,
            "conference": {
                "acronym": "pyconfr-2024",
                "title": "PyConFR 2024",
                "start": DAYS[0],
                "end": DAYS[-1],
                "daysCount": len(DAYS),
                "timeslot_duration": "00:05",
                "time_zone_name": "Europe/Paris",
                "colors": {"primary": "#3aa57c"},
                "rooms": [
                    {"name": room["name"]["en"], "guid": room["guid"], "capacity": room["capacity"]}
                    for room in rooms
                ],
                "tracks": [],
                "days": days,
            },
        },
    }


def main() -> None:
    source = json.loads(SOURCE.read_text(encoding="utf-8"))
    text = json.dumps(schedule(source))  # one line, ASCII, as pretalx writes it
    (HERE / "pyconfr-2024-schedule.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
