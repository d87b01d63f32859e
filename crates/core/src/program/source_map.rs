//! Where each part of a program stands in its file, so that errors found after
//! loading (by validation or resolve, which know only segment, op and field) can be
//! printed with the file's line and the file's own key names.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::error::{ProgramError, TextPosition};

/// Positions of one table of a program file (the top level, a definition, a segment
/// or an op) and of its keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodePositions {
    /// Where the table starts.
    pub at: Option<TextPosition>,
    /// Where each key of the table is written.
    pub keys: BTreeMap<String, TextPosition>,
    /// The ops of a segment, or the sub-ops of a `parallel`.
    pub children: Vec<NodePositions>,
}

/// Positions of a whole program file. Empty for programs that did not come from a
/// TOML file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// The top-level keys.
    pub top: NodePositions,
    /// Each definition, by name.
    pub definitions: IndexMap<String, NodePositions>,
    /// Each segment, with its ops as children.
    pub segments: Vec<NodePositions>,
}

/// The program model's field names (those of the reference JSON layout, used in
/// validation and resolve errors) and the TOML keys that hold them, singular forms
/// last.
const TOML_KEYS: &[(&str, &[&str])] = &[
    ("time_s", &["time"]),
    ("logical_channel", &["channel"]),
    ("def_name", &["def"]),
    ("freqs_hz", &["freqs", "freq"]),
    ("amps", &["amps", "amp"]),
    ("phases_rad", &["phases", "phase"]),
    ("amps_target", &["amps"]),
    ("target_def", &["target"]),
    ("df_hz", &["df"]),
    ("tau_s", &["tau"]),
];

/// The TOML key(s) for a model field name (the name itself when they agree).
pub fn toml_keys_for(model_field: &str) -> Vec<&str> {
    TOML_KEYS
        .iter()
        .find(|(m, _)| *m == model_field)
        .map_or_else(|| vec![model_field], |(_, keys)| keys.to_vec())
}

/// The model field name a TOML key of the reference JSON layout stands for, if `key`
/// is such a name and differs from the TOML key (used to hint at the TOML spelling).
pub fn json_name_hint(key: &str) -> Option<&'static str> {
    TOML_KEYS
        .iter()
        .find(|(m, _)| *m == key)
        .map(|(_, keys)| keys[0])
}

impl SourceMap {
    /// True when no position is known (a program read from JSON or built in code).
    pub fn is_empty(&self) -> bool {
        self.top.at.is_none() && self.segments.is_empty() && self.definitions.is_empty()
    }

    /// Positions of segment `segment`'s op at `path` (op index, then sub-op index).
    pub fn op(&self, segment: usize, path: &[usize]) -> Option<&NodePositions> {
        let mut node = self.segments.get(segment)?;
        for &i in path {
            node = node.children.get(i)?;
        }
        Some(node)
    }

    /// The line of segment `segment`'s op `op` in the file.
    pub fn op_line(&self, segment: usize, op: usize) -> Option<usize> {
        self.op(segment, &[op]).and_then(|n| n.at).map(|p| p.line)
    }

    /// Adds the file position to an error that names a definition, segment, op and
    /// field, and renames the field to the key written in the file (`time_s` →
    /// `time`). Errors that already carry a position are returned as they are.
    pub fn locate(&self, mut error: ProgramError) -> ProgramError {
        if error.location.position.is_some() || self.is_empty() {
            return error;
        }
        let loc = &mut *error.location;
        let node = if let Some(d) = &loc.definition {
            self.definitions.get(d)
        } else if let Some((si, _)) = &loc.segment {
            let path: Vec<usize> = loc.op.iter().map(|(i, _)| *i).collect();
            // The deepest node that exists: an op missing from the map falls back
            // to its segment.
            (0..=path.len())
                .rev()
                .find_map(|depth| self.op(*si, &path[..depth]))
        } else {
            Some(&self.top)
        };
        let Some(node) = node else {
            return error;
        };
        let (base, suffix) = match loc.field.find('[') {
            Some(i) => loc.field.split_at(i),
            None => (loc.field.as_str(), ""),
        };
        let found = toml_keys_for(base)
            .into_iter()
            .find_map(|k| node.keys.get(k).map(|p| (k, *p)));
        match found {
            Some((key, pos)) => {
                // Singular keys (`freq = ...`) hold one value: no index to show.
                let singular = toml_keys_for(base).first() != Some(&key);
                loc.field = if singular {
                    key.to_string()
                } else {
                    format!("{key}{suffix}")
                };
                loc.position = Some(pos);
            }
            None => {
                if !base.contains('.') {
                    if let Some(k) = toml_keys_for(base).first() {
                        loc.field = format!("{k}{suffix}");
                    }
                }
                loc.position = node.at;
            }
        }
        error
    }
}
