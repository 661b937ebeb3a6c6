//! The grid the lines run on (`route`): a point every `STEP` px,
//! which knows whether a line may pass there, and which lines already do.

use super::style::Rect;

/// The grid's pitch, and the least distance between two parallel lines.
pub(super) const STEP: i32 = 4;
pub(super) const SPACING: i32 = 8;
/// How close a line may pass a device, run along a namespace's edge, or
/// come to the edge of the picture.
pub(super) const DEVICE_CLEARANCE: i32 = 4;
const EDGE_CLEARANCE: i32 = 5;
const CARD_CLEARANCE: i32 = 5;
/// Closer than this to a device or to a namespace's edge is crowded.
const ROOM: i32 = 6;

/// The way a line runs through a point.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dir {
    Right,
    Down,
    Left,
    Up,
}

pub(super) const DIRS: [Dir; 4] = [Dir::Right, Dir::Down, Dir::Left, Dir::Up];

impl Dir {
    /// One step this way, in (columns, rows).
    pub(super) fn step(self) -> (i32, i32) {
        match self {
            Dir::Right => (1, 0),
            Dir::Down => (0, 1),
            Dir::Left => (-1, 0),
            Dir::Up => (0, -1),
        }
    }

    pub(super) fn back(self) -> Dir {
        DIRS[(self as usize + 2) % 4]
    }

    pub(super) fn horizontal(self) -> bool {
        matches!(self, Dir::Right | Dir::Left)
    }
}

/// How much room a line must leave the lines drawn before it: `SPACING`,
/// or (if that leaves no way) just not on them, or (walled in) none.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Care {
    Spaced,
    Apart,
    Anyhow,
}

/// One point of the grid.
#[derive(Clone, Copy, Default)]
pub(super) struct Point {
    /// The namespace whose box holds it, if any.
    pub(super) inside: Option<usize>,
    /// No line may come here: a device, text, the picture's edge.
    blocked: bool,
    /// No line may run along here horizontally (a namespace's top or
    /// bottom edge is close), or vertically (its left or right edge); it
    /// may cross the edge.
    no_h: bool,
    no_v: bool,
    /// Close to a device or to a namespace's edge.
    pub(super) crowded: bool,
    /// How many lines run through here horizontally, and vertically.
    used_h: u8,
    used_v: u8,
}

impl Point {
    /// Whether a line runs through here horizontally (or vertically).
    pub(super) fn used(&self, horizontal: bool) -> bool {
        if horizontal {
            self.used_h > 0
        } else {
            self.used_v > 0
        }
    }
}

/// Whether (x, y) lies within `margin` of the box `r`, or inside it.
fn near(r: &Rect, (x, y): (i32, i32), margin: i32) -> bool {
    r.x - margin < x && x < r.x + r.w + margin && r.y - margin < y && y < r.y + r.h + margin
}

/// The points, row by row.
pub(super) struct Grid {
    columns: i32,
    rows: i32,
    pub(super) points: Vec<Point>,
}

impl Grid {
    /// The grid over a picture of `size`, with the namespaces' boxes, the
    /// devices' boxes and the texts that lines keep out of.
    pub(super) fn new(
        size: (i32, i32),
        namespaces: &[Rect],
        devices: &[Rect],
        texts: &[Rect],
    ) -> Grid {
        let (columns, rows) = (size.0 / STEP + 1, size.1 / STEP + 1);
        let mut points = Vec::new();
        for row in 0..rows {
            for column in 0..columns {
                let at = (column * STEP, row * STEP);
                let (x, y) = at;
                let mut point = Point {
                    blocked: x < CARD_CLEARANCE
                        || y < CARD_CLEARANCE
                        || x > size.0 - CARD_CLEARANCE
                        || y > size.1 - CARD_CLEARANCE
                        || devices.iter().any(|r| near(r, at, DEVICE_CLEARANCE))
                        || texts.iter().any(|r| near(r, at, 2)),
                    crowded: devices.iter().any(|r| near(r, at, ROOM)),
                    ..Point::default()
                };
                for (n, r) in namespaces.iter().enumerate() {
                    if near(r, at, 0) {
                        point.inside = Some(n);
                    }
                    let (e, right, bottom) = (EDGE_CLEARANCE, r.x + r.w, r.y + r.h);
                    let along_x = r.x - e < x && x < right + e;
                    let along_y = r.y - e < y && y < bottom + e;
                    point.no_h |= along_x && ((y - r.y).abs() < e || (y - bottom).abs() < e);
                    point.no_v |= along_y && ((x - r.x).abs() < e || (x - right).abs() < e);
                    let (w, h) = (r.w - 2 * ROOM, r.h - 2 * ROOM);
                    let inner = Rect {
                        x: r.x + ROOM,
                        y: r.y + ROOM,
                        w,
                        h,
                    };
                    point.crowded |= near(r, at, ROOM) && !near(&inner, at, 0);
                }
                points.push(point);
            }
        }
        Grid {
            columns,
            rows,
            points,
        }
    }

    /// The point at (column, row), if the grid has one there.
    pub(super) fn index(&self, (column, row): (i32, i32)) -> Option<usize> {
        let inside = (0..self.columns).contains(&column) && (0..self.rows).contains(&row);
        inside.then(|| (row * self.columns + column) as usize)
    }

    /// The (column, row) of a point.
    pub(super) fn at(&self, point: usize) -> (i32, i32) {
        (point as i32 % self.columns, point as i32 / self.columns)
    }

    /// Whether a line may run through the point at `at`, horizontally or
    /// vertically, with `care` for the lines already there.
    pub(super) fn open(&self, at: (i32, i32), horizontal: bool, care: Care) -> bool {
        let Some(point) = self.index(at).map(|p| self.points[p]) else {
            return false;
        };
        let edge = if horizontal { point.no_h } else { point.no_v };
        if point.blocked || edge {
            return false;
        }
        // A parallel line closer than `SPACING` would read as the same one.
        let spaced = || (1..SPACING / STEP).all(|k| self.beside(at, horizontal, k) == 0);
        match care {
            Care::Spaced => !point.used(horizontal) && spaced(),
            Care::Apart => !point.used(horizontal),
            Care::Anyhow => true,
        }
    }

    /// How many lines run the same way (horizontally or vertically) as one
    /// through `at`, `steps` points away from it on either side.
    pub(super) fn beside(&self, at: (i32, i32), horizontal: bool, steps: i32) -> usize {
        let (dx, dy) = if horizontal { (0, steps) } else { (steps, 0) };
        let sides = [(at.0 + dx, at.1 + dy), (at.0 - dx, at.1 - dy)];
        let used = sides.map(|b| {
            self.index(b)
                .is_some_and(|b| self.points[b].used(horizontal))
        });
        used.into_iter().filter(|&u| u).count()
    }

    /// Counts the points of a path, (point, direction it runs) each, as
    /// used by one more line, or one fewer.
    pub(super) fn mark(&mut self, path: &[(usize, Dir)], used: bool) {
        for (k, &(point, dir)) in path.iter().enumerate() {
            let next = path.get(k + 1).map_or(dir, |s| s.1);
            let point = &mut self.points[point];
            // A bend uses its point both ways.
            for way in if next == dir {
                vec![dir]
            } else {
                vec![dir, next]
            } {
                let count = match way.horizontal() {
                    true => &mut point.used_h,
                    false => &mut point.used_v,
                };
                *count = if used { *count + 1 } else { *count - 1 };
            }
        }
    }
}
