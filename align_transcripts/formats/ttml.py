"""TTML as IMSC 1.1 Text (what Netflix and broadcasters take for delivery), through ttconv's data model
and IMSC writer.

The document keeps to what the Netflix IMSC 1.1 Text Profile accepts: media time base, clock-time
expressions, one bottom region inside the 10 % safe area, no colours, no cell resolution, the
profile signalled in ttp:contentProfiles and the language in xml:lang. The speaker marker a preset
puts in the text ("- ", "Name: ") stays in the text, as Netflix's style guides ask.
"""
from __future__ import annotations

import xml.etree.ElementTree as et
from fractions import Fraction

from ttconv import model
from ttconv import style_properties as styles
from ttconv.imsc import config as imsc_config
from ttconv.imsc import writer as imsc_writer
from ttconv.imsc.designators import IMSC_11_TEXT_PROFILE_DESIGNATOR

from ..captions import Cue

__all__ = ["to_imsc"]

_TTML = "http://www.w3.org/ns/ttml"
SAFE_AREA_PCT = 10  # every edge of the picture left clear, the usual action-safe margin


def _pct(value: float) -> styles.LengthType:
    return styles.LengthType(value, styles.LengthType.Units.pct)


def _region(doc: model.ContentDocument) -> model.Region:
    region = model.Region("bottom", doc)
    region.set_style(styles.StyleProperties.Origin, styles.CoordinateType(x=_pct(SAFE_AREA_PCT), y=_pct(SAFE_AREA_PCT)))
    region.set_style(styles.StyleProperties.Extent,
                     styles.ExtentType(height=_pct(100 - 2 * SAFE_AREA_PCT), width=_pct(100 - 2 * SAFE_AREA_PCT)))
    region.set_style(styles.StyleProperties.DisplayAlign, styles.DisplayAlignType.after)
    region.set_style(styles.StyleProperties.TextAlign, styles.TextAlignType.center)
    doc.put_region(region)
    return region


def _paragraph(doc: model.ContentDocument, cue: Cue) -> model.P:
    p = model.P(doc)
    p.set_begin(Fraction(cue.start, 1000))
    p.set_end(Fraction(cue.end, 1000))
    for n, line in enumerate(cue.lines):
        if n:
            p.push_child(model.Br(doc))
        span = model.Span(doc)
        span.push_child(model.Text(doc, line))
        p.push_child(span)
    return p


def to_imsc(cues: list[Cue], language: str = "en") -> str:
    """Cues -> an IMSC 1.1 Text document (UTF-8 XML text)."""
    doc = model.ContentDocument()
    doc.set_lang(language)
    doc.set_content_profiles({IMSC_11_TEXT_PROFILE_DESIGNATOR})
    body = model.Body(doc)
    body.set_region(_region(doc))
    doc.set_body(body)
    div = model.Div(doc)
    body.push_child(div)
    for cue in cues:
        div.push_child(_paragraph(doc, cue))
    signal = imsc_config.IMSCWriterConfiguration(profile_signaling=imsc_config.ContentProfilesSignaling.CONTENT_PROFILES)
    tree = imsc_writer.from_model(doc, signal)
    et.indent(tree)  # for people reading it; then no whitespace inside a paragraph, where it would be text
    for p in tree.getroot().iter(f"{{{_TTML}}}p"):
        p.text = None
        for child in p:
            child.tail = None
    return et.tostring(tree.getroot(), encoding="unicode", xml_declaration=True) + "\n"
