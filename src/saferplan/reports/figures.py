"""The charts and maps of each theme: their images, and every word they carry.

Titles, alternative texts and captions are sentences whose figures point into the bundle;
the labels an image draws (legend entries, the monthly average) come from
``expected_labels``, a pure function of the bundle that ``report check`` calls too, so an
image cannot say what the figures do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from saferplan.crime import statistics
from saferplan.reports import charts
from saferplan.reports.assessment import Assessment
from saferplan.reports.render import Drawing, draw
from saferplan.reports.sections import ThemeSection
from saferplan.reports.sentences import F, Field, S, Sentence, resolve

POLICE_UK = "Source: police.uk street-level crime, OGL v3.0."
SERIES = "Source: the partnership's own extract (named in the data and methods annex)."
MAP_KINDS = {"lsoa-map": "lsoa_map", "ward-map": "ward_map"}  # chart kind -> bundle key


def chart_source(source: str) -> str:
    """The source line of a chart of figures from ``source``."""
    return {"police-uk": POLICE_UK, "series": SERIES}.get(source, charts.SOURCE)


def unit_label(theme: Mapping[str, Any], after: str) -> str:
    """'Offences per month', 'Calls per 1,000 residents': the theme's unit, capitalised."""
    unit = str(theme.get("unit", "offences"))
    return f"{unit[:1].upper()}{unit[1:]} {after}"


def place_labels(kind: str, theme: Mapping[str, Any], root: Mapping[str, Any]) -> list[str]:
    """The names a map of ``kind`` writes on its areas: a ward map its own wards', an LSOA
    map those of the period's wards (where their boundaries were imported)."""
    if kind == "ward-map":
        return sorted(a["name"] for a in theme["ward_map"]["areas"])
    return list(root.get("wards", {}).get("places", []))


@dataclass
class Chart:
    id: str
    kind: str  # 'monthly' | 'rolling' | 'lsoa-map' | 'hotspots' | 'density' | 'hotspot-change'
    title: Sentence
    alt: Sentence
    caption: Sentence
    labels: list[str]  # the words the image draws besides its title
    png: bytes = b""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title.as_dict(),
            "alt": self.alt.as_dict(),
            "caption": self.caption.as_dict(),
            "labels": self.labels,
        }


class _Fields:
    """Fields read from the bundle itself, so a path and its value cannot disagree."""

    def __init__(self, theme: Mapping[str, Any], root: Mapping[str, Any]) -> None:
        self.theme, self.root = theme, root

    def __call__(self, path: str | list[str], format: str) -> Field:
        paths = [path] if isinstance(path, str) else path
        return F(paths, format, *(resolve(p, self.theme, self.root) for p in paths))


def monthly_average(theme: Mapping[str, Any]) -> Decimal:
    values = [v for _, v in theme["monthly"]]
    return statistics.round_half_up(Decimal(sum(values)) / max(len(values), 1), 0)


def expected_labels(
    kind: str, theme: Mapping[str, Any], root: Mapping[str, Any]
) -> list[str] | None:
    """The labels an image of ``kind`` must draw, from the bundle (None: not derivable)."""
    period, baseline = root["period"]["label"], root["baseline"]["label"]
    if kind == "monthly":
        average = f"{period} monthly average ({monthly_average(theme):,})"
        drawn = [period, baseline, average] if theme["monthly_baseline"] else [period, average]
        return [unit_label(theme, "per month"), *drawn, chart_source(theme["source"])]
    if kind == "rolling":
        return [unit_label(theme, "in the last 12 months"), chart_source(theme["source"])]
    if kind in MAP_KINDS:
        m = theme[MAP_KINDS[kind]]
        from saferplan.reports.maps import BOUNDARY_SOURCE

        source = f"Source: {_source_label(m['source'])}; ONS mid-year population estimates."
        classes = [c["label"] for c in m["classes"]]
        unit = unit_label(theme, "per 1,000 residents")
        return [unit, *classes, *place_labels(kind, theme, root), f"{source} {BOUNDARY_SOURCE}"]
    return None


def _source_label(source: str) -> str:
    from saferplan.reports.bundle import SOURCE_LABELS

    return SOURCE_LABELS.get(source, source)


def _monthly(f: _Fields) -> tuple[Sentence, Sentence, Sentence]:
    title = S("{title}: {area}, by month", title=f("title", "text"), area=f("/area", "text"))
    alt = S(
        "Line chart of {theme} in {area} by month of {period} against {baseline}.",
        theme=f("title", "lower"),
        area=f("/area", "text"),
        period=f("/period.label", "text"),
        baseline=f("/baseline.label", "text"),
    )
    caption = S(
        "{unit} per month in {period} and {baseline}, with the monthly average of {period}.",
        unit=f("unit", "capital"),
        period=f("/period.label", "text"),
        baseline=f("/baseline.label", "text"),
    )
    return title, alt, caption


