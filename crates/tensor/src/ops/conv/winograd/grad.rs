//! The output-gradient transform of the weight gradient of F(2×2, 3×3): `Z = A dY Aᵀ` for
//! every 2×2 tile of the output gradient, the adjoint of the output transform.

use super::input::split_planes;
use super::{Band, E};
use crate::element::Float;

multiversion! {
    /// Transforms the band's 2×2 output-gradient tiles of every channel of `dy` (`o × oh × ow`)
    /// into `z` (`[o][e][t]`): `Z = A dY Aᵀ`, zero for outputs past the edge.
    fn transform => grads_portable(b: &Band, dy: &[T], z: &mut [T], small: &mut [T])
}

#[inline(always)]
fn grads_portable<T: Float>(b: &Band, dy: &[T], z: &mut [T], small: &mut [T]) {
    let g = b.g;
    let plane = g.oh * g.ow;
    let n = b.tiles();
    for o in 0..g.o {
        let dy = &dy[o * plane..(o + 1) * plane];
        // The output gradient seen as a padding-free "input" of the band's output rows
        // 2·ty0 + r, split by parity: p, q (even rows), r, s (odd rows) of each tile.
        let [p, q, r, s] = split_planes(b, dy, (0, 0), (g.oh, g.ow), small);
        let z = &mut z[o * b.stride()..][..E * n];
        grad_tiles([&p[..n], &q[..n], &r[..n], &s[..n]], z);
    }
}

/// `Z = A dY Aᵀ` for every tile with gradients `[[p, q], [r, s]]`, into the 16 rows of `z`.
#[inline(always)]
fn grad_tiles<T: Float>([p, q, r, s]: [&[T]; 4], z: &mut [T]) {
    let n = p.len();
    let (q, r, s) = (&q[..n], &r[..n], &s[..n]);
    // Rows of A dY: (p, q), (p + r, q + s), (p − r, q − s), (−r, −s); each row [u, v] times
    // Aᵀ is [u, u + v, u − v, −v].
    for xi in 0..4 {
        let (z0, rest) = z[4 * xi * n..].split_at_mut(n);
        let (z1, rest) = rest.split_at_mut(n);
        let (z2, rest) = rest.split_at_mut(n);
        let z3 = &mut rest[..n];
        for i in 0..n {
            let (u, v) = match xi {
                0 => (p[i], q[i]),
                1 => (p[i] + r[i], q[i] + s[i]),
                2 => (p[i] - r[i], q[i] - s[i]),
                _ => (-r[i], -s[i]),
            };
            z0[i] = u;
            z1[i] = u + v;
            z2[i] = u - v;
            z3[i] = -v;
        }
    }
}
