"""Colour contrast as WCAG 2 measures it, from the colours a browser computes."""

import re


def luminance(css_colour: str) -> float:
    red, green, blue = (float(c) / 255 for c in re.findall(r"[\d.]+", css_colour)[:3])
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    light, dark = sorted([luminance(one), luminance(two)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


WHITE = "rgb(255, 255, 255)"
