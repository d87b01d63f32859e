//! Table formatting shared by every report. Numbers in the cells are written by
//! [`awgsf_core::format`].

use comfy_table::presets::UTF8_HORIZONTAL_ONLY;
use comfy_table::{CellAlignment, ContentArrangement, Table};

/// Re-exported for the commands that write durations beside their tables.
pub use awgsf_core::format::seconds;

/// A table with the project's look: header row, light borders, columns aligned as
/// given (`true` = right-aligned, for numbers).
pub fn new_table(header: &[&str], right: &[bool]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    for (i, r) in right.iter().enumerate() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(if *r {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
        }
    }
    t
}

/// A two-column key/value table without a header row.
pub fn kv_table() -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled);
    t
}
