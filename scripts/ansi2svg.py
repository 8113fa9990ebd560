#!/usr/bin/env python3
"""Render a terminal capture with SGR colours as an SVG image.

Input is what `tmux capture-pane -e -p [-N]` prints: one line per terminal row,
with SGR escape sequences (ESC [ ... m) for colours and attributes. Output is a
standalone SVG that looks like a dark terminal window.

Every text run is placed at the x of its start column and stretched to exactly
its cell count, so box drawing, symbols and wide (CJK) characters line up with
the grid whatever font the viewer picks.

    tmux capture-pane -e -p -N -t S | scripts/ansi2svg.py --cols 120 --rows 36 \
        --title "obtui" > out.svg

Python 3 standard library only.
"""

import argparse
import re
import sys
import unicodedata
from xml.sax.saxutils import escape

# Geometry (px). A cell is 0.6 em wide, the usual monospace advance.
FONT_SIZE = 14
CELL_W = 8.4
CELL_H = 18
PAD = 10
TITLE_H = 28

DEFAULT_FG = "#d4d4d4"
DEFAULT_BG = "#181a1f"
TITLE_BG = "#2b2e35"
TITLE_FG = "#9aa0aa"
FONT_FAMILY = (
    "'DejaVu Sans Mono', 'Cascadia Mono', Menlo, Consolas, "
    "'Liberation Mono', 'Noto Sans Mono', monospace"
)

# xterm's default 16 colours.
XTERM16 = [
    "#000000", "#cd0000", "#00cd00", "#cdcd00",
    "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
    "#7f7f7f", "#ff0000", "#00ff00", "#ffff00",
    "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
]


