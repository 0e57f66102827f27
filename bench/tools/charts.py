#!/usr/bin/env python3
"""Draws the README's performance charts from a full run's table (bench/results/load-*.md), as SVG with no
plotting library (none is installed here):

    python3 bench/tools/charts.py bench/results/load-2026-11-28.md docs/charts

roundtrip-p99.svg: the round trip's p99 against the offered load, one line per server, log scales, with the
issue's 20 ms at 1,000 msg/s and the 100 ms that defines the highest load; ingest.svg: durable ingest in acks/s
and the server's CPU per message, one bar per server, with the issue's targets (10,000 on SQLite, 5,000 on
PostgreSQL)."""
import math
import os
import re
import sys

COLORS = ['#7f7f7f', '#bcbd22', '#1f77b4', '#d62728', '#9467bd']
FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="12"'


def table(path):
    """The first Markdown table of the file: its header's server names, and each row's cells by measure."""
    header, rows = None, {}
    for line in open(path, encoding='utf-8'):
        if not line.startswith('|'):
            if header:
                break
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if header is None:
            header = cells[1:]
        elif not set(cells[0]) <= set('-: '):
            rows[cells[0]] = cells[1:]
    return header, rows


def number(text):
    match = re.match(r'([\d,]+(?:\.\d+)?)', text)
    return float(match.group(1).replace(',', '')) if match else None


def round_trip(header, rows):
    """{server: [(offered msg/s, p99 ms)]} for the loads each server was offered."""
    series = {name: [] for name in header}
    for measure, cells in rows.items():
        load = re.match(r'2\. round trip @ ([\d,]+) msg/s', measure)
        if not load:
            continue
        for name, cell in zip(header, cells):
            parts = cell.split(' / ')
            if len(parts) >= 2 and number(parts[1]) is not None:
                series[name].append((number(load.group(1)), number(parts[1])))
    return series


def svg(width, height, body):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n{body}</svg>\n')


def text(x, y, s, anchor='start', extra=''):
    s = s.replace('&', '&amp;').replace('<', '&lt;')
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>{s}</text>\n'


def round_trip_chart(series, title):
    width, height, left, right, top, bottom = 840, 420, 70, 280, 40, 50
    loads = sorted({load for points in series.values() for load, _ in points})
    x_min, x_max = math.log2(loads[0]), math.log2(loads[-1])
    y_min, y_max = 0, math.ceil(math.log10(max(p for points in series.values() for _, p in points)))

    def x(load):
        return left + (math.log2(load) - x_min) / (x_max - x_min) * (width - left - right)

    def y(ms):
        return height - bottom - (math.log10(max(ms, 1)) - y_min) / (y_max - y_min) * (height - top - bottom)

    body = text(left, 22, title, extra='font-weight="bold"')
    for decade in range(y_min, y_max + 1):
        ms = 10 ** decade
        body += f'<line x1="{left}" x2="{width - right}" y1="{y(ms):.1f}" y2="{y(ms):.1f}" stroke="#ddd"/>\n'
        body += text(left - 6, y(ms) + 4, f'{ms:,}', 'end')
    for load in loads:
        body += f'<line x1="{x(load):.1f}" x2="{x(load):.1f}" y1="{top}" y2="{height - bottom}" stroke="#eee"/>\n'
        body += text(x(load), height - bottom + 16, f'{load:,.0f}', 'middle')
    body += text((left + width - right) / 2, height - 12, 'offered load, messages/s (2,000 connected clients)', 'middle')
    body += text(16, (top + height - bottom) / 2, 'p99 send-to-receive, ms', 'middle',
                 f'transform="rotate(-90 16 {(top + height - bottom) / 2:.1f})"')
    body += (f'<line x1="{left}" x2="{width - right}" y1="{y(100):.1f}" y2="{y(100):.1f}" stroke="#333" '
             'stroke-dasharray="6 4"/>\n')
    body += text(width - right - 4, y(100) - 5, 'p99 100 ms (highest load under it)', 'end', 'fill="#333"')
    body += (f'<circle cx="{x(1000):.1f}" cy="{y(20):.1f}" r="5" fill="none" stroke="#333" stroke-width="1.5"/>\n'
             + text(x(1000) + 8, y(20) + 16, 'target: 20 ms at 1,000', 'start', 'fill="#333"'))
    for i, (name, points) in enumerate(series.items()):
        if not points:
            continue
        color = COLORS[i % len(COLORS)]
        path = ' '.join(f'{"M" if j == 0 else "L"}{x(load):.1f},{y(p99):.1f}' for j, (load, p99) in enumerate(points))
        body += f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>\n'
        body += ''.join(f'<circle cx="{x(load):.1f}" cy="{y(p99):.1f}" r="3.5" fill="{color}"/>\n' for load, p99 in points)
        legend_y = top + 20 + i * 22
        body += f'<line x1="{width - right + 16}" x2="{width - right + 40}" y1="{legend_y}" y2="{legend_y}" stroke="{color}" stroke-width="2.5"/>\n'
        body += text(width - right + 46, legend_y + 4, name)
    return svg(width, height, body)


def ingest_chart(header, rows, title):
    rate_row = next(cells for measure, cells in rows.items() if measure.startswith('1. ingest: acks/s'))
    cpu_row = rows.get('1. ingest: server CPU µs per message', [''] * len(header))
    width, left, top, bottom, bar = 840, 240, 40, 30, 30
    rates = [number(c) or 0 for c in rate_row]
    scale = (width - left - 220) / max(rates)
    body = text(10, 22, title, extra='font-weight="bold"')
    for i, (name, rate, cpu) in enumerate(zip(header, rates, cpu_row)):
        row_y = top + i * (bar + 14)
        color = COLORS[i % len(COLORS)]
        body += text(left - 8, row_y + bar / 2 + 4, name, 'end')
        body += f'<rect x="{left}" y="{row_y}" width="{rate * scale:.1f}" height="{bar}" fill="{color}"/>\n'
        label = f'{rate:,.0f} acks/s' + (f' · {cpu} µs CPU/msg' if number(cpu) else '')
        body += text(left + rate * scale + 6, row_y + bar / 2 + 4, label)
    bottom_y = top + len(header) * (bar + 14) - 8
    # The two labels go either side of their lines, which stand close together.
    for target, label, anchor, gap in ((10_000, 'SQLite target', 'start', 4), (5_000, 'PostgreSQL target', 'end', -4)):
        body += (f'<line x1="{left + target * scale:.1f}" x2="{left + target * scale:.1f}" y1="{top - 6}" y2="{bottom_y}" '
                 'stroke="#333" stroke-dasharray="6 4"/>\n')
        body += text(left + target * scale + gap, bottom_y + 16, f'{target:,} ({label})', anchor, 'fill="#333"')
    return svg(width, bottom_y + bottom, body)


def main():
    source, folder = sys.argv[1], sys.argv[2]
    header, rows = table(source)
    os.makedirs(folder, exist_ok=True)
    run = os.path.basename(source)
    with open(os.path.join(folder, 'roundtrip-p99.svg'), 'w', encoding='utf-8') as out:
        out.write(round_trip_chart(round_trip(header, rows), f'Round trip p99 by offered load, one core per server ({run})'))
    with open(os.path.join(folder, 'ingest.svg'), 'w', encoding='utf-8') as out:
        out.write(ingest_chart(header, rows, f'Durable ingest, closed loop, 200 clients, one core per server ({run})'))


if __name__ == '__main__':
    main()
