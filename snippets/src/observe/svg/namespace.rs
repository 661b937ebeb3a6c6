//! Inside one namespace's box: its name, then an upper row of devices, then
//! a row of bridge ports below it, and its default route at the foot. (Which
//! device goes in which row, and each one's size: `rows.rs`.)

use super::layout::Layout;
use super::style::{FOOTER, GAP, HEADER, PAD, PORT_GAP, Rect, text_width};
use super::text::footer_lines;

impl Layout<'_> {
    fn row_size(&self, n: usize, row: usize) -> (i32, i32) {
        let sizes = self.rows[n][row].iter().map(|&i| self.devices[n][i]);
        let width = sizes.clone().map(|r| r.w + GAP).sum::<i32>() - GAP;
        (width.max(0), sizes.map(|r| r.h).max().unwrap_or(0))
    }

    /// The size the box needs for its own name, devices and route.
    pub(super) fn natural_size(&self, n: usize) -> (i32, i32) {
        let ns = &self.topology.namespaces[n];
        let (upper_w, upper_h) = self.row_size(n, 0);
        let (lower_w, lower_h) = self.row_size(n, 1);
        let footer = footer_lines(ns);
        let widest_footer = footer.iter().map(|line| text_width(line, 11)).max();
        let width = [
            text_width(&ns.name, 14),
            upper_w,
            lower_w,
            widest_footer.unwrap_or(0),
        ];
        let mut height = PAD + HEADER + upper_h + PAD;
        if lower_h > 0 {
            height += PORT_GAP + lower_h;
        }
        height += FOOTER * footer.len() as i32;
        (width.into_iter().max().unwrap_or(0) + 2 * PAD, height)
    }

    /// Places the devices of a namespace whose box is placed, after those
    /// of the namespaces that hang below it: a port goes above the device
    /// it leads to there, and a bridge above the middle of its ports.
    pub(super) fn place_devices(&mut self, n: usize) {
        let frame = self.boxes[n];
        let upper_y = frame.y + PAD + HEADER;
        let lower_y = upper_y + self.row_size(n, 0).1 + PORT_GAP;
        let topology = self.topology;
        let ns = &topology.namespaces[n];
        let wanted: Vec<Option<i32>> = self.rows[n][1]
            .iter()
            .map(|&i| {
                let peer = topology.peer(&ns.name, &ns.devices[i].name)?;
                let (m, j) = self.index_of(peer)?;
                let target = self.devices[m][j];
                (m != n && self.depth(m) > self.depth(n)).then_some(target.x + target.w / 2)
            })
            .collect();
        self.place_row(n, 1, lower_y, &wanted);
        let wanted: Vec<Option<i32>> = self.rows[n][0]
            .iter()
            .map(|&b| {
                let ports: Vec<Rect> = self.rows[n][1]
                    .iter()
                    .filter(|&&i| ns.devices[i].master.as_ref() == Some(&ns.devices[b].name))
                    .map(|&i| self.devices[n][i])
                    .collect();
                let left = ports.iter().map(|r| r.x).min()?;
                let right = ports.iter().map(|r| r.x + r.w).max()?;
                Some((left + right) / 2)
            })
            .collect();
        self.place_row(n, 0, upper_y, &wanted);
    }

    /// Places a row left to right, each device at its wanted centre if it
    /// fits, and never past the box's right edge.
    fn place_row(&mut self, n: usize, row: usize, y: i32, wanted: &[Option<i32>]) {
        let frame = self.boxes[n];
        let (left_edge, right_edge) = (frame.x + PAD, frame.x + frame.w - PAD);
        let row_devices = self.rows[n][row].clone();
        let mut xs = Vec::new();
        let mut cursor = left_edge;
        for (k, &i) in row_devices.iter().enumerate() {
            let w = self.devices[n][i].w;
            let x = wanted[k].map_or(cursor, |c| (c - w / 2).max(cursor));
            xs.push(x);
            cursor = x + w + GAP;
        }
        let mut limit = right_edge;
        for (k, &i) in row_devices.iter().enumerate().rev() {
            let w = self.devices[n][i].w;
            xs[k] = xs[k].min(limit - w);
            limit = xs[k] - GAP;
        }
        if xs.first().is_some_and(|&x| x < left_edge) {
            let mut cursor = left_edge;
            for (k, &i) in row_devices.iter().enumerate() {
                xs[k] = cursor;
                cursor += self.devices[n][i].w + GAP;
            }
        }
        for (k, &i) in row_devices.iter().enumerate() {
            let device = &mut self.devices[n][i];
            device.x = xs[k];
            device.y = y;
        }
    }
}