def palette256(n):
    """Colour n of the xterm 256-colour palette as #rrggbb."""
    if n < 16:
        return XTERM16[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        r, g, b = levels[n // 36], levels[(n // 6) % 6], levels[n % 6]
        return "#%02x%02x%02x" % (r, g, b)
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


class Style:
    """The SGR state of one cell. fg/bg are #rrggbb or None (terminal default)."""

    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline",
                 "reverse", "hidden", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = False
        self.reverse = self.hidden = self.strike = False

    def copy(self):
        s = Style()
        for k in self.__slots__:
            setattr(s, k, getattr(self, k))
        return s

    def key(self):
        return tuple(getattr(self, k) for k in self.__slots__)

    def colours(self):
        """(fg, bg) as drawn, after reverse video; bg None means default."""
        fg, bg = self.fg, self.bg
        if self.reverse:
            fg, bg = (bg or DEFAULT_BG), (fg or DEFAULT_FG)
        return fg or DEFAULT_FG, bg


def take_colour(params, i):
    """Parse the colour after 38/48 at params[i]; return (colour, next index)."""
    if i < len(params) and params[i] == 5 and i + 1 < len(params):
        return palette256(max(0, min(255, params[i + 1]))), i + 2
    if i < len(params) and params[i] == 2 and i + 3 < len(params):
        r, g, b = (max(0, min(255, v)) for v in params[i + 1:i + 4])
        return "#%02x%02x%02x" % (r, g, b), i + 4
    return None, len(params)


def apply_sgr(style, text):
    """Apply the parameters of one ESC [ text m sequence to style."""
    # Colon sub-parameters (38:2::r:g:b, 4:3) are read like semicolons,
    # dropping the empty colour-space slot.
    text = re.sub(r"(38|48|58):2::", r"\1:2:", text)
    parts = re.split(r"[;:]", text) if text else ["0"]
    params = [int(p) if p.isdigit() else 0 for p in parts]
    i = 0
    while i < len(params):
        p = params[i]
        i += 1
        if p == 0:
            style.reset()
        elif p == 1:
            style.bold = True
        elif p == 2:
            style.dim = True
        elif p == 3:
            style.italic = True
        elif p in (4, 21):
            style.underline = True
        elif p == 7:
            style.reverse = True
        elif p == 8:
            style.hidden = True
        elif p == 9:
            style.strike = True
        elif p == 22:
            style.bold = style.dim = False
        elif p == 23:
            style.italic = False
        elif p == 24:
            style.underline = False
        elif p == 27:
            style.reverse = False
        elif p == 28:
            style.hidden = False
        elif p == 29:
            style.strike = False
        elif 30 <= p <= 37:
            style.fg = XTERM16[p - 30]
        elif 90 <= p <= 97:
            style.fg = XTERM16[p - 90 + 8]
        elif p == 39:
            style.fg = None
        elif 40 <= p <= 47:
            style.bg = XTERM16[p - 40]
        elif 100 <= p <= 107:
            style.bg = XTERM16[p - 100 + 8]
        elif p == 49:
            style.bg = None
        elif p in (38, 48):
            colour, i = take_colour(params, i)
            if colour is not None:
                if p == 38:
                    style.fg = colour
                else:
                    style.bg = colour
        elif p == 58:
            _, i = take_colour(params, i)  # underline colour: not drawn


# CSI (any final byte), OSC (ended by BEL or ST), or another two-byte escape.
ESCAPE = re.compile(
    r"\x1b\[([0-9;:?<=>]*)([ -/]*[@-~])"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[@-Z\\-_]"
)


def char_width(ch):
    """Terminal cells taken by ch (0 for combining marks)."""
    if unicodedata.combining(ch) or ch in "\u200b\u200d\ufe0f":
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def parse(lines):
    """Turn lines into rows of cells: [(col, char, width, Style), ...].

    The SGR state carries over from one line to the next, as tmux prints it.
    """
    style = Style()
    rows = []
    for line in lines:
        cells = []
        col = 0
        pos = 0
        for m in ESCAPE.finditer(line):
            col = add_text(cells, line[pos:m.start()], col, style)
            if m.group(2) == "m":
                apply_sgr(style, m.group(1))
            pos = m.end()
        add_text(cells, line[pos:], col, style)
        rows.append(cells)
    return rows


def add_text(cells, text, col, style):
    snapshot = style.copy()
    for ch in text:
        if ch in "\r\n":
            continue
        if ch == "\t":
            nxt = (col // 8 + 1) * 8
            while col < nxt:
                cells.append((col, " ", 1, snapshot))
                col += 1
            continue
        w = char_width(ch)
        if w == 0:
            if cells:  # a combining mark joins the previous cell
                c, prev, pw, st = cells[-1]
                cells[-1] = (c, prev + ch, pw, st)
            continue
        if ord(ch) < 32 or ord(ch) == 127:
            ch = " "
        cells.append((col, ch, w, snapshot))
        col += w
    return col


def runs(cells):
    """Group consecutive cells of equal style into (col, text, cells, Style)."""
    out = []
    for col, ch, w, st in cells:
        if out and out[-1][3].key() == st.key() and out[-1][0] + out[-1][2] == col:
            c, text, n, s = out[-1]
            out[-1] = (c, text + ch, n + w, s)
        else:
            out.append((col, ch, w, st))
    return out


def fmt(v):
    return ("%.2f" % v).rstrip("0").rstrip(".")


def is_plain(text):
    """True when every character is printable ASCII (one font advance each)."""
    return all(" " <= ch <= "~" for ch in text)


def text_element(x0, y, col, text, ncells, st, fg):
    attrs = []
    if st.bold:
        attrs.append('font-weight="bold"')
    if st.italic:
        attrs.append('font-style="italic"')
    deco = [d for d, on in (("underline", st.underline), ("line-through", st.strike)) if on]
    if deco:
        attrs.append('text-decoration="%s"' % " ".join(deco))
    if st.dim:
        attrs.append('fill-opacity="0.55"')
    if fg != DEFAULT_FG:
        attrs.append('fill="%s"' % fg)
    x = x0 + col * CELL_W
    if is_plain(text):
        # One x; textLength pins the run to its cells if the font's advance differs.
        pos = 'x="%s"' % fmt(x)
        if len(text) > 1:
            pos += ' textLength="%s" lengthAdjust="spacingAndGlyphs"' % fmt(ncells * CELL_W)
    else:
        # One x per character: symbols and wide characters sit on their own cells.
        xs, c = [], col
        for ch in text:
            w = char_width(ch)
            # A combining mark sits on the cell of the character before it.
            xs.append(fmt(x0 + (c - (w == 0 and c > col)) * CELL_W))
            c += w
        pos = 'x="%s"' % " ".join(xs)
    return '<text %s y="%s"%s>%s</text>' % (
        pos, fmt(y), (" " + " ".join(attrs)) if attrs else "", escape(text))


# Box drawing is drawn as lines rather than left to the font, so borders join
# across rows whatever the line height. Arms: (up, right, down, left), each
# 0 none, 1 light, 2 heavy, 3 double.
BOX = {}


def _box(chars, arms):
    for ch, a in zip(chars, arms):
        BOX[ch] = a


_SHAPES = [  # (up, right, down, left) for ─│┌┐└┘├┤┬┴┼ in each weight
    (0, 1, 0, 1), (1, 0, 1, 0), (0, 1, 1, 0), (0, 0, 1, 1), (1, 1, 0, 0), (1, 0, 0, 1),
    (1, 1, 1, 0), (1, 0, 1, 1), (0, 1, 1, 1), (1, 1, 0, 1), (1, 1, 1, 1),
]
_box("─│┌┐└┘├┤┬┴┼", _SHAPES)
_box("━┃┏┓┗┛┣┫┳┻╋", [tuple(2 * v for v in a) for a in _SHAPES])
_box("═║╔╗╚╝╠╣╦╩╬", [tuple(3 * v for v in a) for a in _SHAPES])
_box("╴╵╶╷", [(0, 0, 0, 1), (1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0)])
_box("╸╹╺╻", [(0, 0, 0, 2), (2, 0, 0, 0), (0, 2, 0, 0), (0, 0, 2, 0)])
# Rounded corners: (horizontal direction, vertical direction) of the arc's arms.
ARCS = {"╭": (1, 1), "╮": (-1, 1), "╯": (-1, -1), "╰": (1, -1)}
# Block elements: (x, y, w, h) as fractions of the cell, and fill opacity.
BLOCKS = {"█": (0, 0, 1, 1, 1), "▀": (0, 0, 1, 0.5, 1), "▄": (0, 0.5, 1, 0.5, 1),
          "▌": (0, 0, 0.5, 1, 1), "▐": (0.5, 0, 0.5, 1, 1),
          "░": (0, 0, 1, 1, 0.25), "▒": (0, 0, 1, 1, 0.5), "▓": (0, 0, 1, 1, 0.75)}
for _i, _ch in enumerate("▁▂▃▄▅▆▇"):
    BLOCKS[_ch] = (0, 1 - (_i + 1) / 8, 1, (_i + 1) / 8, 1)
for _i, _ch in enumerate("▉▊▋▌▍▎▏"):
    BLOCKS[_ch] = (0, 0, (7 - _i) / 8, 1, 1)


def box_paths(x, y, arms):
    """SVG path data (light, heavy) for one box-drawing cell at (x, y)."""
    cx, cy = x + CELL_W / 2, y + CELL_H / 2
    edge = {0: (cx, y), 1: (x + CELL_W, cy), 2: (cx, y + CELL_H), 3: (x, cy)}
    light, heavy = [], []
    d = 1.5  # half the gap between the two strokes of a double line
    for k, w in enumerate(arms):
        if w == 0:
            continue
        ex, ey = edge[k]
        if w in (1, 2):
            seg = "M%s %s L%s %s" % (fmt(cx), fmt(cy), fmt(ex), fmt(ey))
            (light if w == 1 else heavy).append(seg)
            continue
        # A double arm: two parallel strokes; each stops short of the centre
        # where a perpendicular arm exists on its side, so corners close.
        vertical = k in (0, 2)
        for side in (-1, 1):
            perp = (3 if side < 0 else 1) if vertical else (0 if side < 0 else 2)
            inner = arms[perp] != 0
            toward = -1 if k in (0, 3) else 1  # direction of the arm from centre
            start = d if inner else -d
            if vertical:
                sx, sy = cx + side * d, cy + toward * start
                ex2, ey2 = cx + side * d, ey
            else:
                sx, sy = cx + toward * start, cy + side * d
                ex2, ey2 = ex, cy + side * d
            light.append("M%s %s L%s %s" % (fmt(sx), fmt(sy), fmt(ex2), fmt(ey2)))
    return " ".join(light), " ".join(heavy)


def arc_path(x, y, dirs):
    hx, vy = dirs
    cx, cy = x + CELL_W / 2, y + CELL_H / 2
    r = CELL_W / 2
    ex = x + CELL_W if hx > 0 else x
    ey = y + CELL_H if vy > 0 else y
    return "M%s %s L%s %s Q%s %s %s %s L%s %s" % (
        fmt(ex), fmt(cy), fmt(cx + hx * r), fmt(cy), fmt(cx), fmt(cy),
        fmt(cx), fmt(cy + vy * r), fmt(cx), fmt(ey))


def shape(x, y, ch, fg, dim):
    """How to draw ch in the cell at (x, y) instead of with the font.

    Returns None (use the font), ("stroke", key, path data) for lines, which
    are merged into one <path> per key, or ("rect", element) for blocks.
    """
    if ch in BOX:
        light, heavy = box_paths(x, y, BOX[ch])
        out = []
        for data, width in ((light, 1), (heavy, 2.5)):
            if data:
                out.append(("stroke", (fg, width, dim), data))
        return out
    if ch in ARCS:
        return [("stroke", (fg, 1, dim), arc_path(x, y, ARCS[ch]))]
    if ch in BLOCKS:
        bx, by, bw, bh, alpha = BLOCKS[ch]
        alpha *= 0.55 if dim else 1
        return [("rect", '<rect x="%s" y="%s" width="%s" height="%s" fill="%s"%s/>'
                 % (fmt(x + bx * CELL_W), fmt(y + by * CELL_H), fmt(bw * CELL_W),
                    fmt(bh * CELL_H), fg,
                    (' fill-opacity="%s"' % fmt(alpha)) if alpha < 1 else ""))]
    return None


def render(rows, cols, nrows, title):
    top = TITLE_H if title else 0
    width = PAD * 2 + cols * CELL_W
    height = top + PAD * 2 + nrows * CELL_H
    x0, y0 = PAD, top + PAD
    font = escape(FONT_FAMILY, {"'": "&apos;"})
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" '
        'viewBox="0 0 %s %s">' % (fmt(width), fmt(height), fmt(width), fmt(height)),
        '<rect width="100%%" height="100%%" rx="6" fill="%s"/>' % DEFAULT_BG,
    ]
    if title:
        out += [
            '<path d="M0 6a6 6 0 0 1 6-6h%s a6 6 0 0 1 6 6v%sh-%sz" fill="%s"/>'
            % (fmt(width - 12), TITLE_H - 6, fmt(width), TITLE_BG),
            '<circle cx="16" cy="14" r="5" fill="#ff5f57"/>',
            '<circle cx="32" cy="14" r="5" fill="#febc2e"/>',
            '<circle cx="48" cy="14" r="5" fill="#28c840"/>',
            '<text x="%s" y="18" fill="%s" font-family="%s" font-size="12" '
            'text-anchor="middle">%s</text>'
            % (fmt(width / 2), TITLE_FG, font, escape(title)),
        ]

    backgrounds, blocks, texts = [], [], []
    strokes = {}  # (colour, width, dim) -> path data, one <path> each
    for r, cells in enumerate(rows[:nrows]):
        y = y0 + r * CELL_H
        baseline = y + CELL_H * 0.75
        for col, text, ncells, st in runs(cells):
            if col >= cols:
                continue
            fg, bg = st.colours()
            if bg is not None:
                backgrounds.append(
                    '<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>'
                    % (fmt(x0 + col * CELL_W), fmt(y), fmt(ncells * CELL_W), CELL_H, bg))
            if st.hidden:
                continue
            # Split the run: drawn shapes out, the rest into text pieces.
            piece, piece_col, c = "", col, col
            for ch in text:
                w = char_width(ch)
                drawn = shape(x0 + c * CELL_W, y, ch, fg, st.dim)
                if drawn is None:
                    if not piece:
                        piece_col = c
                    piece += ch
                else:
                    for kind, *rest in drawn:
                        if kind == "rect":
                            blocks.append(rest[0])
                        else:
                            strokes.setdefault(rest[0], []).append(rest[1])
                    texts.append(text_piece(x0, baseline, piece_col, piece, c, st, fg))
                    piece = ""
                c += w
            texts.append(text_piece(x0, baseline, piece_col, piece, c, st, fg))

    # crispEdges keeps adjacent cell backgrounds and blocks seamless.
    out.append('<g shape-rendering="crispEdges">')
    out += backgrounds
    out += blocks
    out.append("</g>")
    out.append('<g fill="none" stroke-linecap="square">')
    for (colour, width, dim), paths in strokes.items():
        out.append('<path d="%s" stroke="%s" stroke-width="%s"%s/>'
                   % (" ".join(paths), colour, width,
                      ' stroke-opacity="0.55"' if dim else ""))
    out.append("</g>")
    out.append('<g font-family="%s" font-size="%s" fill="%s" xml:space="preserve">'
               % (font, FONT_SIZE, DEFAULT_FG))
    out += [t for t in texts if t]
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def text_piece(x0, baseline, col, text, end_col, st, fg):
    """A <text> for text starting at col, or None when nothing would show."""
    if not st.underline and not st.strike:
        # Spaces draw nothing: trim them (leading ones move the start column).
        stripped = text.lstrip(" ")
        col += len(text) - len(stripped)
        text = stripped.rstrip(" ")
        end_col = col + sum(char_width(ch) for ch in text)
    if not text:
        return None
    return text_element(x0, baseline, col, text, end_col - col, st, fg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", nargs="?", help="capture file (default: stdin)")
    ap.add_argument("-o", "--output", help="SVG file (default: stdout)")
    ap.add_argument("--cols", type=int, help="terminal width (default: widest line)")
    ap.add_argument("--rows", type=int, help="terminal height (default: line count)")
    ap.add_argument("--title", help="text for a window title bar (none if omitted)")
    args = ap.parse_args()

    if args.input:
        with open(args.input, encoding="utf-8", errors="replace") as f:
            data = f.read()
    else:
        data = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    rows = parse(lines)
    cols = args.cols or max((c + w for cells in rows for c, _, w, _ in cells), default=80)
    nrows = args.rows or len(rows)
    svg = render(rows, cols, nrows, args.title)

    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(svg)
    else:
        sys.stdout.write(svg)


if __name__ == "__main__":
    main()
