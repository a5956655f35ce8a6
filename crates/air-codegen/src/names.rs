//! Fresh AIR variable names: deterministic (the same input gives the same names) and unique in a
//! whole script, so no two bindings ever collide, whatever inlining does.
//!
//! A name is the base itself the first time it is asked for, then `base-0`, `base-1`, … (an AIR
//! keyword such as `new` is never a name of its own: it starts at `new-0`). Aqua
//! identifiers never contain `-`, so a suffixed name never equals a user's base name, and the
//! reserved names of the calling convention (`-relay-`, `-hop-`) start with `-`.

use std::collections::HashMap;

/// The table of names handed out in one script.
#[derive(Debug, Default)]
pub struct Names {
    used: HashMap<String, u32>,
}

impl Names {
    /// A new, empty table.
    pub fn new() -> Names {
        Names::default()
    }

    /// Reserves `name` exactly (for names of the calling convention). Later fresh names avoid it.
    pub fn reserve(&mut self, name: &str) {
        self.used.entry(name.to_owned()).or_insert(0);
    }

    /// A name derived from `base` that was never handed out before.
    pub fn fresh(&mut self, base: &str) -> String {
        let base = sanitize(base);
        // An AIR keyword (an Aqua parameter named `new` or `seq`) only ever gets a suffix.
        if air_syntax::lexer::is_reserved_word(&base) {
            self.used.entry(base.clone()).or_insert(0);
        }
        let Some(&start) = self.used.get(&base) else {
            self.used.insert(base.clone(), 0);
            return base;
        };
        let mut counter = start;
        loop {
            let candidate = format!("{base}-{counter}");
            counter += 1;
            if !self.used.contains_key(&candidate) {
                self.used.insert(base, counter);
                self.used.insert(candidate.clone(), 0);
                return candidate;
            }
        }
    }
}

/// `.` is not allowed in AIR names: it is replaced by `_`, as the reference does.
fn sanitize(base: &str) -> String {
    let cleaned: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    if cleaned.is_empty() { "v".to_owned() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_deterministic() {
        let mut names = Names::new();
        assert_eq!(names.fresh("ret"), "ret");
        assert_eq!(names.fresh("ret"), "ret-0");
        names.reserve("x-0");
        assert_eq!(names.fresh("x"), "x");
        assert_eq!(names.fresh("x"), "x-1");
        assert_eq!(names.fresh("a.b"), "a_b");
    }

    #[test]
    fn air_keywords_are_never_names() {
        let mut names = Names::new();
        for word in ["new", "seq", "par", "fold", "next", "null", "match", "true"] {
            assert_eq!(names.fresh(word), format!("{word}-0"));
        }
    }
}