def _rolling(f: _Fields) -> tuple[Sentence, Sentence, Sentence]:
    title = S(
        "{title}: {area}, rolling 12-month total", title=f("title", "text"), area=f("/area", "text")
    )
    alt = S(
        "Line chart of the rolling 12-month total of {theme} in {area} from {first} to {last}.",
        theme=f("title", "lower"),
        area=f("/area", "text"),
        first=f("rolling_12.0.0", "month_year"),
        last=f("rolling_12.-1.0", "month_year"),
    )
    caption = S(
        "Each point is the total of the 12 months ending that month ({first} to {last}).",
        first=f("rolling_12.0.0", "mon_year"),
        last=f("rolling_12.-1.0", "mon_year"),
    )
    return title, alt, caption


def _area_map(f: _Fields, public: bool, kind: str) -> tuple[Sentence, Sentence, Sentence]:
    wards = kind == "ward-map"
    many = "wards" if wards else "LSOAs"
    key = MAP_KINDS[kind]
    by = "by ward ({wards})" if wards else "by LSOA"
    extra: dict[str, Field] = {"wards": f(f"{key}.vintage", "wards")} if wards else {}
    title = S(
        "{title}: rate " + by + ", {area}, {period}",
        title=f("title", "text"),
        area=f("/area", "text"),
        period=f("/period.label", "text"),
        **extra,
    )
    alt_text = (
        "Map of {area}'s " + many + (" ({wards})" if wards else "")
        + " shaded by the rate of {theme} per 1,000 residents in {period}."
    )  # fmt: skip
    if public:
        alt_text += (
            " " + many + " with fewer than {below} {unit} are hatched, not shaded by a rate."
        )
        extra = {**extra, "below": f("/suppression.below", "count"), "unit": f("unit", "text")}
    if wards:
        alt_text += " Each ward is labelled with its name."
    elif f.root.get("wards", {}).get("places"):
        alt_text += " The names of {places} mark where they are."
        extra = {**extra, "places": f("/wards.vintage", "wards")}
    alt = S(
        alt_text,
        area=f("/area", "text"),
        theme=f("title", "lower"),
        period=f("/period.label", "text"),
        **extra,
    )
    area_name = "ward" if wards else "lower layer super output area"
    caption = S(
        f"Rates per 1,000 residents by {area_name}, in classes of roughly equal numbers of "
        f"{many.lower() if wards else 'areas'}"
        + (", worked on the counts as this edition shows them" if public else "")
        + "; population: {note}.",
        note=f(f"{key}.population_note", "text"),
    )
    return title, alt, caption


def _when(f: _Fields, prefix: str) -> tuple[str, dict[str, Field]]:
    first, last = f"hotspots.{prefix}first", f"hotspots.{prefix}last"
    if resolve(first, f.theme, f.root) == resolve(last, f.theme, f.root):
        return "{when}", {"when": f(first, "month_year")}
    return "{when} to {until}", {"when": f(first, "mon_year"), "until": f(last, "mon_year")}


def _months_in(period: Mapping[str, Any]) -> int:
    first, last = date.fromisoformat(period["first"]), date.fromisoformat(period["last"])
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _hotspots(f: _Fields, kind: str) -> tuple[Sentence, Sentence, Sentence]:
    when, w = _when(f, "")
    names = {"hotspots": "hot spots", "density": "density", "hotspot-change": "change in hot spots"}
    title = S(
        "{title}: " + names[kind] + ", {area}" + ("" if kind == "hotspot-change" else ", " + when),
        title=f("title", "text"),
        area=f("/area", "text"),
        **w,
    )
    common = {"theme": f("title", "lower"), "area": f("/area", "text"), **w}
    if kind == "hotspots":
        h = f.theme["hotspots"]
        outside = (
            (" (the other {outside} lie in cells whose centres are outside the borough boundary)")
            if h["outside"]
            else ""
        )
        alt = S(
            "Map of statistically significant hot and cold spots of {theme} in {area}, "
            + when
            + ".",
            **common,
        )
        whole = len(h["months"]) == _months_in(f.root["period"])
        partial = "" if whole else "; only " + when + " of {period} has street-level data imported"
        caption = S(
            "Getis-Ord Gi* on {cell} m cells from {used} of the {located} located "
            "police.uk records" + outside + partial + ".",
            cell=f("hotspots.cell", "thousands"),
            used=f("hotspots.used", "count"),
            located=f("hotspots.located", "count"),
            period=f("/period.label", "text"),
            **w,
            **({"outside": f("hotspots.outside", "count")} if h["outside"] else {}),
        )
    elif kind == "density":
        alt = S("Heat map of the density of {theme} in {area}, " + when + ".", **common)
        caption = S("Quartic kernel density estimate, incidents per square kilometre.")
    else:
        before, b = _when(f, "baseline_")
        b = {f"b_{k}": v for k, v in b.items()}
        before = before.replace("{when}", "{b_when}").replace("{until}", "{b_until}")
        alt = S(
            "Map of new, persistent, intensifying and ceased hot spots in {area}.",
            area=f("/area", "text"),
        )
        caption = S("Hot spots in " + when + " compared with " + before + ".", **w, **b)
    return title, alt, caption


