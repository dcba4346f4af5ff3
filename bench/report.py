"""``python -m bench.report``: the latest results as a Markdown table (pasted into bench/README.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
ORDER = (
    "bare",
    "home_html",
    "home_json",
    "home_json_cursor",
    "post_page",
    "post_create",
    "reaction",
    "space_json",
    "list_timeline",
    "space_html",
    "space_search",
    "notifications_html",
    "notifications_json",
    "notifications_count",
)


def rows(report: dict[str, Any]) -> list[str]:
    operations = {"bare": report.get("bare") or {}, **report["operations"]}
    bare_cpu = (operations["bare"].get("c1") or {}).get("cpu_s_per_1k")
    lines = []
    for name in ORDER:
        figures = operations.get(name)
        if not figures:
            continue
        c1, c16 = figures.get("c1", {}), figures.get("c16", {})
        cpu = c1.get("cpu_s_per_1k")
        ratio = f"{cpu / bare_cpu:.1f}" if cpu and bare_cpu else ""
        lines.append(
            f"| {report['size']}-{report['database']} | {name} | {c1.get('p50_ms')} | {c1.get('p99_ms')} "
            f"| {c1.get('rps')} | {c16.get('p50_ms')} | {c16.get('p99_ms')} | {c16.get('rps')} "
            f"| {cpu} | {ratio} | {c1.get('non_2xx', 0) + c16.get('non_2xx', 0)} |"
        )
    return lines


def table(paths: list[Path]) -> str:
    header = [
        "| run | operation | c=1 p50 ms | c=1 p99 ms | c=1 req/s | c=16 p50 ms | c=16 p99 ms | c=16 req/s "
        "| CPU s/1k (c=1) | CPU ÷ bare | non-2xx |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    body: list[str] = []
    extra: list[str] = []
    for path in paths:
        report = json.loads(path.read_text())
        body += rows(report)
        vis = report.get("visibility") or {}
        extra.append(
            f"- {report['size']}-{report['database']}: visibility p50 {vis.get('p50_ms')} ms, "
            f"p99 {vis.get('p99_ms')} ms "
            f"({vis.get('trials')} trials, author with {vis.get('author_followers')} followers, "
            f"{vis.get('missed')} missed); peak RSS {report.get('peak_rss_mb')} MB; "
            f"load average at the end {report['machine'].get('loadavg_at_end')}"
        )
        extra += space_lines(report)
        created = report["operations"].get("post_create") or {}
        if "delivered_rps" in created.get("c1", {}):
            extra.append(
                f"- {report['size']}-{report['database']}: posts delivered to every home timeline, per second "
                f"(the window stretched until the task queue is empty): {created['c1']['delivered_rps']} at c=1, "
                f"{created['c16']['delivered_rps']} at c=16"
            )
    return "\n".join(header + body) + "\n\n" + "\n".join(extra)


def space_lines(report: dict[str, Any]) -> list[str]:
    """The post-in-a-space visibility and what the directory searches found, when the run measured them."""
    lines = []
    run = f"{report['size']}-{report['database']}"
    vis = report.get("space_visibility")
    if vis:
        lines.append(
            f"- {run}: space visibility p50 {vis.get('p50_ms')} ms, p99 {vis.get('p99_ms')} ms "
            f"({vis.get('trials')} trials, a space of {vis.get('space_members')} members, "
            f"{vis.get('audience')} timelines, {vis.get('missed')} missed, via {vis.get('via')})"
        )
    search = report.get("space_search_queries")
    if search and "space_search" in report.get("operations", {}):
        lines.append(
            f"- {run}: space search over {search.get('listed_spaces')} listed spaces, {search.get('queries')} "
            f"typed prefixes finding p10 {search.get('matches_p10')} / p50 {search.get('matches_p50')} / "
            f"p90 {search.get('matches_p90')} / max {search.get('matches_max')} spaces"
        )
    return lines


def instructions_table(paths: list[Path]) -> str:
    """``bench.instructions``' counts: millions of instructions per request and the ratio to bare."""
    lines = ["| run | operation | instructions per request | ÷ bare |", "|---|---|---|---|"]
    for path in paths:
        report = json.loads(path.read_text())
        run = f"{report['size']}-{report['database']}"
        for name, count in report["instructions"].items():
            lines.append(f"| {run} | {name} | {count / 1e6:.2f} M | {report['ratio_to_bare'].get(name, '')} |")
    return "\n".join(lines)


def main() -> int:
    paths = sorted(RESULTS.glob("*.json"))
    counted = [p for p in paths if p.name.endswith("-instructions.json")]
    print(table([p for p in paths if p not in counted]))
    if counted:
        print()
        print(instructions_table(counted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
