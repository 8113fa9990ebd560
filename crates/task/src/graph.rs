//! Index graphs: compressed adjacency lists and Kahn's topological order over vertex
//! numbers. Knows nothing of tasks, so both the model (critical path, ETA) and the layout
//! build on it without importing each other.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Compressed adjacency lists: one allocation for all rows instead of one per vertex.
pub(crate) struct Csr {
    pub(crate) start: Vec<usize>,
    pub(crate) items: Vec<usize>,
}

impl Csr {
    /// Rows of `n` vertices from `(row, item)` pairs; items keep the pairs' order.
    pub(crate) fn new(n: usize, pairs: &[(usize, usize)]) -> Csr {
        let mut start = vec![0usize; n + 1];
        for &(r, _) in pairs {
            start[r + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items = vec![0usize; pairs.len()];
        for &(r, it) in pairs {
            items[fill[r]] = it;
            fill[r] += 1;
        }
        Csr { start, items }
    }

    /// Successor and predecessor lists of the edges `(from, to)`.
    pub(crate) fn both(n: usize, edges: &[(usize, usize)]) -> (Csr, Csr) {
        let rev: Vec<(usize, usize)> = edges.iter().map(|&(a, b)| (b, a)).collect();
        (Csr::new(n, edges), Csr::new(n, &rev))
    }

    pub(crate) fn row(&self, v: usize) -> &[usize] {
        &self.items[self.start[v]..self.start[v + 1]]
    }

    pub(crate) fn len(&self, v: usize) -> usize {
        self.start[v + 1] - self.start[v]
    }
}

/// Kahn's algorithm taking ready vertices in rank order. On a cycle, the unprocessed
/// vertex of least rank is taken next, which breaks the cycle deterministically.
pub(crate) fn kahn(rank: &[usize], preds: &Csr, succs: &Csr) -> Vec<usize> {
    let n = rank.len();
    let mut by_rank = vec![0usize; n];
    for (v, &r) in rank.iter().enumerate() {
        by_rank[r] = v;
    }
    let mut indeg: Vec<usize> = (0..n).map(|v| preds.len(v)).collect();
    let mut heap: BinaryHeap<Reverse<usize>> = (0..n)
        .filter(|&v| indeg[v] == 0)
        .map(|v| Reverse(rank[v]))
        .collect();
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut cursor = 0;
    while order.len() < n {
        let v = match heap.pop() {
            Some(Reverse(r)) => by_rank[r],
            None => {
                while cursor < n && done[by_rank[cursor]] {
                    cursor += 1;
                }
                match by_rank.get(cursor) {
                    Some(&v) => v,
                    None => break,
                }
            }
        };
        if done[v] {
            continue;
        }
        done[v] = true;
        order.push(v);
        for &w in succs.row(v) {
            if !done[w] && indeg[w] > 0 {
                indeg[w] -= 1;
                if indeg[w] == 0 {
                    heap.push(Reverse(rank[w]));
                }
            }
        }
    }
    order
}
