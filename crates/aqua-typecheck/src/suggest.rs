//! "Did you mean" candidates by edit distance.

use smol_str::SmolStr;

/// Up to five names from `names` close to `wanted`, closest first.
pub fn similar<'a>(wanted: &str, names: impl Iterator<Item = &'a SmolStr>) -> Vec<SmolStr> {
    let limit = (wanted.chars().count() / 3).max(1);
    let lower = wanted.to_lowercase();
    let mut scored: Vec<(usize, SmolStr)> = names
        .filter(|name| name.as_str() != wanted)
        .filter_map(|name| {
            let distance = levenshtein(&lower, &name.to_lowercase());
            (distance <= limit).then(|| (distance, name.clone()))
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(5).map(|(_, name)| name).collect()
}

/// The Levenshtein distance between two strings, by characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb { previous } else { 1 + previous.min(current).min(row[j]) };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_and_candidates() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        let names = [SmolStr::new("undefined"), SmolStr::new("value"), SmolStr::new("x")];
        assert_eq!(similar("undefinedName", names.iter()), vec![SmolStr::new("undefined")]);
        assert_eq!(similar("vlue", names.iter()), vec![SmolStr::new("value")]);
    }
}
