//! How the picture looks: sizes, colours, the kinds of line, and text.

/// The book's content column, in CSS px: a picture no wider is shown at
/// its own size, so its smallest text (11 px) stays 11 px.
pub(super) const COLUMN: i32 = 750;
/// Around the picture's content, between namespaces, between devices.
pub(super) const MARGIN: i32 = 16;
pub(super) const NS_GAP: i32 = 28;
pub(super) const GAP: i32 = 16;
pub(super) const PAD: i32 = 10;
pub(super) const HEADER: i32 = 24;
pub(super) const PORT_GAP: i32 = 30;
pub(super) const TIER_GAP: i32 = 40;
pub(super) const FOOTER: i32 = 18;
pub(super) const NAME_LINE: i32 = 16;
pub(super) const DETAIL_LINE: i32 = 14;
pub(super) const LEGEND: i32 = 28;
pub(super) const LEGEND_LINE: i32 = 20;

pub(super) const INK: &str = "#1b1f24";
pub(super) const DETAIL_INK: &str = "#3d4650";
pub(super) const NS_FILL: &str = "#eef2f7";
pub(super) const NS_STROKE: &str = "#5a6878";
pub(super) const BRIDGE_FILL: &str = "#fff3d1";

/// How each kind of line looks: colour, width, dashes, legend text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Line {
    Veth,
    Port,
    Macvlan,
    Ipvlan,
    Vxlan,
}

impl Line {
    pub(super) fn style(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Line::Veth => ("#1f5fa8", "2.5", "", "veth pair"),
            Line::Port => ("#8a5a00", "1.5", "", "port of a bridge"),
            Line::Macvlan => ("#7b3fa0", "2", "6 4", "macvlan on its parent"),
            Line::Ipvlan => ("#b3261e", "2", "6 2 2 2", "ipvlan on its parent"),
            Line::Vxlan => ("#2e7d32", "2", "2 3", "vxlan over its underlay device"),
        }
    }
}

/// A box on the picture.
#[derive(Clone, Copy, Default)]
pub(super) struct Rect {
    pub(super) x: i32,
    pub(super) y: i32,
    pub(super) w: i32,
    pub(super) h: i32,
}

/// Width of monospace text: 0.6 em a character, rounded up.
pub(super) fn text_width(text: &str, size: i32) -> i32 {
    (text.chars().count() as i32 * size * 6 + 9) / 10
}

/// Text for SVG: `&`, `<`, `>` and `"` as entities.
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
