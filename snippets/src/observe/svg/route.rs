//! The way each line takes: the cheapest path on a grid (`grid`),
//! found with Dijkstra's algorithm (a shortest-path search), one line after
//! another.
//!
//! A line runs at right angles, from a side of one device to a side of
//! another. It may not go through a device, through text, or into the box
//! of a namespace that holds neither of its ends: the line from `host1` to
//! `red` goes round `overlay1`. It may cross a namespace's edge, but not run
//! along it. And it may not run along any stretch of a line already drawn,
//! nor meet one end to end, nor branch off one: two lines on one stretch
//! read as one, and the reader could not tell which device leads where. It
//! keeps `SPACING` px from the lines beside it, and crosses them only at
//! right angles.
//!
//! Of the paths left, it takes the cheapest, by the costs below: lines are
//! short and straight, keep to the open space between boxes, and end near
//! the middle of a device's top or bottom.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::grid::{Care, DEVICE_CLEARANCE, DIRS, Dir, Grid, SPACING, STEP};
use super::style::Rect;

/// Costs, in tenths of a px of line: a step; a bend; crossing a line; a
/// step with a parallel line `SPACING` px away, close to a box, or inside a
/// namespace's box on the way to another; ending on a device's left or
/// right side; and each px a line ends away from the middle of a side.
const STEP_COST: u32 = 10 * STEP as u32;
const BEND: u32 = 240;
const CROSS: u32 = 180;
const NEAR: u32 = 30;
const CROWDED: u32 = 16;
const INSIDE: u32 = 12;
const SIDE: u32 = 480;
const OFF: u32 = 12;
/// A line ends on a device's side this far from its rounded corners.
const CORNER: i32 = 6;

/// A line's end: a device's box, and the namespace it is in.
pub(super) type End = (Rect, usize);

/// A path found: (point, direction of travel) along the grid, and where it
/// starts and ends on the two devices' sides.
type Path = (Vec<(usize, Dir)>, (i32, i32), (i32, i32));

/// A place where a line may leave or enter a device: the grid point just
/// off one of its sides, the way out from the device, the point on the
/// side itself, and what ending there costs.
struct Terminal {
    at: (i32, i32),
    out: Dir,
    side: (i32, i32),
    cost: u32,
}

/// Where a line to `other` may end on the device `r`: every grid point
/// just off its top or bottom; and off its left or right side if `other`
/// is beside it (a veth pair in one row), never from a device below.
fn terminals(r: Rect, other: Rect) -> Vec<Terminal> {
    let c = DEVICE_CLEARANCE;
    let above = (r.y - c).div_euclid(STEP);
    let below = (r.y + r.h + c + STEP - 1).div_euclid(STEP);
    let left = (r.x - c).div_euclid(STEP);
    let right = (r.x + r.w + c + STEP - 1).div_euclid(STEP);
    // The grid lines that meet a side away from its corners, and what
    // ending there costs.
    let along = |from: i32, length: i32, extra: u32| {
        let first = (from + CORNER + STEP - 1).div_euclid(STEP);
        (first..=(from + length - CORNER).div_euclid(STEP)).map(move |k| {
            let off = (k * STEP - from - length / 2).unsigned_abs();
            (k, k * STEP, OFF * off + extra)
        })
    };
    let mut found = Vec::new();
    for (column, x, cost) in along(r.x, r.w, 0) {
        let top = ((column, above), Dir::Up, (x, r.y));
        let bottom = ((column, below), Dir::Down, (x, r.y + r.h));
        for (at, out, side) in [top, bottom] {
            found.push(Terminal {
                at,
                out,
                side,
                cost,
            });
        }
    }
    if r.y < other.y + other.h && other.y < r.y + r.h {
        for (row, y, cost) in along(r.y, r.h, SIDE) {
            let left = ((left, row), Dir::Left, (r.x, y));
            let right = ((right, row), Dir::Right, (r.x + r.w, y));
            for (at, out, side) in [left, right] {
                found.push(Terminal {
                    at,
                    out,
                    side,
                    cost,
                });
            }
        }
    }
    found
}

/// The paths of the lines between the devices `ends`, as SVG path data
/// (`M x y V y H x ...`), in the same order.
///
/// The shortest line goes first, so that a bridge's ports get the straight
/// ways. Then each line is drawn again, in the same order, knowing where
/// all the others run: a line drawn early could not make room for those
/// that came after it.
pub(super) fn route_all(mut grid: Grid, ends: &[(End, End)]) -> Vec<String> {
    let centre = |r: Rect| (r.x + r.w / 2, r.y + r.h / 2);
    let mut order: Vec<usize> = (0..ends.len()).collect();
    order.sort_by_key(|&k| {
        let (a, b) = (centre(ends[k].0.0), centre(ends[k].1.0));
        ((a.0 - b.0).abs() + (a.1 - b.1).abs(), k)
    });
    let mut paths: Vec<Option<Path>> = vec![None; ends.len()];
    for _ in 0..2 {
        for &k in &order {
            if let Some(path) = paths[k].take() {
                grid.mark(&path.0, false);
            }
            let (from, to) = ends[k];
            let care = [Care::Spaced, Care::Apart, Care::Anyhow];
            paths[k] = care
                .into_iter()
                .find_map(|care| search(&grid, from, to, care));
            if let Some(path) = &paths[k] {
                grid.mark(&path.0, true);
            }
        }
    }
    let drawn = paths.into_iter().zip(ends);
    drawn
        .map(|(path, &(from, to))| svg(&grid, path, from.0, to.0))
        .collect()
}