def _texts(kind: str, f: _Fields, public: bool) -> tuple[Sentence, Sentence, Sentence]:
    if kind == "monthly":
        return _monthly(f)
    if kind == "rolling":
        return _rolling(f)
    if kind in MAP_KINDS:
        return _area_map(f, public, kind)
    return _hotspots(f, kind)


def _drawing(
    kind: str,
    a: Assessment,
    s: ThemeSection,
    theme: Mapping[str, Any],
    title: str,
    labels: list[str],
) -> tuple[str, dict[str, Any]]:
    """The drawing function and its plain arguments for an image of ``kind``."""
    from saferplan.reports import maps

    source = chart_source(s.table.source)
    if kind == "monthly":
        names = (a.baseline.label, a.period.label, labels[-2])  # the average's, with its figure
        return "monthly", {"title": title, "this_year": s.monthly, "last_year": s.monthly_before,
                           "labels": names, "source": source, "ylabel": labels[0]}  # fmt: skip
    if kind == "rolling":
        return "rolling", {"title": title, "rolling": s.rolling, "source": source,
                           "ylabel": labels[0]}  # fmt: skip
    if kind in MAP_KINDS:
        return "choropleth", _map_arguments(kind, a, theme, title, labels)
    h = s.hotspots
    assert h is not None
    if kind == "hotspots":
        return "classes", maps.hotspot_arguments(h.result, a.outline, title, POLICE_UK, a.places)
    if kind == "density":
        return "density", maps.density_arguments(h.result, a.outline, title, POLICE_UK, a.places)
    assert h.change is not None
    return "classes", maps.change_arguments(h.change, h.result, a.outline, title, POLICE_UK,
                                            a.places)  # fmt: skip


def _map_arguments(
    kind: str, a: Assessment, theme: Mapping[str, Any], title: str, labels: list[str]
) -> dict[str, Any]:
    from saferplan.reports import maps

    m = theme[MAP_KINDS[kind]]
    shades = [maps.Shade(tuple(c["codes"]), c["label"], c["kind"]) for c in m["classes"]]
    source = labels[-1].removesuffix(f" {maps.BOUNDARY_SOURCE}")
    if kind == "ward-map":
        wards = a.places[a.places["area_code"].isin([x["code"] for x in m["areas"]])]
        return maps.choropleth_arguments(wards, shades, title, labels[0], source, places=wards)
    if a.lsoa_outline is None:
        a.lsoa_outline = maps.outline_of(a.lsoa_boundaries)
    return maps.choropleth_arguments(a.lsoa_boundaries, shades, title, labels[0], source,
                                     a.lsoa_outline, places=a.places)  # fmt: skip


def _kinds(s: ThemeSection, a: Assessment) -> list[str]:
    kinds = ["monthly"] + (["rolling"] if s.rolling else [])
    if s.lsoa_map and a.lsoa_boundaries is not None and len(a.lsoa_boundaries):
        kinds.append("lsoa-map")
    if s.ward_map and a.places is not None and len(a.places):
        kinds.append("ward-map")
    if s.hotspots is not None:
        kinds += ["hotspots", "density"] + (
            ["hotspot-change"] if s.hotspots.change is not None else []
        )
    return kinds


def section_drawings(
    a: Assessment, s: ThemeSection, theme: Mapping[str, Any], root: Mapping[str, Any]
) -> list[tuple[Chart, Drawing]]:
    """Every chart and map of one theme, worded from its bundle, and what draws each."""
    out = []
    f = _Fields(theme, root)
    for kind in _kinds(s, a):
        title, alt, caption = _texts(kind, f, a.public)
        labels = expected_labels(kind, theme, root)
        chart = Chart(f"{s.theme.key}-{kind}", kind, title, alt, caption, labels or [])
        function, arguments = _drawing(kind, a, s, theme, title.text, labels or [])
        out.append((chart, Drawing(chart.id, function, arguments)))
    return out


def with_image(chart: Chart, png: bytes) -> Chart:
    """The chart with its image; labels not derivable from the bundle are the image's own."""
    chart.png = png
    if kind_labels_drawn(chart.kind):
        recorded = charts.read_png_labels(png) or {}
        drawn = recorded.get("labels")
        chart.labels = [str(x) for x in drawn] if isinstance(drawn, list) else []
    return chart


def kind_labels_drawn(kind: str) -> bool:
    """Whether a chart of ``kind`` takes its labels from its image (hot spot maps)."""
    return kind not in ("monthly", "rolling", *MAP_KINDS)


def section_charts(
    a: Assessment, s: ThemeSection, theme: Mapping[str, Any], root: Mapping[str, Any]
) -> list[Chart]:
    """Every chart and map of one theme, drawn from its section and worded from its bundle."""
    return [with_image(chart, draw(job)) for chart, job in section_drawings(a, s, theme, root)]
