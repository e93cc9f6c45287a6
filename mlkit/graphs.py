"""Drawing small computational graphs (and small networks) with matplotlib.

One function, :func:`draw_graph`: circles for the nodes, arrows for the edges, and beside
each node the number the forward pass computed (above) and the gradient the backward pass
brought back to it (below). It is meant for graphs of a handful of nodes, such as
``f = (x + y) · (y · z)`` or a 2-3-1 network, where every number can be read.

Like :mod:`mlkit.plotting`, it draws on ``ax`` (a new figure when None), returns the Axes,
never calls ``plt.show()`` and never prints.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import Circle

from .plotting import COLORS

__all__ = ["draw_graph"]

#: Colour of the gradients (the backward pass) and of the values (the forward pass).
GRAD_COLOR = COLORS[1]
VALUE_COLOR = "black"


def _fmt(value):
    if isinstance(value, str):
        return value
    return f"{float(value):.4g}"


def _node(spec, name):
    if not isinstance(spec, Sequence) or len(spec) not in (2, 3):
        raise ValueError(f"node {name!r}: expected (x, y) or (x, y, label), got {spec!r}")
    x, y = float(spec[0]), float(spec[1])
    label = spec[2] if len(spec) == 3 else str(name)
    return x, y, label


def draw_graph(nodes: Mapping, edges: Sequence, *, values: Mapping | None = None,
               grads: Mapping | None = None, edge_labels: Mapping | None = None, ax=None,
               title: str | None = None, radius: float = 0.3, label_pos: float = 0.5,
               legend: bool = True):
    """Draw a small computational graph with its forward values and gradients.

    nodes: name -> (x, y) or (x, y, label): where to draw the node (data coordinates,
        about one unit apart) and the text inside its circle (default: the name; matplotlib
        mathtext such as ``"$h_1$"`` or an operation such as ``"×"`` works).
    edges: (src, dst) pairs, drawn as arrows from src to dst (the direction of the
        forward pass).
    values: name -> number (or text) written above the node, e.g. the forward value.
    grads: name -> number (or text) written below the node in the gradient colour,
        e.g. dL/d(node) from the backward pass.
    edge_labels: (src, dst) -> text written on the edge, e.g. a weight and its gradient.
    label_pos: where on its edge a label goes, from 0 (at src) to 1 (at dst); move it away
        from 0.5 when edges cross in their middle.
    radius: the circles' radius in data units.
    legend: add a one-line key "value above, gradient below" under the graph when
        values or grads are given.
    Returns the Axes (equal aspect, no axis lines).
    """
    values = dict(values or {})
    grads = dict(grads or {})
    edge_labels = dict(edge_labels or {})
    where = {name: _node(spec, name) for name, spec in nodes.items()}
    for src, dst in edges:
        for end in (src, dst):
            if end not in where:
                raise ValueError(f"edge ({src!r}, {dst!r}) uses the unknown node {end!r}")
    for key in (*values, *grads):
        if key not in where:
            raise ValueError(f"a value or gradient is given for the unknown node {key!r}")
    for key in edge_labels:
        if tuple(key) not in {tuple(e) for e in edges}:
            raise ValueError(f"a label is given for the unknown edge {key!r}")

    if ax is None:
        xs = [p[0] for p in where.values()]
        ys = [p[1] for p in where.values()]
        width = max(xs) - min(xs) + 2.0
        height = max(ys) - min(ys) + 1.7
        scale = min(1.6, 9.0 / width)
        _, ax = plt.subplots(figsize=(width * scale, height * scale), layout="constrained")

    for src, dst in edges:
        (x0, y0, _), (x1, y1, _) = where[src], where[dst]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        ax.annotate("", xy=(x1 - radius * ux, y1 - radius * uy),
                    xytext=(x0 + radius * ux, y0 + radius * uy),
                    arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.2, shrinkA=0,
                                    shrinkB=0),
                    annotation_clip=False)
        text = edge_labels.get((src, dst))
        if text is not None:
            ax.text(x0 + label_pos * (x1 - x0), y0 + label_pos * (y1 - y0), text, ha="center",
                    va="center", fontsize=8, zorder=4,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))

    inside = []
    for name, (x, y, label) in where.items():
        ax.add_patch(Circle((x, y), radius, facecolor="#f2f2f2", edgecolor="0.2", lw=1.4,
                            zorder=3))
        inside.append(ax.text(x, y, label, ha="center", va="center", fontsize=11, zorder=5))
        if name in values:
            ax.text(x, y + radius + 0.06, _fmt(values[name]), ha="center", va="bottom",
                    fontsize=9, color=VALUE_COLOR, zorder=5)
        if name in grads:
            ax.text(x, y - radius - 0.06, _fmt(grads[name]), ha="center", va="top",
                    fontsize=9, color=GRAD_COLOR, fontweight="bold", zorder=5)

    xs = [p[0] for p in where.values()]
    ys = [p[1] for p in where.values()]
    pad = radius + 0.55
    ax.set_xlim(min(xs) - pad, max(xs) + pad)
    ax.set_ylim(min(ys) - pad - (0.25 if legend and (values or grads) else 0), max(ys) + pad)
    ax.set_aspect("equal")
    ax.axis("off")
    if legend and (values or grads):
        ax.text(0.5, 0.0, "black above a node: forward value   ·   "
                "colour below: gradient of the output", transform=ax.transAxes,
                ha="center", va="bottom", fontsize=8, color="0.3")
    if title is not None:
        ax.set_title(title)
    _fit_labels(ax, inside, radius)
    return ax


def _fit_labels(ax, texts, radius):
    """Shrink the labels that are wider than their circle (e.g. "tanh"), once the figure's
    layout has placed the Axes, so that every label stays inside its node."""
    fig = ax.figure
    try:
        fig.draw_without_rendering()  # runs the layout engine: the Axes' final size
        renderer = fig.canvas.get_renderer()
    except Exception:  # a backend without a renderer: leave the labels as they are
        return
    x0 = ax.transData.transform((0.0, 0.0))[0]
    room = 0.8 * 2 * radius * abs(ax.transData.transform((1.0, 0.0))[0] - x0)
    for text in texts:
        width = text.get_window_extent(renderer).width
        if width > room > 0:
            text.set_fontsize(max(5.0, text.get_fontsize() * room / width))