/// A path as SVG path data, from its start on one device to its end on the
/// other.
fn svg(grid: &Grid, path: Option<Path>, from: Rect, to: Rect) -> String {
    let Some((states, first, last)) = path else {
        // Walled in: a straight line still says what is joined to what.
        let (a, b) = (from, to);
        let (ax, ay, bx, by) = (a.x + a.w / 2, a.y + a.h / 2, b.x + b.w / 2, b.y + b.h / 2);
        return format!("M {ax} {ay} L {bx} {by}");
    };
    let mut corners = vec![first];
    for (k, &(point, dir)) in states.iter().enumerate() {
        if states.get(k + 1).is_some_and(|s| s.1 != dir) {
            let (column, row) = grid.at(point);
            corners.push((column * STEP, row * STEP));
        }
    }
    corners.push(last);
    let mut d = format!("M {} {}", first.0, first.1);
    for pair in corners.windows(2) {
        match pair[0].0 == pair[1].0 {
            true => d += &format!(" V {}", pair[1].1),
            false => d += &format!(" H {}", pair[1].0),
        }
    }
    d
}

/// Dijkstra's search over the states (grid point, direction of travel),
/// from the terminals of `from` to those of `to`, with `care` for the lines
/// drawn so far.
fn search(grid: &Grid, from: End, to: End, care: Care) -> Option<Path> {
    let ours = |p: usize| {
        let inside = grid.points[p].inside;
        inside.is_none_or(|n| n == from.1 || n == to.1)
    };
    let state = |point: usize, dir: Dir| point * 4 + dir as usize;
    let states = grid.points.len() * 4;
    // After the grid's states, one per end of the line: reaching it pays
    // what ending there costs.
    let mut ends: Vec<(usize, (i32, i32), u32)> = terminals(to.0, from.0)
        .into_iter()
        .filter_map(|t| Some((state(grid.index(t.at)?, t.out.back()), t.side, t.cost)))
        .collect();
    ends.sort_unstable();
    let mut cost = vec![u32::MAX; states + ends.len()];
    let mut previous = vec![usize::MAX; states + ends.len()];
    let mut queue = BinaryHeap::new();
    let mut starts = Vec::new();
    for t in terminals(from.0, to.0) {
        let Some(p) = grid.index(t.at) else { continue };
        let s = state(p, t.out);
        if grid.open(t.at, t.out.horizontal(), care) && ours(p) && t.cost < cost[s] {
            cost[s] = t.cost;
            queue.push(Reverse((t.cost, s)));
            starts.push((s, t.side));
        }
    }
    let goal = loop {
        let Reverse((paid, s)) = queue.pop()?;
        if s >= states {
            break s;
        }
        if paid > cost[s] {
            continue;
        }
        let mut relax = |to: usize, price: u32| {
            if paid + price < cost[to] {
                cost[to] = paid + price;
                previous[to] = s;
                queue.push(Reverse((paid + price, to)));
            }
        };
        if let Ok(k) = ends.binary_search_by_key(&s, |e| e.0) {
            relax(states + k, ends[k].2);
        }
        let (point, dir) = (s / 4, DIRS[s % 4]);
        let at = grid.at(point);
        // It came in running `dir`; to bend, it must run the other way too.
        let may_bend = grid.open(at, !dir.horizontal(), care);
        for next in DIRS {
            let bend = next != dir;
            if next == dir.back() || (bend && !may_bend) {
                continue;
            }
            let (dx, dy) = next.step();
            let (q, horizontal) = ((at.0 + dx, at.1 + dy), next.horizontal());
            let Some(index) = grid.index(q).filter(|&i| ours(i)) else {
                continue;
            };
            if !grid.open(q, horizontal, care) {
                continue;
            }
            let p = grid.points[index];
            let between = p.inside.is_some() && from.1 != to.1;
            let near = grid.beside(q, horizontal, SPACING / STEP) as u32;
            let price = STEP_COST
                + if bend { BEND } else { 0 }
                + if p.used(!horizontal) { CROSS } else { 0 }
                + if p.crowded { CROWDED } else { 0 }
                + if between { INSIDE } else { 0 }
                + NEAR * near;
            relax(state(index, next), price);
        }
    };
    let mut path = vec![previous[goal]];
    while let Some(&s) = path
        .last()
        .map(|&s| &previous[s])
        .filter(|&&s| s != usize::MAX)
    {
        path.push(s);
    }
    path.reverse();
    let first = starts.iter().find(|s| s.0 == path[0])?.1;
    let last = ends[goal - states].1;
    let path = path.into_iter().map(|s| (s / 4, DIRS[s % 4])).collect();
    Some((path, first, last))
}
