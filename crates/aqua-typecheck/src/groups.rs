//! Checking a folder group by group: files whose imports meet, through any chain of imports,
//! are checked together (each module once), and one group's typed program is held at a time.

use std::path::PathBuf;

use crate::modules::LoadedModule;
use crate::{CheckedEach, Options, SourceLoader, check_each};

/// Checks the files at `paths` one [`import_groups`] group at a time, each with [`check_each`]:
/// yields each group's file indices (into `paths`) with its outcome, whose
/// [`select`](CheckedEach::select) and [`is_ok`](CheckedEach::is_ok) take positions in the group.
pub fn check_groups<'a>(
    paths: &'a [PathBuf],
    loader: &'a mut dyn SourceLoader,
    options: &'a Options,
) -> impl Iterator<Item = (Vec<usize>, CheckedEach)> + 'a {
    let groups = import_groups(paths, loader, options);
    groups.into_iter().map(move |group| {
        let members: Vec<PathBuf> = group.iter().filter_map(|&i| paths.get(i).cloned()).collect();
        let checked = check_each(&members, loader, options);
        (group, checked)
    })
}

/// Groups the files at `paths` (by index) so that files whose imports meet, through any chain of
/// imports, are in one group; the embedded standard library joins nothing. Checking each group
/// with [`check_each`] gives each file what one check of them all gives, holding the typed
/// program of the largest group instead of all of them. Reads only the files' header lines.
/// Groups come in the order of their first file, each file once in the order given.
pub fn import_groups(
    paths: &[PathBuf],
    loader: &mut dyn SourceLoader,
    options: &Options,
) -> Vec<Vec<usize>> {
    let entries = paths.iter().map(|path| (path.as_path(), None)).collect();
    let (graph, modules) = crate::modules::load_each(entries, loader, &options.import_roots, true);
    let embedded = |module: &LoadedModule| module.path.starts_with(crate::stdlib::KEY_PREFIX);
    let mut roots = UnionFind::new(graph.modules.len());
    for (index, loaded) in graph.modules.iter().enumerate() {
        if embedded(loaded) {
            continue;
        }
        for dep in loaded.deps.iter().flatten() {
            if graph.modules.get(*dep).is_some_and(|d| !embedded(d)) {
                roots.join(index, *dep);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root: foldhash::HashMap<usize, usize> = foldhash::HashMap::default();
    for (entry, module) in modules.iter().enumerate() {
        let group = match module {
            Ok(module) => *group_of_root.entry(roots.find(*module)).or_insert(groups.len()),
            Err(_) => groups.len(),
        };
        match groups.get_mut(group) {
            Some(members) => members.push(entry),
            None => groups.push(vec![entry]),
        }
    }
    groups
}

/// Disjoint sets of module indices, for [`import_groups`].
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(len: usize) -> UnionFind {
        UnionFind { parent: (0..len).collect() }
    }

    /// The representative of `index`'s set, halving the path on the way.
    fn find(&mut self, mut index: usize) -> usize {
        while let Some(&parent) = self.parent.get(index) {
            if parent == index {
                break;
            }
            let grandparent = self.parent.get(parent).copied().unwrap_or(parent);
            if let Some(slot) = self.parent.get_mut(index) {
                *slot = grandparent;
            }
            index = grandparent;
        }
        index
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if let Some(slot) = self.parent.get_mut(a) {
            *slot = b;
        }
    }
}
